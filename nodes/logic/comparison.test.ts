import { describe, expect, it } from 'vitest';
import { compareColumns, compareValues, comparisonOperators } from './comparison.ts';

describe('compareColumns', () => {
  // Values that tie, cross and are unknown, against a column and against constants (NaN among them).
  const a = Float64Array.from([1, 2, 3, NaN, 5, -Infinity, 7, 7, 0, -0]);
  const b = Float64Array.from([2, 2, 1, 4, NaN, 0, Infinity, 7, -0, 0]);
  for (const op of comparisonOperators) {
    it(`'${op}' gives compareValues' answer on every bar of the range, and leaves the rest`, () => {
      for (const rhs of [b, 2, 7, -Infinity, NaN]) {
        const out = new Float64Array(a.length).fill(-1);
        compareColumns(a, op, typeof rhs === 'number' ? undefined : rhs, typeof rhs === 'number' ? rhs : NaN, out, 1, a.length - 1);
        const expected = Array.from(a, (x, t) => (t === 0 || t === a.length - 1 ? -1 : compareValues(x, op, typeof rhs === 'number' ? rhs : rhs[t]!)));
        expect(Array.from(out)).toEqual(expected);
      }
    });
  }
});
