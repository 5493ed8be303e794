import { z } from 'zod';
import { defineNode } from '../../contract.ts';

/** Size without sign. */
export const abs = defineNode({
  type: 'math.abs',
  version: 1,
  category: 'math',
  title: 'Absolute value',
  description: 'The size of a value without its sign: |x|.',
  docs: {
    example: 'Absolute value of Change(close, 1): how far price moved, up or down.',
    caveats: ['No warm-up of its own; NaN in, NaN out.'],
  },
  inputs: { value: { kind: 'number', description: 'The series.' } },
  outputs: { value: { kind: 'number', description: 'Its absolute value.' } },
  params: z.object({}),
  warmup: () => 0,
  init: () => ({}),
  step(_s, _p, input, out) {
    out.value = Math.abs(input.value);
  },
  kernel(_s, _p, input, out, from, to) {
    const x = input.value, y = out.value;
    for (let t = from; t < to; t++) y[t] = Math.abs(x[t]!);
  },
  pointwise: () => (out, [x]) => `const ${out} = Math.abs(${x});`,
});
