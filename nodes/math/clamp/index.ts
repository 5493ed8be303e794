import { z } from 'zod';
import { defineNode } from '../../contract.ts';

/** Keeps a series inside fixed bounds. */
export const clamp = defineNode({
  type: 'math.clamp',
  version: 1,
  category: 'math',
  title: 'Clamp',
  description: 'Keeps a value between a lower and an upper bound.',
  docs: {
    example: 'Clamp a position-size score to 0–100 before it sets the percent of equity.',
    caveats: [
      'No warm-up of its own; NaN in, NaN out.',
      'The bounds may be given in either order: the smaller one is the floor. Equal bounds give that number whenever the input is known.',
    ],
  },
  inputs: { value: { kind: 'number', description: 'The series to bound.' } },
  outputs: { value: { kind: 'number', description: 'The input, raised to the floor or cut to the ceiling.' } },
  params: z.object({
    lower: z.number().finite().default(0).describe('Lower bound.'),
    upper: z.number().finite().default(100).describe('Upper bound.'),
  }),
  warmup: () => 0,
  // Sorted once: a cross-field refinement in the schema would break the catalog's `.partial()` defaults.
  init: (p) => ({ lo: Math.min(p.lower, p.upper), hi: Math.max(p.lower, p.upper) }),
  step(s, _p, input, out) {
    const x = input.value;
    out.value = x < s.lo ? s.lo : x > s.hi ? s.hi : x;
  },
  kernel(s, _p, input, out, from, to) {
    const src = input.value, y = out.value, lo = s.lo, hi = s.hi;
    for (let t = from; t < to; t++) {
      const x = src[t]!;
      y[t] = x < lo ? lo : x > hi ? hi : x;
    }
  },
  // The bounds as `init` put them in order.
  pointwise: () => (out, [x], at) => `const ${out} = ${x} < ${at.state}.lo ? ${at.state}.lo : ${x} > ${at.state}.hi ? ${at.state}.hi : ${x};`,
});
