import { compareWithReference } from '../../reference.ts';
import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { rsi } from './index.ts';

// Wilder's worked example as published by StockCharts ("RSI" ChartSchool article), first 20 closes.
const closes = [44.34, 44.09, 44.15, 43.61, 44.33, 44.83, 45.1, 45.42, 45.84, 46.08, 45.89, 46.03, 45.61, 46.28, 46.28, 46.0, 46.03, 46.41, 46.22, 45.64];

describe('indicator.rsi', () => {
  it('matches Wilder smoothing on a known 20-value series', () => {
    const { value } = runNode(rsi, { params: { period: 14 }, inputs: { source: closes } });
    expect(value.slice(0, 14).every(Number.isNaN)).toBe(true);
    // The first 14 changes gain 3.34 in all and lose 1.40: RSI = 100·3.34 / (3.34 + 1.40).
    expect(value[14]).toBeCloseTo((100 * 3.34) / 4.74, 9);
    // Next change −0.28: avg gain 3.34·13/14², avg loss (1.40·13/14 + 0.28)/14, so RSI = 100·43.42 / (43.42 + 18.2 + 3.92).
    expect(value[15]).toBeCloseTo((100 * 43.42) / (43.42 + 18.2 + 3.92), 9);
    // The rest continue the same recursion (computed exactly with fractions).
    expect(value[16]).toBeCloseTo(66.48094183471267, 9);
    expect(value[17]).toBeCloseTo(69.3468531629087, 9);
    expect(value[18]).toBeCloseTo(66.29471265892626, 9);
    expect(value[19]).toBeCloseTo(57.91502067008556, 9);
    // StockCharts prints 70.53, 66.32, 66.55, 69.41, 66.36, 57.97 from rounded intermediate averages.
    [70.53, 66.32, 66.55, 69.41, 66.36, 57.97].forEach((published, i) => expect(Math.abs(value[14 + i]! - published)).toBeLessThan(0.1));
  });

  it('first value after N changes (index N), matching warmup()', () => {
    const { value } = runNode(rsi, { params: { period: 3 }, inputs: { source: [1, 2, 3, 4, 5] } });
    expect(firstDefined(value)).toBe(3);
    expect(rsi.warmup!(rsi.params.parse({ period: 3 }))).toBe(3);
  });

  it('reads 100 with only gains, 0 with only losses and 50 when flat', () => {
    expect(runNode(rsi, { params: { period: 2 }, inputs: { source: [1, 2, 4, 5] } }).value.slice(2)).toEqual([100, 100]);
    expect(runNode(rsi, { params: { period: 2 }, inputs: { source: [5, 4, 2, 1] } }).value.slice(2)).toEqual([0, 0]);
    expect(runNode(rsi, { params: { period: 2 }, inputs: { source: [3, 3, 3, 3] } }).value.slice(2)).toEqual([50, 50]);
  });

  it('small hand example with Wilder smoothing', () => {
    // Changes +2, −1, +3, −2 with N = 2: seed gain (2+0)/2 = 1, loss (0+1)/2 = .5 → 100·1/1.5
    // then gain (1+3)/2 = 2, loss (.5+0)/2 = .25 → 100·2/2.25; then gain 1, loss (.25+2)/2 = 1.125 → 100/2.125
    const { value } = runNode(rsi, { params: { period: 2 }, inputs: { source: [10, 12, 11, 14, 12] } });
    expect(value[0]).toBeNaN();
    expect(value[1]).toBeNaN();
    expect(value[2]).toBeCloseTo(200 / 3, 12);
    expect(value[3]).toBeCloseTo(200 / 2.25, 12);
    expect(value[4]).toBeCloseTo(100 / 2.125, 12);
  });

  it('a NaN restarts the warm-up', () => {
    const { value } = runNode(rsi, { params: { period: 2 }, inputs: { source: [10, 12, 11, NaN, 5, 6, 4] } });
    // After the NaN: 5 is the new start, changes +1, −2 → gain .5, loss 1 → 100·.5/1.5
    expect(value.slice(3, 6).every(Number.isNaN)).toBe(true);
    expect(value[6]).toBeCloseTo(100 / 3, 12);
  });

  it('refuses a period below 2', () => {
    expect(rsi.params.safeParse({ period: 1 }).success).toBe(false);
    expect(rsi.params.parse({}).period).toBe(14);
  });

  it('feeds a threshold in a compiled graph', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        r: { type: 'indicator.rsi', params: { period: 14 } },
        oversold: { type: 'logic.threshold', params: { operator: '<', level: 60 } },
        order: { type: 'order.targetPercent' },
      },
      ['data.close -> r.source', 'r.value -> oversold.value', 'oversold.result -> order.enter'],
    );
    const run = runGraph(graph, makeBars({ close: closes }), { r: 'r.value', oversold: 'oversold.result' });
    expect(run.plan.warmup).toBe(14);
    expect(run.values.r[14]).toBeCloseTo((100 * 3.34) / 4.74, 9);
    expect(run.values.oversold.slice(13)).toEqual([NaN, 0, 0, 0, 0, 0, 1]);
  });
});

describe('indicator.rsi kernel', () => {
  it('gives the step\'s values and state bar for bar on infinite and flat changes too', () => {
    const source = Float64Array.from([1, 2, 2, 1, Infinity, 3, -Infinity, 4, 4, 4, 5, 3, 2, 3, 1, 1, 2]);
    const p = rsi.params.parse({ period: 2 });
    const stepped = rsi.init(p, { source: true });
    const kerneled = rsi.init(p, { source: true });
    const one = { value: NaN };
    const got = new Float64Array(source.length);
    for (let t = 0; t < source.length; t++) {
      rsi.step(stepped, p, { source: source[t]! }, one, undefined as never);
      rsi.kernel!(kerneled, p, { source }, { value: got }, t, t + 1);
      expect(got[t], `bar ${t}`).toBe(one.value);
      expect(kerneled, `bar ${t}`).toEqual(stepped);
    }
  });
});

describe('indicator.rsi against TA-Lib', () => {
  it('matches TA-Lib RSI to 1e-9 on the reference bars, including its warm-up', () => {
    const result = compareWithReference(rsi);
    expect(result.compared).toBeGreaterThan(1000);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
