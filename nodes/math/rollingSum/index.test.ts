import { describe, expect, it } from 'vitest';
import { compareWithReference } from '../../reference.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { rollingSum } from './index.ts';

describe('math.rollingSum', () => {
  it('adds the last N inputs once N have arrived', () => {
    // 1+2+3, 2+3+10, 3+10+−4
    expect(runNode(rollingSum, { params: { period: 3 }, inputs: { source: [1, 2, 3, 10, -4] } }).value).toEqual([NaN, NaN, 6, 15, 9]);
  });

  it('warms up for N − 1 bars, as its warmup() says', () => {
    for (const period of [2, 4]) {
      const { value } = runNode(rollingSum, { params: { period }, inputs: { source: [4, 8, 6, 2, 5, 7] } });
      expect(firstDefined(value)).toBe(rollingSum.warmup!(rollingSum.params.parse({ period })));
      expect(firstDefined(value)).toBe(period - 1);
    }
  });

  it('restarts its window after a NaN', () => {
    // After the NaN, 100 alone is not a full window; then 100+5 and 5+7: the 1 and 3 are forgotten.
    expect(runNode(rollingSum, { params: { period: 2 }, inputs: { source: [1, 3, NaN, 100, 5, 7] } }).value).toEqual([NaN, 4, NaN, NaN, 105, 12]);
  });

  it('defaults to 20 and refuses a period below 2 (as TA-Lib)', () => {
    expect(rollingSum.params.parse({}).period).toBe(20);
    expect(rollingSum.params.safeParse({ period: 1 }).success).toBe(false);
  });
});

describe('math.rollingSum against TA-Lib', () => {
  it('matches TA-Lib SUM to 1e-9 on the reference bars, including its warm-up', () => {
    const result = compareWithReference(rollingSum);
    expect(result.compared).toBeGreaterThan(1000);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
