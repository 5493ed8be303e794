import { describe, expect, it } from 'vitest';
import { compareWithReference } from '../../reference.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { kama } from './index.ts';

describe('indicator.kama', () => {
  it('moves by sc = (ER·(fastSC − slowSC) + slowSC)² of the gap each bar', () => {
    // fast 1 and slow 3 give fastSC 1 and slowSC 1/2, so sc = ((ER + 1)/2)².
    const { value } = runNode(kama, { params: { period: 2, fast: 1, slow: 3 }, inputs: { source: [10, 11, 13, 12, 14] } });
    expect(value.slice(0, 2)).toEqual([NaN, NaN]);
    // Index 2: ER = |13 − 10| / (1 + 2) = 1, sc = 1; seeded from the previous input 11: 11 + 1·(13 − 11) = 13.
    expect(value[2]).toBe(13);
    // Index 3: ER = |12 − 11| / (2 + 1) = 1/3, sc = 4/9: 13 + 4/9·(12 − 13) = 113/9.
    expect(value[3]).toBeCloseTo(113 / 9, 12);
    // Index 4: ER = |14 − 13| / (1 + 2) = 1/3, sc = 4/9: 113/9 + 4/9·(14 − 113/9) = 1069/81.
    expect(value[4]).toBeCloseTo(1069 / 81, 12);
  });

  it('takes ER = 1 over a window that never moved, as TA-Lib does', () => {
    // Kaufman's 2/30: index 2 has ER = 1/3, sc₂ = (1/3·(2/3 − 2/31) + 2/31)² = (74/279)², so KAMA = 12 − sc₂.
    // Index 3: ER = |11 − 12| / (1 + 0) = 1, sc = 4/9. Index 4: no change in the window at all → ER = 1, sc = 4/9 again.
    const { value } = runNode(kama, { params: { period: 2 }, inputs: { source: [10, 12, 11, 11, 11] } });
    const sc2 = (74 / 279) ** 2;
    expect(value[2]).toBeCloseTo(12 - sc2, 12);
    expect(value[3]).toBeCloseTo(11 + (1 - sc2) * (5 / 9), 12);
    expect(value[4]).toBeCloseTo(11 + (1 - sc2) * (25 / 81), 12);
  });

  it('first value at index N, as warmup() says', () => {
    for (const period of [1, 2, 5]) {
      const { value } = runNode(kama, { params: { period }, inputs: { source: [4, 8, 6, 2, 5, 7, 1, 3] } });
      expect(firstDefined(value)).toBe(period);
      expect(kama.warmup!(kama.params.parse({ period }))).toBe(period);
    }
  });

  it('a NaN restarts the warm-up and the seed', () => {
    const { value } = runNode(kama, { params: { period: 1 }, inputs: { source: [5, 7, NaN, 8, 9] } });
    // Period 1: ER is always 1, sc = (2/3)². 5 + 4/9·2 = 53/9; after the NaN 8 is the new seed: 8 + 4/9 = 76/9.
    expect(value[0]).toBeNaN();
    expect(value[1]).toBeCloseTo(53 / 9, 12);
    expect(value.slice(2, 4).every(Number.isNaN)).toBe(true);
    expect(value[4]).toBeCloseTo(76 / 9, 12);
  });

  it('the shorter of fast and slow is the fast one', () => {
    const source = [10, 11, 13, 12, 14, 11, 15];
    const a = runNode(kama, { params: { period: 3, fast: 2, slow: 30 }, inputs: { source } }).value;
    expect(runNode(kama, { params: { period: 3, fast: 30, slow: 2 }, inputs: { source } }).value).toEqual(a);
  });

  it('defaults to Kaufman’s 10, 2, 30', () => {
    expect(kama.params.parse({})).toEqual({ period: 10, fast: 2, slow: 30 });
    expect(kama.params.safeParse({ period: 0 }).success).toBe(false);
  });
});

describe('indicator.kama against TA-Lib', () => {
  it('matches TA-Lib KAMA (and the formula with other fast/slow) to 1e-9 from its first value', () => {
    // TA-Lib's unstable period for KAMA is 0 by default, and it seeds from the same bar, so no bars are skipped.
    const result = compareWithReference(kama);
    expect(result.compared).toBeGreaterThan(1500);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
