import { describe, expect, it } from 'vitest';
import { compareWithReference } from '../../reference.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { rollingMin } from './index.ts';

describe('indicator.rollingMin', () => {
  it('takes the extreme of the last N values', () => {
    // Windows of 3: (5,3,4)=3 (3,4,6)=3 (4,6,2)=2 (6,2,7)=2 (2,7,8)=2 (7,8,1)=1
    expect(runNode(rollingMin, { params: { period: 3 }, inputs: { source: [5, 3, 4, 6, 2, 7, 8, 1] } }).value).toEqual([NaN, NaN, 3, 3, 2, 2, 2, 1]);
  });

  it('finds the next extreme when the current one leaves the window', () => {
    // The 1 leaves after bar 2, so the window is rescanned: 7, then 6, then 5.
    expect(runNode(rollingMin, { params: { period: 3 }, inputs: { source: [1, 9, 8, 7, 6, 5] } }).value).toEqual([NaN, NaN, 1, 7, 6, 5]);
  });

  it('agrees with a brute-force scan on a long series with ties', () => {
    let seed = 7;
    // Small integers so ties are frequent, which exercises which copy of the extreme is kept.
    const source = Array.from({ length: 500 }, () => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % 13));
    for (const period of [1, 2, 5, 17]) {
      const { value } = runNode(rollingMin, { params: { period }, inputs: { source } });
      source.forEach((_, i) => {
        expect(value[i]).toBe(i < period - 1 ? NaN : Math.min(...source.slice(i - period + 1, i + 1)));
      });
    }
  });

  it('first value at index period − 1, matching warmup(); a NaN restarts it', () => {
    const { value } = runNode(rollingMin, { params: { period: 2 }, inputs: { source: [4, 8, NaN, 1, 3, 2] } });
    expect(firstDefined(value)).toBe(rollingMin.warmup!(rollingMin.params.parse({ period: 2 })));
    expect(value.slice(2, 4)).toEqual([NaN, NaN]);
    // Nothing before the NaN survives: (1,3) and (3,2) only.
    expect(value.slice(4)).toEqual([1, 2]);
  });

  it('period 1 is the input itself; a flat series is its own extreme', () => {
    expect(runNode(rollingMin, { params: { period: 1 }, inputs: { source: [3, 1, 4] } }).value).toEqual([3, 1, 4]);
    expect(runNode(rollingMin, { params: { period: 3 }, inputs: { source: [2, 2, 2, 2] } }).value).toEqual([NaN, NaN, 2, 2]);
  });
});

describe('indicator.rollingMin against TA-Lib', () => {
  it('matches TA-Lib MIN to 1e-9 on the reference bars, including its warm-up', () => {
    const result = compareWithReference(rollingMin);
    expect(result.compared).toBeGreaterThan(1500);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
