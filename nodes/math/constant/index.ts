import { z } from 'zod';
import { defineNode } from '../../contract.ts';

/** A fixed number on every bar. */
export const constant = defineNode({
  type: 'math.constant',
  version: 1,
  category: 'math',
  title: 'Constant',
  description: 'A fixed number on every bar, to compare or combine a series with.',
  docs: {
    example: 'Arithmetic: close × Constant(1.02) for a level 2 % above the close (through As price, a limit or stop Price).',
    caveats: ['No inputs and no warm-up: the value is there from the first bar and never NaN.'],
  },
  inputs: {},
  outputs: { value: { kind: 'number', description: 'The number.' } },
  params: z.object({
    value: z.number().finite().default(0).describe('The number to output on every bar.'),
  }),
  warmup: () => 0,
  init: () => ({}),
  step(_s, p, _input, out) {
    out.value = p.value;
  },
});
