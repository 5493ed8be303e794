import { describe, expect, it } from 'vitest';
import { stitchEquity } from './stitch.ts';

describe('stitching out-of-sample equity', () => {
  it('compounds each window from where the previous one ended', () => {
    const out = stitchEquity(
      [
        { time: [1, 2], equity: [55_000, 60_000], startEquity: 50_000 }, // +20 %
        { time: [3, 4], equity: [100_000, 90_000], startEquity: 100_000 }, // −10 %
      ],
      1000,
    );
    expect([...out.time]).toEqual([1, 2, 3, 4]);
    expect([...out.equity].map((v) => Math.round(v * 1e6) / 1e6)).toEqual([1100, 1200, 1200, 1080]);
  });

  it('skips empty segments and returns nothing for no segments', () => {
    const out = stitchEquity([{ time: [], equity: [], startEquity: 5 }, { time: [9], equity: [10], startEquity: 5 }], 100);
    expect([...out.equity]).toEqual([200]);
    expect(stitchEquity([], 100).equity.length).toBe(0);
  });
});
