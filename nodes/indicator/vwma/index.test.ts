import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import type { Bar } from '../../ports.ts';
import { compareWithReference } from '../../reference.ts';
import { createRegistry } from '../../registry.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { vwma } from './index.ts';

const bar = (close: number, volume: number, high = close, low = close, open = close): Bar => ({ time: 0, open, high, low, close, volume });
const nanBar: Bar = { time: 0, open: NaN, high: NaN, low: NaN, close: NaN, volume: NaN };

describe('indicator.vwma', () => {
  it('weights each close by its volume', () => {
    const { value } = runNode(vwma, { params: { period: 2 }, inputs: { bars: [bar(10, 1), bar(20, 3), bar(30, 1)] } });
    // (10·1 + 20·3)/4 = 17.5, (20·3 + 30·1)/4 = 22.5
    expect(value).toEqual([NaN, 17.5, 22.5]);
  });

  it('averages the chosen price', () => {
    const bars = [bar(9, 2, 12, 6, 7), bar(10, 1, 13, 7, 8)];
    // hlc3: (12+6+9)/3 = 9 and (13+7+10)/3 = 10 → (9·2 + 10)/3; hl2: 9, 10 → same; ohlc4: 8.5, 9.5 → (17 + 9.5)/3
    expect(runNode(vwma, { params: { period: 2, price: 'hlc3' }, inputs: { bars } }).value[1]).toBeCloseTo(28 / 3, 12);
    expect(runNode(vwma, { params: { period: 2, price: 'hl2' }, inputs: { bars } }).value[1]).toBeCloseTo(28 / 3, 12);
    expect(runNode(vwma, { params: { period: 2, price: 'ohlc4' }, inputs: { bars } }).value[1]).toBeCloseTo(26.5 / 3, 12);
  });

  it('falls back to the plain average when no volume traded in the window', () => {
    const { value } = runNode(vwma, { params: { period: 2 }, inputs: { bars: [bar(10, 0), bar(20, 0), bar(30, 5), bar(40, 0)] } });
    // No volume → (10+20)/2; then 30 has all the volume → 30, and still 30 while 40 trades nothing.
    expect(value).toEqual([NaN, 15, 30, 30]);
  });

  it('first value at index N−1, as warmup() says; a NaN bar restarts the window', () => {
    const bars = [bar(1, 1), bar(2, 1), bar(3, 1), bar(4, 1)];
    for (const period of [1, 3]) {
      expect(firstDefined(runNode(vwma, { params: { period }, inputs: { bars } }).value)).toBe(period - 1);
      expect(vwma.warmup!(vwma.params.parse({ period }))).toBe(period - 1);
    }
    const { value } = runNode(vwma, { params: { period: 2 }, inputs: { bars: [bar(10, 1), bar(20, 1), nanBar, bar(50, 1), bar(60, 3)] } });
    expect(value).toEqual([NaN, 15, NaN, NaN, 57.5]);
  });

  it('defaults to 20 bars of the close', () => {
    expect(vwma.params.parse({})).toEqual({ period: 20, price: 'close' });
    expect(vwma.params.safeParse({ price: 'vwap' }).success).toBe(false);
  });

  it('takes the data node’s bars in a compiled graph', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        avg: { type: 'indicator.vwma', params: { period: 2 } },
        above: { type: 'logic.compare', params: { operator: '>' } },
        order: { type: 'order.targetPercent' },
      },
      ['data.bars -> avg.bars', 'data.close -> above.a', 'avg.value -> above.b', 'above.result -> order.enter'],
    );
    const reg = createRegistry([...registry.definitions.filter((d) => d.type !== vwma.type), vwma]);
    const run = runGraph(graph, makeBars({ close: [10, 20, 16], volume: [100, 300, 100] }), { avg: 'avg.value', above: 'above.result' }, reg);
    // (10·100 + 20·300)/400 = 17.5; (20·300 + 16·100)/400 = 19
    expect(run.values.avg).toEqual([NaN, 17.5, 19]);
    expect(run.values.above).toEqual([NaN, 1, 0]);
  });
});

describe('indicator.vwma against the published formula', () => {
  it('matches bench/reference/ref_momentum.vwma to 1e-9 on the reference bars, for each price choice', () => {
    const result = compareWithReference(vwma);
    expect(result.cases).toBe(4);
    expect(result.compared).toBeGreaterThan(2000);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });

  it('kernel equals the step for every price', () => {
    // Bars with NaN gaps, a NaN high now and then, and runs without volume; the kernel runs them in uneven pieces.
    const n = 500;
    const cols = { time: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
    for (let t = 0; t < n; t++) {
      const c = t % 61 === 9 ? NaN : 100 + 10 * Math.sin(t / 7) + (t % 5) / 4;
      cols.time[t] = t;
      cols.open[t] = c - 0.5;
      cols.high[t] = t % 37 === 3 ? NaN : c + 1;
      cols.low[t] = c - 1.25;
      cols.close[t] = c;
      cols.volume[t] = t % 40 < 10 ? 0 : 1000 + (t % 7);
    }
    for (const price of ['close', 'hl2', 'hlc3', 'ohlc4'] as const) {
      const params = vwma.params.parse({ period: 5, price });
      const stepState = vwma.init(params, { bars: true });
      const out = { value: NaN };
      const expected: string[] = [];
      for (let t = 0; t < n; t++) {
        vwma.step(stepState, params, { bars: { time: t, open: cols.open[t]!, high: cols.high[t]!, low: cols.low[t]!, close: cols.close[t]!, volume: cols.volume[t]! } }, out, undefined as never);
        expected.push(String(out.value));
      }
      const kernelState = vwma.init(params, { bars: true });
      const value = new Float64Array(n);
      for (const [from, to] of [[0, 3], [3, 200], [200, n]] as const) vwma.kernel!(kernelState, params, { bars: cols }, { value }, from, to);
      expect([...value].map(String), price).toEqual(expected);
      expect(kernelState).toEqual(stepState);
    }
  });
});
