import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { ComparisonOperator, compareCode, compareColumns, compareValues } from '../comparison.ts';

/** Compares a series with a fixed level. */
export const threshold = defineNode({
  type: 'logic.threshold',
  version: 1,
  category: 'logic',
  title: 'Threshold',
  description: 'True while a value is above or below a fixed level.',
  docs: {
    example: 'RSI(14) < 30: oversold, a mean-reversion entry.',
    caveats: ['Unknown (NaN) while the input is NaN; logic nodes downstream read that as false.'],
  },
  inputs: { value: { kind: 'number', description: 'The series to test.' } },
  outputs: { result: { kind: 'bool', description: 'The test on this bar.' } },
  params: z.object({
    operator: ComparisonOperator.default('<').describe('How the value is compared to the level.'),
    level: z.number().finite().default(30).describe('The fixed level.'),
  }),
  init: () => ({}),
  step(_s, p, input, out) {
    out.result = compareValues(input.value, p.operator, p.level);
  },
  kernel(_s, p, input, out, from, to) {
    compareColumns(input.value, p.operator, undefined, p.level, out.result, from, to);
  },
  // The level is finite (its schema): no NaN test for it.
  pointwise: (p) => (out, [x], at) => compareCode(out, x!, p.operator, `${at.params}.level`, true),
});
