import { describe, expect, it } from 'vitest';
import { adoptCheck, badBarCounts, checkBars, checkedSlice, countBadBars, syntheticBars, type Bars, type SyntheticSpec } from './bars.ts';

const spec: SyntheticSpec = { seed: 42, bars: 5000, startPrice: 100, drift: 0.05, volatility: 0.6, intervalMinutes: 60, startTime: Date.UTC(2024, 0, 1) };

describe('syntheticBars', () => {
  it('is deterministic per seed', () => {
    expect(syntheticBars(spec)).toEqual(syntheticBars({ ...spec }));
  });

  it('differs between seeds', () => {
    const a = syntheticBars(spec).close;
    const b = syntheticBars({ ...spec, seed: 43 }).close;
    let same = 0;
    for (let i = 1; i < a.length; i++) if (a[i] === b[i]) same++;
    expect(same).toBe(0);
  });

  it('keeps OHLC consistent: high ≥ max(open, close), low ≤ min(open, close), low > 0', () => {
    for (const seed of [0, 1, 42, 2 ** 32 - 1]) {
      const b = syntheticBars({ ...spec, seed, volatility: 3 });
      for (let i = 0; i < b.close.length; i++) {
        expect(b.high[i]).toBeGreaterThanOrEqual(Math.max(b.open[i]!, b.close[i]!));
        expect(b.low[i]).toBeLessThanOrEqual(Math.min(b.open[i]!, b.close[i]!));
        expect(b.low[i]).toBeGreaterThan(0);
        expect(b.volume[i]).toBeGreaterThanOrEqual(1000);
      }
    }
  });

  it('opens each bar at the previous close, from the start price, one interval apart', () => {
    const b = syntheticBars({ ...spec, bars: 100, intervalMinutes: 15 });
    expect(b.open[0]).toBe(100);
    for (let i = 1; i < 100; i++) {
      expect(b.open[i]).toBe(b.close[i - 1]);
      expect(b.time[i]! - b.time[i - 1]!).toBe(15 * 60_000);
    }
    expect(b.time[0]).toBe(spec.startTime);
  });

  it('has the requested volatility: hourly log returns scale to the annual figure', () => {
    const b = syntheticBars({ ...spec, bars: 50_000, drift: 0, volatility: 0.4 });
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < b.close.length; i++) {
      const r = Math.log(b.close[i]! / b.open[i]!);
      sum += r;
      sumSq += r * r;
    }
    const n = b.close.length;
    const sd = Math.sqrt((sumSq - (sum * sum) / n) / (n - 1));
    // 8766 hours a year: σ_hour = 0.4 / √8766; 50 000 samples put the estimate within about 1 %.
    expect(sd * Math.sqrt(8766)).toBeCloseTo(0.4, 2);
  });

  it('zero volatility with zero drift is a flat line', () => {
    const b = syntheticBars({ ...spec, bars: 10, drift: 0, volatility: 0 });
    expect([...b.close]).toEqual(new Array(10).fill(100));
  });
});

describe('checkBars', () => {
  const lane = (): Bars => {
    const b = syntheticBars({ seed: 5, bars: 8, startPrice: 50, drift: 0, volatility: 0.3, intervalMinutes: 1, startTime: 0 });
    b.close[2] = NaN;
    b.low[5] = -1;
    return b;
  };

  it('counts each lane’s bad bars before each index, once, by the executor’s rule', () => {
    const b = lane();
    expect(badBarCounts(b)).toBeNull();
    expect(countBadBars(b)).toEqual(Int32Array.of(0, 0, 0, 1, 1, 1, 2, 2, 2));
    const market = { symbols: [''], lanes: [b] };
    expect(checkBars(market)).toBe(market);
    const counts = badBarCounts(b)!;
    expect(counts).toEqual(Int32Array.of(0, 0, 0, 1, 1, 1, 2, 2, 2));
    checkBars(market);
    expect(badBarCounts(b)).toBe(counts);
  });

  it('does not take a lane with another open, high or low array for the one it checked', () => {
    const b = lane();
    checkBars({ symbols: [''], lanes: [b] });
    for (const f of ['open', 'high', 'low'] as const) expect(badBarCounts({ ...b, [f]: b[f].slice() })).toBeNull();
    expect(badBarCounts({ ...b })).not.toBeNull();
  });

  it('passes its counts to slices and copies, and adopts counts only of the lane’s length', () => {
    const b = lane();
    const slice = { ...b, open: b.open.subarray(2, 6), high: b.high.subarray(2, 6), low: b.low.subarray(2, 6), close: b.close.subarray(2, 6) };
    checkedSlice(b, slice, 2, 6);
    expect(badBarCounts(slice)).toBeNull();
    checkBars({ symbols: [''], lanes: [b] });
    checkedSlice(b, slice, 2, 6);
    // Bars 2..5 of the lane: bad at 2 and 5, as counting the slice afresh says (differences are what count).
    const got = badBarCounts(slice)!;
    const fresh = countBadBars(slice);
    expect([...got].map((c) => c - got[0]!)).toEqual([...fresh]);
    const copy = { ...b, close: b.close.slice() };
    adoptCheck(copy, new Int32Array(3));
    expect(badBarCounts(copy)).toBeNull();
    adoptCheck(copy, countBadBars(copy));
    expect(badBarCounts(copy)).toEqual(countBadBars(b));
  });
});
