import { describe, expect, it } from 'vitest';
import type { Bar } from '../../ports.ts';
import { compareWithReference } from '../../reference.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { keltner } from './index.ts';

const bar = (high: number, low: number, close: number): Bar => ({ time: 0, open: close, high, low, close, volume: 1000 });
const nanBar: Bar = { time: 0, open: NaN, high: NaN, low: NaN, close: NaN, volume: NaN };
// True ranges from bar 1: 3, 1, 5.
const bars = [bar(10, 8, 9), bar(12, 9, 11), bar(11, 10, 10), bar(15, 12, 14)];

describe('indicator.keltner', () => {
  it('EMA of the close ± multiplier × ATR (EMA 2, ATR 2, × 2)', () => {
    const { upper, middle, lower } = runNode(keltner, { params: { period: 2, atrPeriod: 2, multiplier: 2 }, inputs: { bars } });
    // EMA(2): seed (9 + 11)/2 = 10, then 10 + 2/3·(10 − 10) = 10, then 10 + 2/3·(14 − 10) = 38/3.
    expect(middle).toEqual([NaN, 10, 10, expect.closeTo(38 / 3, 12)]);
    // ATR(2): (3 + 1)/2 = 2 at bar 2, then (2 + 5)/2 = 3.5.
    expect(upper.slice(0, 2).every(Number.isNaN)).toBe(true);
    expect(upper[2]).toBe(14);
    expect(lower[2]).toBe(6);
    expect(upper[3]).toBeCloseTo(38 / 3 + 7, 12);
    expect(lower[3]).toBeCloseTo(38 / 3 - 7, 12);
  });

  it('the middle starts at index N−1, the bands at max(N−1, M) = warmup()', () => {
    const many = Array.from({ length: 20 }, (_, i) => bar(11 + (i % 3), 9 - (i % 2), 10 + (i % 4)));
    for (const [period, atrPeriod] of [[2, 5], [6, 3], [4, 3]] as const) {
      const out = runNode(keltner, { params: { period, atrPeriod }, inputs: { bars: many } });
      expect(firstDefined(out.middle)).toBe(period - 1);
      expect(firstDefined(out.upper)).toBe(Math.max(period - 1, atrPeriod));
      expect(firstDefined(out.lower)).toBe(keltner.warmup!(keltner.params.parse({ period, atrPeriod })));
    }
  });

  it('a NaN bar restarts both the EMA and the ATR', () => {
    const { upper, middle } = runNode(keltner, { params: { period: 2, atrPeriod: 2, multiplier: 2 }, inputs: { bars: [bar(100, 1, 50), bar(90, 2, 60), nanBar, ...bars] } });
    expect(middle[2]).toBeNaN();
    expect(middle.slice(3)).toEqual([NaN, 10, 10, expect.closeTo(38 / 3, 12)]);
    expect(upper.slice(3)).toEqual([NaN, NaN, 14, expect.closeTo(38 / 3 + 7, 12)]);
  });

  it('flat bars shrink the channel onto the middle, never NaN', () => {
    const { upper, middle, lower } = runNode(keltner, { params: { period: 2, atrPeriod: 2 }, inputs: { bars: [bar(5, 5, 5), bar(5, 5, 5), bar(5, 5, 5), bar(5, 5, 5)] } });
    expect(upper.slice(2)).toEqual([5, 5]);
    expect(middle.slice(2)).toEqual([5, 5]);
    expect(lower.slice(2)).toEqual([5, 5]);
  });

  it('defaults to EMA 20, ATR 10, × 2', () => {
    expect(keltner.params.parse({})).toEqual({ period: 20, atrPeriod: 10, multiplier: 2 });
    expect(keltner.params.safeParse({ multiplier: 0 }).success).toBe(false);
  });
});

describe('indicator.keltner against the reference', () => {
  it('matches the pandas reference (EMA/ATR checked against TA-Lib) to 1e-9 on the reference bars', () => {
    const result = compareWithReference(keltner);
    expect(result.compared).toBeGreaterThan(3000);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
