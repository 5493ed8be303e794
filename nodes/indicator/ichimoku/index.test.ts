import { describe, expect, it } from 'vitest';
import type { Bar } from '../../ports.ts';
import { compareWithReference } from '../../reference.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { ichimoku } from './index.ts';

const bar = (high: number, low: number, close: number): Bar => ({ time: 0, open: close, high, low, close, volume: 1000 });
const nanBar: Bar = { time: 0, open: NaN, high: NaN, low: NaN, close: NaN, volume: NaN };
const bars = [bar(5, 3, 4), bar(7, 4, 6), bar(6, 2, 3), bar(4, 3, 3.5), bar(3, 1, 2), bar(8, 5, 7)];
const small = { tenkanPeriod: 2, kijunPeriod: 3, senkouBPeriod: 4 };

describe('indicator.ichimoku', () => {
  it('midpoints of the 2-, 3- and 4-bar ranges, unshifted', () => {
    const out = runNode(ichimoku, { params: small, inputs: { bars } });
    // Tenkan: (7+3)/2, (7+2)/2, (6+2)/2, (4+1)/2, (8+1)/2.
    expect(out.tenkan).toEqual([NaN, 5, 4.5, 4, 2.5, 4.5]);
    // Kijun: (7+2)/2, (7+2)/2, (6+1)/2, (8+1)/2.
    expect(out.kijun).toEqual([NaN, NaN, 4.5, 4.5, 3.5, 4.5]);
    expect(out.senkouA).toEqual([NaN, NaN, 4.5, 4.25, 3, 4.5]);
    // Senkou B: (7+2)/2, (7+1)/2, (8+1)/2.
    expect(out.senkouB).toEqual([NaN, NaN, NaN, 4.5, 4, 4.5]);
    expect(out.chikou).toEqual([4, 6, 3, 3.5, 2, 7]);
  });

  it('never looks ahead: each bar’s values are the same whatever comes after', () => {
    const full = runNode(ichimoku, { params: small, inputs: { bars } });
    for (let n = 1; n <= bars.length; n++) {
      const partial = runNode(ichimoku, { params: small, inputs: { bars: bars.slice(0, n) } });
      for (const port of ['tenkan', 'kijun', 'senkouA', 'senkouB', 'chikou']) expect(partial[port]).toEqual(full[port]!.slice(0, n));
    }
  });

  it('each line’s first value is at its window − 1; warmup() is the largest', () => {
    const out = runNode(ichimoku, { params: small, inputs: { bars } });
    expect([out.tenkan, out.kijun, out.senkouA, out.senkouB, out.chikou].map((v) => firstDefined(v!))).toEqual([1, 2, 2, 3, 0]);
    expect(ichimoku.warmup!(ichimoku.params.parse(small))).toBe(3);
    expect(ichimoku.warmup!(ichimoku.params.parse({}))).toBe(51);
  });

  it('a NaN bar restarts every window', () => {
    const out = runNode(ichimoku, { params: small, inputs: { bars: [bar(100, 0, 50), nanBar, ...bars.slice(0, 3)] } });
    expect(out.chikou[1]).toBeNaN();
    expect(out.tenkan.slice(2)).toEqual([NaN, 5, 4.5]);
    expect(out.kijun.slice(2)).toEqual([NaN, NaN, 4.5]);
  });

  it('flat bars put every line on the price', () => {
    const out = runNode(ichimoku, { params: small, inputs: { bars: Array.from({ length: 4 }, () => bar(5, 5, 5)) } });
    expect([out.tenkan[3], out.kijun[3], out.senkouA[3], out.senkouB[3], out.chikou[3]]).toEqual([5, 5, 5, 5, 5]);
  });

  it('defaults to 9, 26, 52', () => {
    expect(ichimoku.params.parse({})).toEqual({ tenkanPeriod: 9, kijunPeriod: 26, senkouBPeriod: 52 });
  });
});

describe('indicator.ichimoku against the reference', () => {
  it('matches pandas rolling midpoints to 1e-9 on the reference bars', () => {
    const result = compareWithReference(ichimoku);
    expect(result.compared).toBeGreaterThan(5000);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
