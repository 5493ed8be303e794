import { describe, expect, it } from 'vitest';
import { compareWithReference } from '../../reference.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { dema } from './index.ts';

describe('indicator.dema', () => {
  it('is 2·EMA − EMA(EMA), each EMA seeded with an SMA', () => {
    const { value } = runNode(dema, { params: { period: 2 }, inputs: { source: [1, 3, 5, 4, 8] } });
    // k = 2/3. EMA: seed (1+3)/2 = 2, then 4, 4, 20/3. EMA of that: seed (2+4)/2 = 3, then 11/3, 17/3.
    // DEMA: 2·4 − 3 = 5, 2·4 − 11/3 = 13/3, 2·20/3 − 17/3 = 23/3.
    expect(value.slice(0, 2)).toEqual([NaN, NaN]);
    expect(value[2]).toBeCloseTo(5, 12);
    expect(value[3]).toBeCloseTo(13 / 3, 12);
    expect(value[4]).toBeCloseTo(23 / 3, 12);
  });

  it('tracks a straight line with no lag', () => {
    // An SMA-seeded EMA of a ramp lags it by exactly (N−1)/2 from its first value; DEMA cancels that.
    const ramp = Array.from({ length: 20 }, (_, i) => 100 + 2 * i);
    const { value } = runNode(dema, { params: { period: 5 }, inputs: { source: ramp } });
    for (let i = 8; i < 20; i++) expect(value[i]).toBeCloseTo(ramp[i]!, 9);
  });

  it('first value at index 2(N−1), as warmup() says', () => {
    for (const period of [1, 3, 4]) {
      const { value } = runNode(dema, { params: { period }, inputs: { source: [4, 8, 6, 2, 5, 7, 1, 3, 9, 2] } });
      expect(firstDefined(value)).toBe(2 * (period - 1));
      expect(dema.warmup!(dema.params.parse({ period }))).toBe(2 * (period - 1));
    }
  });

  it('a NaN restarts both EMAs', () => {
    const { value } = runNode(dema, { params: { period: 2 }, inputs: { source: [9, 9, 9, NaN, 1, 3, 5, 4, 8] } });
    expect(value.slice(3, 6).every(Number.isNaN)).toBe(true);
    // The same as the first test's series: nothing from before the NaN survives.
    expect(value[6]).toBeCloseTo(5, 12);
    expect(value[8]).toBeCloseTo(23 / 3, 12);
  });

  it('defaults to 20 and refuses a period below 1', () => {
    expect(dema.params.parse({}).period).toBe(20);
    expect(dema.params.safeParse({ period: 0 }).success).toBe(false);
  });
});

describe('indicator.dema against TA-Lib', () => {
  it('matches TA-Lib DEMA to 1e-9 on the reference bars, including its warm-up', () => {
    const result = compareWithReference(dema);
    expect(result.compared).toBeGreaterThan(1000);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
