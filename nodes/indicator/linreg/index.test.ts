import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import { compareWithReference } from '../../reference.ts';
import { createRegistry } from '../../registry.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { linreg } from './index.ts';

describe('indicator.linreg', () => {
  it('fits a line by hand', () => {
    const out = runNode(linreg, { params: { period: 3 }, inputs: { source: [1, 2, 4, 8] } });
    // (1,2,4) at t = 0,1,2: mean 7/3, Σ(t−1)(y−ȳ) = 3, Σ(t−1)² = 2 → slope 1.5; line at t=2 is 7/3 + 1.5 = 23/6,
    // at t=0 7/3 − 1.5 = 5/6, at t=3 7/3 + 3 = 16/3. Σ(y−ȳ)² = 42/9 → R² = 3²/(2 · 42/9) = 27/28.
    expect(out.slope[2]).toBeCloseTo(1.5, 14);
    expect(out.value[2]).toBeCloseTo(23 / 6, 14);
    expect(out.intercept[2]).toBeCloseTo(5 / 6, 14);
    expect(out.forecast[2]).toBeCloseTo(16 / 3, 14);
    expect(out.r2[2]).toBeCloseTo(27 / 28, 14);
    // (2,4,8) is the same shape doubled: slope 3, line 14/3 + 3 = 23/3, 5/3, 32/3; R² unchanged.
    expect(out.slope[3]).toBeCloseTo(3, 14);
    expect(out.value[3]).toBeCloseTo(23 / 3, 14);
    expect(out.intercept[3]).toBeCloseTo(5 / 3, 14);
    expect(out.forecast[3]).toBeCloseTo(32 / 3, 14);
    expect(out.r2[3]).toBeCloseTo(27 / 28, 14);
  });

  it('a straight line fits perfectly; a flat window has slope 0 and R² 0', () => {
    const line = runNode(linreg, { params: { period: 4 }, inputs: { source: [10, 12.5, 15, 17.5, 20] } });
    expect(line.slope[4]).toBeCloseTo(2.5, 14);
    expect(line.value[4]).toBeCloseTo(20, 13);
    expect(line.forecast[4]).toBeCloseTo(22.5, 13);
    expect(line.r2[4]).toBeCloseTo(1, 14);
    const flat = runNode(linreg, { params: { period: 3 }, inputs: { source: [0.1, 0.1, 0.1, 0.1] } });
    expect(flat.slope.slice(2)).toEqual([0, 0]);
    expect(flat.r2.slice(2)).toEqual([0, 0]);
    expect(flat.value.slice(2)).toEqual([0.1, 0.1]);
    expect(flat.forecast.slice(2)).toEqual([0.1, 0.1]);
  });

  it('every port starts at index period − 1, matching warmup(); a NaN restarts them all', () => {
    const out = runNode(linreg, { params: { period: 2 }, inputs: { source: [1, 3, NaN, 5, 4] } });
    for (const port of ['slope', 'value', 'intercept', 'forecast', 'r2']) {
      expect(firstDefined(out[port]!)).toBe(linreg.warmup!(linreg.params.parse({ period: 2 })));
      expect(out[port]!.slice(2, 4)).toEqual([NaN, NaN]);
    }
    // (5,4): slope −1, value 4, intercept 5, forecast 3, R² 1 (two points are always on a line).
    expect([out.slope[4], out.value[4], out.intercept[4], out.forecast[4], out.r2[4]]).toEqual([-1, 4, 5, 3, 1]);
  });

  it('resumes a state saved before it kept running sums (it sums them from its window)', () => {
    const source = Array.from({ length: 300 }, (_, t) => 100 + Math.sin(t / 9) * 4 + (t % 7) * 0.1);
    const params = linreg.params.parse({ period: 20 });
    const whole = runNode(linreg, { params, inputs: { source } });
    const s = linreg.init(params, { source: true }) as { line?: unknown };
    const out = { slope: NaN, value: NaN, intercept: NaN, forecast: NaN, r2: NaN };
    source.forEach((v, t) => {
      if (t === 137) delete s.line;
      linreg.step(s as never, params, { source: v }, out, undefined as never);
      if (t < 19) expect(out.slope).toBeNaN();
      else for (const port of ['slope', 'value', 'r2'] as const) expect(out[port]).toBeCloseTo(whole[port]![t]!, 10);
    });
  });

  it('stays exact where the mean is large next to the spread', () => {
    // 1e7 plus a line of slope 0.001 and noise: sums of raw values would lose the slope's digits.
    const source = Array.from({ length: 400 }, (_, t) => 1e7 + 0.001 * t + (t % 3) * 0.0001);
    const out = runNode(linreg, { params: { period: 30 }, inputs: { source } });
    for (let t = 29; t < 400; t++) {
      const window = source.slice(t - 29, t + 1);
      const mean = window.reduce((a, b) => a + b - 1e7, 0) / 30 + 1e7;
      const sty = window.reduce((a, y, i) => a + (i - 14.5) * (y - mean), 0);
      expect(out.slope[t]).toBeCloseTo(sty / ((30 * (30 * 30 - 1)) / 12), 9);
      expect(out.r2[t]).toBeGreaterThan(0.99);
    }
  });

  it('drives a trend filter in a compiled graph', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        lr: { type: 'indicator.linreg', params: { period: 3 } },
        up: { type: 'logic.threshold', params: { operator: '>', level: 0 } },
        order: { type: 'order.targetPercent' },
      },
      ['data.close -> lr.source', 'lr.slope -> up.value', 'up.result -> order.enter'],
    );
    const run = runGraph(graph, makeBars({ close: [1, 2, 4, 8, 6, 1] }), { slope: 'lr.slope', r2: 'lr.r2', up: 'up.result' }, createRegistry([...registry.definitions.filter((d) => d.type !== linreg.type), linreg]));
    // (4,8,6): slope (6 − 4)/2 = 1. (8,6,1): slope (1 − 8)/2 = −3.5.
    expect(run.values.slope.slice(0, 2)).toEqual([NaN, NaN]);
    expect(run.values.slope.slice(4)).toEqual([1, -3.5]);
    expect(run.values.up).toEqual([NaN, NaN, 1, 1, 1, 0]);
  });
});

describe('indicator.linreg against TA-Lib', () => {
  it('matches LINEARREG_SLOPE, LINEARREG, LINEARREG_INTERCEPT and TSF (TA-Lib) and R² (numpy) to 1e-9', () => {
    const result = compareWithReference(linreg);
    expect(result.cases).toBe(10);
    expect(result.compared).toBeGreaterThan(5000);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
