import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import type { Bar } from '../../ports.ts';
import { compareWithReference } from '../../reference.ts';
import { createRegistry } from '../../registry.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { stochastic } from './index.ts';

const bar = (high: number, low: number, close: number): Bar => ({ time: 0, open: close, high, low, close, volume: 1000 });
const nanBar: Bar = { time: 0, open: NaN, high: NaN, low: NaN, close: NaN, volume: NaN };
const bars = [bar(10, 8, 9), bar(12, 9, 11), bar(11, 7, 8), bar(13, 10, 13), bar(14, 11, 12), bar(12, 10, 10)];

describe('indicator.stochastic', () => {
  it('smooths raw %K into k, and k into d', () => {
    const { k, d } = runNode(stochastic, { params: { kPeriod: 3, kSmoothing: 2, dPeriod: 2 }, inputs: { bars } });
    // Raw %K over 3 bars: (8−7)/(12−7) = 20, (13−7)/(13−7) = 100, (12−7)/(14−7) = 500/7, (10−10)/(14−10) = 0.
    // k = SMA(2): 60, 600/7, 250/7. d = SMA(2) of k: 510/7, 425/7. Both hidden until d exists (index 4).
    expect(k.slice(0, 4).every(Number.isNaN)).toBe(true);
    expect(d.slice(0, 4).every(Number.isNaN)).toBe(true);
    expect(k[4]).toBeCloseTo(600 / 7, 12);
    expect(d[4]).toBeCloseTo(510 / 7, 12);
    expect(k[5]).toBeCloseTo(250 / 7, 12);
    expect(d[5]).toBeCloseTo(425 / 7, 12);
  });

  it('kSmoothing 1 and dPeriod 1 give raw %K on both outputs', () => {
    const { k, d } = runNode(stochastic, { params: { kPeriod: 3, kSmoothing: 1, dPeriod: 1 }, inputs: { bars } });
    expect(k.slice(2)).toEqual(d.slice(2));
    expect(k[2]).toBeCloseTo(20, 12);
    expect(k[3]).toBe(100);
    expect(k[5]).toBe(0);
  });

  it('reads 50 where the window has no range, where TA-Lib reads 0', () => {
    const flat = [bar(9, 9, 9), bar(9, 9, 9), bar(9, 9, 9), bar(9, 9, 9)];
    const { k, d } = runNode(stochastic, { params: { kPeriod: 2, kSmoothing: 2, dPeriod: 2 }, inputs: { bars: flat } });
    expect(k.slice(3)).toEqual([50]);
    expect(d.slice(3)).toEqual([50]);
  });

  it('first values at index (kPeriod−1) + (kSmoothing−1) + (dPeriod−1), as warmup() says', () => {
    const many = Array.from({ length: 30 }, (_, i) => bar(12 + Math.sin(i), 8 - Math.cos(i), 10 + Math.sin(i / 2)));
    for (const [kPeriod, kSmoothing, dPeriod] of [[14, 3, 3], [5, 1, 1], [3, 4, 2]] as const) {
      const params = { kPeriod, kSmoothing, dPeriod };
      const out = runNode(stochastic, { params, inputs: { bars: many } });
      const first = kPeriod + kSmoothing + dPeriod - 3;
      expect(firstDefined(out.k!)).toBe(first);
      expect(firstDefined(out.d!)).toBe(first);
      expect(stochastic.warmup!(stochastic.params.parse(params))).toBe(first);
    }
  });

  it('a NaN bar restarts the warm-up', () => {
    const { k, d } = runNode(stochastic, { params: { kPeriod: 3, kSmoothing: 2, dPeriod: 2 }, inputs: { bars: [bar(99, 1, 50), bar(99, 1, 2), nanBar, ...bars] } });
    expect(k.slice(0, 7).every(Number.isNaN)).toBe(true);
    expect(k[7]).toBeCloseTo(600 / 7, 12);
    expect(d[8]).toBeCloseTo(425 / 7, 12);
  });

  it('defaults to 14, 3, 3', () => {
    expect(stochastic.params.parse({})).toEqual({ kPeriod: 14, kSmoothing: 3, dPeriod: 3 });
    expect(stochastic.params.safeParse({ dPeriod: 0 }).success).toBe(false);
  });

  it('takes the data node’s bars in a compiled graph', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        st: { type: 'indicator.stochastic', params: { kPeriod: 2, kSmoothing: 1, dPeriod: 2 } },
        kd: { type: 'logic.compare', params: { operator: '>' } },
        order: { type: 'order.targetPercent' },
      },
      ['data.bars -> st.bars', 'st.k -> kd.a', 'st.d -> kd.b', 'kd.result -> order.enter'],
    );
    const reg = createRegistry([...registry.definitions.filter((d) => d.type !== stochastic.type), stochastic]);
    // makeBars: high/low = max/min(open, close), each bar opening at the previous close.
    // Raw %K over 2 bars: bars 0–1 range 10–12, close 12 → 100; bars 1–2 range 10–12, close 11 → 50; bars 2–3 range 11–14, close 14 → 100.
    const run = runGraph(graph, makeBars({ close: [10, 12, 11, 14] }), { k: 'st.k', d: 'st.d', kd: 'kd.result' }, reg);
    expect(run.plan.warmup).toBe(2);
    expect(run.values.k).toEqual([NaN, NaN, 50, 100]);
    expect(run.values.d).toEqual([NaN, NaN, 75, 75]);
    expect(run.values.kd).toEqual([NaN, NaN, 0, 1]);
  });
});

describe('indicator.stochastic against TA-Lib', () => {
  it('matches TA-Lib STOCH (SMA smoothing) to 1e-9 on the reference bars (flat windows read 50, see ref_momentum.stoch)', () => {
    const result = compareWithReference(stochastic);
    expect(result.compared).toBeGreaterThan(3000);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
