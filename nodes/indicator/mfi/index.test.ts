import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import type { Bar } from '../../ports.ts';
import { compareWithReference } from '../../reference.ts';
import { createRegistry } from '../../registry.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { mfi } from './index.ts';

/** A bar whose typical price is `tp` (high tp+1, low tp−1, close tp). */
const bar = (tp: number, volume: number): Bar => ({ time: 0, open: tp, high: tp + 1, low: tp - 1, close: tp, volume });
const nanBar: Bar = { time: 0, open: NaN, high: NaN, low: NaN, close: NaN, volume: NaN };
const bars = [bar(10, 1), bar(11, 2), bar(10, 3), bar(12, 1), bar(12, 5), bar(12, 5)];

describe('indicator.mfi', () => {
  it('its kernel equals its step when a volume is infinite (the flows then take the branches)', () => {
    const n = 40;
    const cols = { time: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
    for (let t = 0; t < n; t++) {
      const c = 100 + Math.sin(t) * 3;
      cols.open[t] = c;
      cols.high[t] = c + 1;
      cols.low[t] = c - 1;
      cols.close[t] = c;
      cols.volume[t] = t === 9 || t === 20 ? Infinity : 1000 + t;
    }
    const params = mfi.params.parse({ period: 5 });
    const s = mfi.init(params, { bars: true });
    const value = new Float64Array(n);
    mfi.kernel!(s, params, { bars: cols }, { value }, 0, n);
    const stepped = runNode(mfi, { params, inputs: { bars: [...cols.close].map((_, t) => ({ time: 0, open: cols.open[t]!, high: cols.high[t]!, low: cols.low[t]!, close: cols.close[t]!, volume: cols.volume[t]! })) } }).value;
    expect([...value].map(String)).toEqual(stepped.map(String));
  });

  it('is 100 × rising money flow ÷ all money flow over N bars', () => {
    const { value } = runNode(mfi, { params: { period: 2 }, inputs: { bars } });
    // Flows (TP × volume): +22 (up), −30 (down), +12 (up), none (unchanged), none.
    // 100·22/52 = 550/13; 100·12/42 = 200/7; only +12 → 100; nothing flowed → 50.
    expect(value.slice(0, 2)).toEqual([NaN, NaN]);
    expect(value[2]).toBeCloseTo(550 / 13, 12);
    expect(value[3]).toBeCloseTo(200 / 7, 12);
    expect(value[4]).toBe(100);
    expect(value[5]).toBe(50);
  });

  it('reads 0 with only falling flow, and 50 (not TA-Lib’s 0) with none', () => {
    expect(runNode(mfi, { params: { period: 2 }, inputs: { bars: [bar(9, 1), bar(8, 1), bar(7, 1)] } }).value[2]).toBe(0);
    expect(runNode(mfi, { params: { period: 2 }, inputs: { bars: [bar(9, 1), bar(9, 1), bar(9, 1), bar(8, 0), bar(7, 0)] } }).value.slice(2)).toEqual([50, 50, 50]);
  });

  it('does not read 0 on small flows the way TA-Lib does (a window total under 1)', () => {
    const { value } = runNode(mfi, { params: { period: 2 }, inputs: { bars: [bar(0.01, 1), bar(0.02, 1), bar(0.03, 1)] } });
    expect(value[2]).toBe(100);
  });

  it('first value at index N, as warmup() says; a NaN bar restarts the warm-up', () => {
    for (const period of [1, 3]) {
      expect(firstDefined(runNode(mfi, { params: { period }, inputs: { bars } }).value)).toBe(period);
      expect(mfi.warmup!(mfi.params.parse({ period }))).toBe(period);
    }
    const { value } = runNode(mfi, { params: { period: 2 }, inputs: { bars: [bar(5, 9), bar(20, 9), nanBar, ...bars] } });
    expect(value.slice(2, 5).every(Number.isNaN)).toBe(true);
    expect(value[5]).toBeCloseTo(550 / 13, 12);
  });

  it('defaults to 14', () => {
    expect(mfi.params.parse({}).period).toBe(14);
    expect(mfi.params.safeParse({ period: 0 }).success).toBe(false);
  });

  it('takes the data node’s bars in a compiled graph', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        flow: { type: 'indicator.mfi', params: { period: 2 } },
        oversold: { type: 'logic.threshold', params: { operator: '<', level: 20 } },
        order: { type: 'order.targetPercent' },
      },
      ['data.bars -> flow.bars', 'flow.value -> oversold.value', 'oversold.result -> order.enter'],
    );
    const reg = createRegistry([...registry.definitions.filter((d) => d.type !== mfi.type), mfi]);
    // makeBars: open = previous close, high/low = max/min(open, close). Typical prices 10, 32/3, 31/3, 28/3.
    const run = runGraph(graph, makeBars({ close: [10, 11, 10, 9], volume: [1, 3, 3, 6] }), { mfi: 'flow.value', low: 'oversold.result' }, reg);
    expect(run.plan.warmup).toBe(2);
    // Flows: +32 (up), −31 (down), −56 (down): 100·32/63, then 0.
    expect(run.values.mfi[2]).toBeCloseTo(3200 / 63, 12);
    expect(run.values.mfi[3]).toBe(0);
    expect(run.values.low).toEqual([NaN, NaN, 0, 1]);
  });
});

describe('indicator.mfi against TA-Lib', () => {
  it('matches TA-Lib MFI to 1e-9 on the reference bars (no-flow windows read 50, see ref_momentum.mfi)', () => {
    const result = compareWithReference(mfi);
    expect(result.compared).toBeGreaterThan(1000);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
