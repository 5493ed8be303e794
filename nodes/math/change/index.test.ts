import { describe, expect, it } from 'vitest';
import { compareWithReference } from '../../reference.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { change } from './index.ts';

describe('math.change', () => {
  it('x − x[N]', () => {
    // 13 − 10, 11 − 12, 20 − 13
    expect(runNode(change, { params: { period: 2 }, inputs: { source: [10, 12, 13, 11, 20] } }).value).toEqual([NaN, NaN, 3, -1, 7]);
  });

  it('warms up for N bars, as its warmup() says', () => {
    for (const period of [1, 2, 5]) {
      const { value } = runNode(change, { params: { period }, inputs: { source: [4, 8, 6, 2, 5, 7, 1] } });
      expect(firstDefined(value)).toBe(change.warmup!(change.params.parse({ period })));
      expect(firstDefined(value)).toBe(period);
    }
  });

  it('a NaN spoils its own bar and the bar N later, nothing else', () => {
    expect(runNode(change, { params: { period: 1 }, inputs: { source: [1, 3, NaN, 4, 6] } }).value).toEqual([NaN, 2, NaN, NaN, 2]);
  });

  it('is 0 on flat prices', () => {
    expect(runNode(change, { params: { period: 3 }, inputs: { source: [5, 5, 5, 5, 5] } }).value.slice(3)).toEqual([0, 0]);
  });

  it('defaults to 10 bars and refuses a period below 1', () => {
    expect(change.params.parse({}).period).toBe(10);
    expect(change.params.safeParse({ period: 0 }).success).toBe(false);
  });
});

describe('math.change against TA-Lib', () => {
  it('matches TA-Lib MOM to 1e-9 on the reference bars, including its warm-up', () => {
    const result = compareWithReference(change);
    expect(result.compared).toBeGreaterThan(1000);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
