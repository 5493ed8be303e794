import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { ComparisonOperator, compareCode, compareColumns, compareValues } from '../comparison.ts';

/** Compares two series bar by bar. */
export const compare = defineNode({
  type: 'logic.compare',
  version: 1,
  category: 'logic',
  title: 'Compare',
  description: 'True while A compares to B as chosen (A > B, A ≤ B, …).',
  docs: {
    example: 'Close > SMA(200): only trade long while price is above its long-term average.',
    caveats: ['Unknown (NaN) while either input is NaN; logic nodes downstream read that as false.'],
  },
  inputs: {
    a: { kind: 'number', description: 'Left-hand side.' },
    b: { kind: 'number', description: 'Right-hand side.' },
  },
  outputs: { result: { kind: 'bool', description: 'The comparison on this bar.' } },
  params: z.object({ operator: ComparisonOperator.default('>').describe('How A is compared to B.') }),
  init: () => ({}),
  step(_s, p, input, out) {
    out.result = compareValues(input.a, p.operator, input.b);
  },
  kernel(_s, p, input, out, from, to) {
    compareColumns(input.a, p.operator, input.b, NaN, out.result, from, to);
  },
  pointwise: (p) => (out, [a, b]) => compareCode(out, a!, p.operator, b!),
});
