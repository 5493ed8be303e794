import { z } from 'zod';
import { bool } from '../../bool.ts';
import { defineNode } from '../../contract.ts';

/** Detects the bar on which one series crosses another. */
export const crossover = defineNode({
  type: 'logic.crossover',
  version: 1,
  category: 'logic',
  title: 'Crossover',
  description: 'True on the bar where A crosses above (or below) B.',
  docs: {
    example: 'A = SMA(10), B = SMA(50): "above" is the golden cross, "below" the death cross.',
    caveats: [
      'A cross needs the previous bar too: crossed above means A ≤ B on the previous bar and A > B now.',
      'False while either input is NaN, and on the first bar after one.',
    ],
  },
  inputs: {
    a: { kind: 'number', description: 'The series that crosses (e.g. the fast average).' },
    b: { kind: 'number', description: 'The series crossed (e.g. the slow average).' },
  },
  outputs: {
    above: { kind: 'bool', description: 'A crossed above B on this bar.' },
    below: { kind: 'bool', description: 'A crossed below B on this bar.' },
  },
  params: z.object({}),
  // A cross is judged against the bar before, so the first bar with A and B known cannot be one: one bar
  // of warm-up, as Lag(1) has. A walk-forward window starts its run `warmup + 1` bars early, and missed a
  // cross on the bar before the window without it (docs/research.md).
  warmup: () => 1,
  init: () => ({ prevA: NaN, prevB: NaN }),
  step(s, _p, input, out) {
    const { a, b } = input;
    const known = a === a && b === b && s.prevA === s.prevA && s.prevB === s.prevB;
    out.above = bool(known && s.prevA <= s.prevB && a > b);
    out.below = bool(known && s.prevA >= s.prevB && a < b);
    s.prevA = a;
    s.prevB = b;
  },
  kernel(s, _p, input, out, from, to) {
    const xa = input.a, xb = input.b, above = out.above, below = out.below;
    let prevA = s.prevA, prevB = s.prevB;
    for (let t = from; t < to; t++) {
      const a = xa[t]!, b = xb[t]!;
      // The flags as numbers combined with &, not chosen by branches the processor would mispredict.
      // The step's "both bars known" needs no test of its own here: every comparison with a NaN is false.
      above[t] = +(prevA <= prevB) & +(a > b);
      below[t] = +(prevA >= prevB) & +(a < b);
      prevA = a;
      prevB = b;
    }
    s.prevA = prevA;
    s.prevB = prevB;
  },
});
