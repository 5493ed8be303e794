import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import type { Bar } from '../../ports.ts';
import { compareWithReference } from '../../reference.ts';
import { createRegistry } from '../../registry.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { adx } from './index.ts';

const bar = (high: number, low: number, close: number): Bar => ({ time: 0, open: close, high, low, close, volume: 1000 });
const nanBar: Bar = { time: 0, open: NaN, high: NaN, low: NaN, close: NaN, volume: NaN };
const bars = [bar(10, 8, 9), bar(11, 9, 10), bar(12, 10, 11), bar(11, 8, 9), bar(10, 7, 8)];

describe('indicator.adx', () => {
  it('follows TA-Lib’s DM/TR sums, Wilder smoothing and DX average by hand (N = 2)', () => {
    const { adx: a, plusDi, minusDi } = runNode(adx, { params: { period: 2 }, inputs: { bars } });
    // Bar 1: +DM 1, TR 2 (the N−1 = 1 bar sum). Bar 2: +DM 1, TR 2 → +DM 1 − 1/2 + 1 = 1.5, TR 2 − 1 + 2 = 3.
    expect(plusDi.slice(0, 2).every(Number.isNaN)).toBe(true);
    expect(plusDi[2]).toBeCloseTo(50, 12);
    expect(minusDi[2]).toBe(0);
    // Bar 3: −DM 2, TR 3 → +DM .75, −DM 2, TR 4.5: +DI 50/3, −DI 400/9, DX 100·(250/9)/(550/9) = 500/11.
    expect(plusDi[3]).toBeCloseTo(50 / 3, 12);
    expect(minusDi[3]).toBeCloseTo(400 / 9, 12);
    // ADX = mean of the first N DX values: (100 + 500/11) / 2.
    expect(a.slice(0, 3).every(Number.isNaN)).toBe(true);
    expect(a[3]).toBeCloseTo(800 / 11, 12);
    // Bar 4: −DM 1, TR 3 → +DM .375, −DM 2, TR 5.25: +DI 50/7, −DI 800/21, DX 1300/19; ADX (800/11 + 1300/19) / 2.
    expect(plusDi[4]).toBeCloseTo(50 / 7, 12);
    expect(minusDi[4]).toBeCloseTo(800 / 21, 12);
    expect(a[4]).toBeCloseTo(14750 / 209, 12);
  });

  it('DI from index N and ADX from index 2N−1, which is warmup()', () => {
    const many = Array.from({ length: 30 }, (_, i) => bar(10 + Math.sin(i) * 3 + 1, 10 + Math.sin(i) * 3 - 1, 10 + Math.sin(i) * 3));
    for (const period of [2, 3, 7]) {
      const out = runNode(adx, { params: { period }, inputs: { bars: many } });
      expect(firstDefined(out.plusDi)).toBe(period);
      expect(firstDefined(out.minusDi)).toBe(period);
      expect(firstDefined(out.adx)).toBe(2 * period - 1);
      expect(adx.warmup!(adx.params.parse({ period }))).toBe(2 * period - 1);
    }
  });

  it('a NaN bar restarts the warm-up', () => {
    const { adx: a, plusDi } = runNode(adx, { params: { period: 2 }, inputs: { bars: [...bars, nanBar, ...bars] } });
    expect(plusDi.slice(5, 8).every(Number.isNaN)).toBe(true);
    expect(a.slice(5, 9).every(Number.isNaN)).toBe(true);
    // The same bars after the restart give the same values as from the start.
    expect(plusDi[8]).toBeCloseTo(50, 12);
    expect(a[9]).toBeCloseTo(800 / 11, 12);
  });

  it('on flat bars reads 0 for both DIs and holds ADX, never NaN', () => {
    const flatFromStart = runNode(adx, { params: { period: 2 }, inputs: { bars: Array.from({ length: 6 }, () => bar(5, 5, 5)) } });
    expect(flatFromStart.plusDi.slice(2)).toEqual([0, 0, 0, 0]);
    expect(flatFromStart.adx.slice(3)).toEqual([0, 0, 0]);
    // After a trend, flat bars shrink DM and TR alike, so the DIs hold until TR is ~0 (TA-Lib's 1e-8), then read 0.
    const trendThenFlat = [...bars, ...Array.from({ length: 60 }, () => bar(8, 8, 8))];
    const out = runNode(adx, { params: { period: 2 }, inputs: { bars: trendThenFlat } });
    expect(out.adx.slice(3).every(Number.isFinite)).toBe(true);
    expect(out.plusDi.at(-1)).toBe(0);
    expect(out.minusDi.at(-1)).toBe(0);
    expect(out.adx.at(-1)).toBe(out.adx.at(-2));
  });

  it('refuses a period below 2', () => {
    expect(adx.params.safeParse({ period: 1 }).success).toBe(false);
    expect(adx.params.parse({}).period).toBe(14);
  });

  it('warms up the graph by 2N−1 bars', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        dmi: { type: 'indicator.adx', params: { period: 3 } },
        up: { type: 'logic.compare', params: { operator: '>' } },
        order: { type: 'order.targetPercent' },
      },
      ['data.bars -> dmi.bars', 'dmi.plusDi -> up.a', 'dmi.minusDi -> up.b', 'up.result -> order.enter'],
    );
    const closes = [10, 11, 12, 13, 14, 15, 16, 17];
    const run = runGraph(graph, makeBars({ close: closes }), { adx: 'dmi.adx', up: 'up.result' }, createRegistry([...registry.definitions.filter((d) => d.type !== adx.type), adx]));
    expect(run.plan.warmup).toBe(5);
    // A steady rise: only +DM, so +DI > −DI from bar 3, and ADX (all DX = 100) is 100.
    expect(run.values.up).toEqual([NaN, NaN, NaN, 1, 1, 1, 1, 1]);
    expect(run.values.adx.slice(5)).toEqual([100, 100, 100]);
  });
});

describe('indicator.adx against TA-Lib', () => {
  it('matches TA-Lib ADX, PLUS_DI and MINUS_DI to 1e-9 on the reference bars, from bar 0', () => {
    const result = compareWithReference(adx);
    expect(result.compared).toBeGreaterThan(5000);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
