import { describe, expect, it } from 'vitest';
import { histogram, maxDrawdownPct, percentileSorted, percentileTable } from './stats.ts';

describe('percentiles', () => {
  it('interpolates between ranks like PERCENTILE.INC', () => {
    const s = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentileSorted(s, 0)).toBe(1);
    expect(percentileSorted(s, 100)).toBe(10);
    expect(percentileSorted(s, 50)).toBeCloseTo(5.5);
    expect(percentileSorted(s, 25)).toBeCloseTo(3.25);
    expect(percentileSorted(s, 95)).toBeCloseTo(9.55);
    expect(percentileSorted([], 50)).toBeNaN();
  });

  it('tabulates 5/25/50/75/95 of unsorted values', () => {
    const values = Array.from({ length: 101 }, (_, i) => 100 - i);
    expect(percentileTable(values)).toEqual({ p5: 5, p25: 25, p50: 50, p75: 75, p95: 95 });
  });
});

describe('histogram', () => {
  it('counts every value once in equal-width bins', () => {
    const h = histogram([0, 1, 2, 3, 4, 5, 6, 7, 8, 10], 5);
    expect(h.map((b) => b.count)).toEqual([2, 2, 2, 2, 2]);
    expect(h[0]!.from).toBe(0);
    expect(h.at(-1)!.to).toBe(10);
  });

  it('puts identical values in one bin', () => {
    expect(histogram([3, 3, 3], 10)).toEqual([{ from: 3, to: 3, count: 3 }]);
    // Equal but for rounding (a reshuffle's final returns): one bin, not 30 bins of noise.
    expect(histogram([37.978229104469, 37.97822910446903, 37.97822910446897], 30)).toEqual([{ from: 37.97822910446897, to: 37.97822910446903, count: 3 }]);
    expect(histogram([0, 1e-12], 4)).toHaveLength(4);
  });
});

describe('max drawdown', () => {
  it('measures the deepest fall from a running peak, counting the start as a peak', () => {
    expect(maxDrawdownPct([110, 99, 120, 90, 130], 100)).toBeCloseTo(25);
    expect(maxDrawdownPct([90, 95], 100)).toBeCloseTo(10);
    expect(maxDrawdownPct([101, 102], 100)).toBe(0);
  });
});
