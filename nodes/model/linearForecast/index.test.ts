import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import { compareWithReference } from '../../reference.ts';
import { createRegistry } from '../../registry.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { linearForecast } from './index.ts';

/** Deterministic noise in [−0.5, 0.5) for the tests (a 32-bit LCG). */
function noise(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  });
}

describe('model.linearForecast', () => {
  it('hand example: learns an exact line from two pairs and forecasts one bar ahead', () => {
    // Pairs (x[t−1], y[t]): (0, 3), (1, 5), (2, 7) all lie on y = 3 + 2x. At bar 2 the line is known
    // from two pairs; forecast from x = 2 is 7, then from x = 3 it is 9.
    const { forecast } = runNode(linearForecast, { params: { forgetting: 1, minSamples: 2 }, inputs: { y: [1, 3, 5, 7], x1: [0, 1, 2, 3] } });
    expect(forecast.slice(0, 2)).toEqual([NaN, NaN]);
    expect(forecast[2]).toBeCloseTo(7, 12);
    expect(forecast[3]).toBeCloseTo(9, 12);
  });

  it('hand example: ordinary least squares over three noisy pairs', () => {
    // Pairs (0, 1), (1, 2), (2, 4): x̄ = 1, ȳ = 7/3, Sxy = 3, Sxx = 2 → slope 1.5, intercept 5/6.
    // Forecast from x = 5: 5/6 + 7.5 = 25/3.
    const { forecast } = runNode(linearForecast, { params: { forgetting: 1, minSamples: 3 }, inputs: { y: [9, 1, 2, 4], x1: [0, 1, 2, 5] } });
    expect(forecast.slice(0, 3)).toEqual([NaN, NaN, NaN]);
    expect(forecast[3]).toBeCloseTo(25 / 3, 12);
  });

  it('hand example: with no feature it forecasts the exponentially weighted mean of y', () => {
    // λ = 0.5: after y = 2 → 2; after 6 → (0.5·2 + 6)/1.5 = 14/3; after 10 → (0.25·2 + 0.5·6 + 10)/1.75 = 54/7.
    const { forecast } = runNode(linearForecast, { params: { forgetting: 0.5, minSamples: 1 }, inputs: { y: [4, 2, 6, 10] } });
    expect(forecast[0]).toBeNaN();
    expect(forecast[1]).toBeCloseTo(2, 12);
    expect(forecast[2]).toBeCloseTo(14 / 3, 12);
    expect(forecast[3]).toBeCloseTo(54 / 7, 12);
  });

  it('warms up for horizon + min samples − 1 bars, as its warmup() says', () => {
    const x = noise(60, 7);
    const y = x.map((v, i) => v * 3 + i);
    for (const [horizon, minSamples] of [[1, 2], [3, 5], [7, 20]] as const) {
      const params = { horizon, minSamples };
      const { forecast } = runNode(linearForecast, { params, inputs: { y, x1: x } });
      expect(firstDefined(forecast)).toBe(linearForecast.warmup!(linearForecast.params.parse(params)));
      expect(firstDefined(forecast)).toBe(horizon + minSamples - 1);
    }
  });

  it('converges to the truth on y = 2·x + 1 (x leading y by the horizon), exactly without noise', () => {
    const n = 400;
    const horizon = 3;
    const x = noise(n, 1).map((v) => 50 + 10 * v);
    // y[t] = 2·x[t − k] + 1, so the truth for y[t + k], known at bar t, is 2·x[t] + 1.
    const y = x.map((_, t) => (t >= horizon ? 2 * x[t - horizon]! + 1 : 0));
    const { forecast } = runNode(linearForecast, { params: { horizon, forgetting: 0.98, minSamples: 10 }, inputs: { y, x1: x } });
    // Every training pair lies on the line (the y = 0 bars before it are never targets), so the fit is exact from the first forecast.
    expect(firstDefined(forecast)).toBe(horizon + 10 - 1);
    for (let t = horizon + 9; t < n; t++) expect(Math.abs(forecast[t]! - (2 * x[t]! + 1))).toBeLessThan(1e-9);
  });

  it('converges to the truth through noise', () => {
    const n = 3000;
    const x = noise(n, 2).map((v) => 4 * v);
    const eps = noise(n, 3);
    const y = x.map((_, t) => (t >= 1 ? 2 * x[t - 1]! + 1 + eps[t]! : 1));
    const { forecast } = runNode(linearForecast, { params: { horizon: 1, forgetting: 1, minSamples: 10 }, inputs: { y, x1: x } });
    const early = Math.abs(forecast[12]! - (2 * x[12]! + 1));
    const late = [...Array(100).keys()].map((i) => Math.abs(forecast[n - 1 - i]! - (2 * x[n - 1 - i]! + 1)));
    expect(Math.max(...late)).toBeLessThan(0.05);
    expect(Math.max(...late)).toBeLessThan(early);
  });

  it('no lookahead: changing later values never changes earlier forecasts', () => {
    const n = 120;
    const y = noise(n, 4).map((v, i) => 100 + i * 0.1 + v);
    const x1 = noise(n, 5);
    const x2 = noise(n, 6);
    const params = { horizon: 4, forgetting: 0.95, minSamples: 8 };
    const base = runNode(linearForecast, { params, inputs: { y, x1, x2 } }).forecast;
    for (const cut of [20, 50, 90]) {
      const y2 = y.map((v, i) => (i > cut ? v * 3 - 7 : v));
      const x12 = x1.map((v, i) => (i > cut ? -v * 10 : v));
      const x22 = x2.map((v, i) => (i > cut ? NaN : v));
      const changed = runNode(linearForecast, { params, inputs: { y: y2, x1: x12, x2: x22 } }).forecast;
      expect(changed.slice(0, cut + 1)).toEqual(base.slice(0, cut + 1));
      expect(changed.slice(cut + 1)).not.toEqual(base.slice(cut + 1));
    }
  });

  it('is deterministic: the same inputs give bit-identical forecasts', () => {
    const y = noise(200, 8);
    const x1 = noise(200, 9);
    const a = runNode(linearForecast, { inputs: { y, x1 } }).forecast;
    const b = runNode(linearForecast, { inputs: { y, x1 } }).forecast;
    expect(b).toEqual(a);
  });

  it('a NaN skips that pair and keeps the model; a NaN feature gives a NaN forecast on its bar only', () => {
    // On the line y = 3 + 2·x[t−1]: NaN y at bar 3 skips pair (x=2, y=NaN); NaN x at bar 5 gives NaN
    // there and no pair at bar 6; the forecasts stay on the line.
    const y = [1, 3, 5, NaN, 9, 11, 13, 15];
    const x1 = [0, 1, 2, 3, 4, NaN, 6, 7];
    const { forecast } = runNode(linearForecast, { params: { forgetting: 1, minSamples: 2 }, inputs: { y, x1 } });
    expect(forecast.slice(0, 2)).toEqual([NaN, NaN]);
    [7, 9, 11, NaN, 15, 17].forEach((v, i) => (Number.isNaN(v) ? expect(forecast[2 + i]).toBeNaN() : expect(forecast[2 + i]).toBeCloseTo(v, 10)));
  });

  it('a constant or collinear feature gets coefficient 0 instead of breaking the fit', () => {
    const y = [1, 3, 5, 7, 9];
    const x1 = [0, 1, 2, 3, 4];
    const params = { forgetting: 1, minSamples: 2 };
    for (const x2 of [[5, 5, 5, 5, 5], x1.map((v) => 2 * v - 1)]) {
      const { forecast } = runNode(linearForecast, { params, inputs: { y, x1, x2, x3: [1, 1, 1, 1, 1] } });
      [7, 9, 11].forEach((v, i) => expect(forecast[2 + i]).toBeCloseTo(v, 10));
    }
    // A flat target: the forecast is that level, never NaN or Infinity.
    expect(runNode(linearForecast, { params, inputs: { y: [4, 4, 4, 4], x1: [0, 1, 2, 3] } }).forecast.slice(2)).toEqual([4, 4]);
  });

  it('forecasts the close from its own past in a compiled graph', () => {
    const reg = createRegistry([...registry.definitions.filter((d) => d.type !== linearForecast.type), linearForecast]);
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        f: { type: 'model.linearForecast', params: { horizon: 2, minSamples: 3, forgetting: 1 } },
        up: { type: 'logic.compare', params: { operator: '>' } },
        order: { type: 'order.targetPercent' },
      },
      ['data.close -> f.y', 'data.close -> f.x1', 'f.forecast -> up.a', 'data.close -> up.b', 'up.result -> order.enter'],
    );
    // The close rises by 1 a bar, so y[t] = x[t−2] + 2 exactly: the forecast is close + 2.
    const run = runGraph(graph, makeBars({ close: [10, 11, 12, 13, 14, 15, 16] }), { f: 'f.forecast', up: 'f.forecast' }, reg);
    expect(run.plan.warmup).toBe(4);
    expect(run.values.f.slice(0, 4)).toEqual([NaN, NaN, NaN, NaN]);
    [16, 17, 18].forEach((v, i) => expect(run.values.f[4 + i]).toBeCloseTo(v, 10));
  });
});

describe('model.linearForecast against numpy', () => {
  it('matches a per-bar weighted least-squares refit (numpy lstsq) to 1e-9 on the reference bars', () => {
    const result = compareWithReference(linearForecast);
    expect(result.compared).toBeGreaterThan(2000);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
