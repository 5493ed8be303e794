import { describe, expect, it } from 'vitest';
import { compareWithReference } from '../../reference.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { adf } from './index.ts';

function randomWalk(n: number, seed: number): number[] {
  let s = seed;
  const uniform = () => ((s = (s * 1103515245 + 12345) % 2147483648) + 1) / 2147483649;
  const out = [0];
  for (let i = 1; i < n; i++) out.push(out[i - 1]! + Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()));
  return out;
}

describe('indicator.adf', () => {
  it('is the t-statistic of x_t−1 in Δx_t = α + γ x_t−1 with no lags, worked by hand', () => {
    // x = 0 2 0 −2 repeating, 30 values: 29 rows (x_t−1, Δx_t) of (0, 2) ×8, (2, −2) ×7, (0, −2) ×7, (−2, 2) ×7.
    // Σx = 0, Σxx = 56, Σxy = −56 → γ = −1. Syy = 29·4 − 2²/29; SSR = Syy − 56²/56 = 1736/29.
    // se(γ) = √(SSR/27/56) = √(31/783), so t = −1/√(31/783) = −√(783/31).
    const source = Array.from({ length: 30 }, (_, i) => [0, 2, 0, -2][i % 4]!);
    const { value } = runNode(adf, { params: { window: 30, lags: 0 }, inputs: { source } });
    expect(value.slice(0, 29).every(Number.isNaN)).toBe(true);
    expect(value[29]).toBeCloseTo(-Math.sqrt(783 / 31), 12);
  });

  it('is strongly negative for a mean-reverting series and not for a random walk', () => {
    const walk = randomWalk(400, 21);
    // White noise around a level: the textbook stationary case.
    const noise = walk.map((v, i) => v - (walk[i - 1] ?? 0));
    const params = { window: 200, lags: 1 };
    expect(runNode(adf, { params, inputs: { source: noise } }).value[399]).toBeLessThan(-5);
    expect(runNode(adf, { params, inputs: { source: walk } }).value[399]).toBeGreaterThan(-3);
  });

  it('first value at index window − 1, matching warmup(); a NaN restarts it', () => {
    const source = randomWalk(80, 4);
    const params = { window: 30, lags: 2 };
    const clean = runNode(adf, { params, inputs: { source } }).value;
    expect(firstDefined(clean)).toBe(adf.warmup!(adf.params.parse(params)));
    expect(firstDefined(clean)).toBe(29);
    const broken = source.slice();
    broken[35] = NaN;
    const value = runNode(adf, { params, inputs: { source: broken } }).value;
    expect(value.slice(35, 65).every(Number.isNaN)).toBe(true);
    expect(value.slice(65)).toEqual(clean.slice(65));
  });

  it('is NaN on a constant window and on a perfect fit, never ±Infinity', () => {
    const flat = runNode(adf, { params: { window: 30, lags: 1 }, inputs: { source: new Array(31).fill(4.2) } }).value;
    expect(flat[29]).toBeNaN();
    // A straight line: Δx is constant, so the regression fits exactly.
    const line = runNode(adf, { params: { window: 30, lags: 0 }, inputs: { source: Array.from({ length: 30 }, (_, i) => 3 * i) } }).value;
    expect(line[29]).toBeNaN();
  });

  it('bounds keep the lags within what adfuller accepts (lags ≤ window/2 − 2)', () => {
    expect(adf.params.parse({})).toEqual({ window: 100, lags: 1 });
    expect(adf.params.safeParse({ window: 29 }).success).toBe(false);
    expect(adf.params.safeParse({ lags: 13 }).success).toBe(false);
  });
});

describe('indicator.adf against statsmodels', () => {
  it('matches adfuller(x, maxlag, autolag=None, regression="c")[0] to 1e-9 on the reference bars', () => {
    const result = compareWithReference(adf);
    expect(result.cases).toBe(4);
    expect(result.compared).toBeGreaterThan(2000);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
