import { describe, expect, it } from 'vitest';
import { compareWithReference } from '../../reference.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { hurst } from './index.ts';

/** A seeded Gaussian random walk of log prices, as prices. */
function randomWalk(n: number, seed: number, step = 0.01): number[] {
  let s = seed;
  const uniform = () => ((s = (s * 1103515245 + 12345) % 2147483648) + 1) / 2147483649;
  const prices = [100];
  let y = Math.log(100);
  for (let i = 1; i < n; i++) {
    y += step * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    prices.push(Math.exp(y));
  }
  return prices;
}

describe('indicator.hurst', () => {
  it('half the log-log slope of lagged-difference variance, worked by hand', () => {
    // Log prices 0 0 1 1 0 0 1 1; window 8, lags 2 and 3 (max lag 3 ≤ 8/2).
    // τ=2 differences 1 1 −1 −1 1 1: mean 1/3, variance 1 − 1/9 = 8/9.
    // τ=3 differences 1 0 −1 0 1: mean 1/5, variance 3/5 − 1/25 = 14/25.
    // Two points: H = ½ · ln((14/25)/(8/9)) / ln(3/2) = ½ · ln 0.63 / ln 1.5.
    const source = [0, 0, 1, 1, 0, 0, 1, 1].map(Math.exp);
    const { value } = runNode(hurst, { params: { window: 8, maxLag: 3 }, inputs: { source } });
    expect(value.slice(0, 7).every(Number.isNaN)).toBe(true);
    expect(value[7]).toBeCloseTo((0.5 * Math.log(0.63)) / Math.log(1.5), 12);
  });

  it('reads about 0.5 on a random walk', () => {
    const { value } = runNode(hurst, { params: { window: 2000, maxLag: 20 }, inputs: { source: randomWalk(2000, 11) } });
    expect(Math.abs(value[1999]! - 0.5)).toBeLessThan(0.06);
  });

  it('caps the largest lag at half the window', () => {
    const source = randomWalk(60, 3);
    const capped = runNode(hurst, { params: { window: 20, maxLag: 40 }, inputs: { source } }).value;
    expect(capped).toEqual(runNode(hurst, { params: { window: 20, maxLag: 10 }, inputs: { source } }).value);
    expect(capped).not.toEqual(runNode(hurst, { params: { window: 20, maxLag: 9 }, inputs: { source } }).value);
  });

  it('first value at index window − 1, matching warmup(); a NaN or non-positive price restarts it', () => {
    const source = randomWalk(40, 5);
    const params = { window: 10, maxLag: 4 };
    const clean = runNode(hurst, { params, inputs: { source } }).value;
    expect(firstDefined(clean)).toBe(hurst.warmup!(hurst.params.parse(params)));
    expect(firstDefined(clean)).toBe(9);
    for (const bad of [NaN, 0, -1]) {
      const broken = source.slice();
      broken[12] = bad;
      const value = runNode(hurst, { params, inputs: { source: broken } }).value;
      // Bars 12 … 21 are NaN (the bad bar, then 9 bars refilling the window); from 22 on, only bars after 12
      // count: exactly a run started at bar 13. The run that never restarted summed its moments afresh at
      // other bars (each time its window wrapped), so it agrees to rounding.
      expect(value.slice(12, 22).every(Number.isNaN)).toBe(true);
      expect(value.slice(13)).toEqual(runNode(hurst, { params, inputs: { source: source.slice(13) } }).value);
      value.slice(22).forEach((h, i) => expect(Math.abs(h - clean[22 + i]!)).toBeLessThan(1e-12));
    }
  });

  it('is NaN, not ±Infinity, while a flat stretch leaves a lag with identical differences', () => {
    const { value } = runNode(hurst, { params: { window: 8, maxLag: 3 }, inputs: { source: [5, 5, 5, 5, 5, 5, 5, 5, 6] } });
    expect(value[7]).toBeNaN();
    expect(Number.isFinite(value[8])).toBe(true);
  });
});

describe('indicator.hurst keeps running moments per lag', () => {
  it('resumes a state saved before it kept them (it rebuilds them from its window)', () => {
    const source = randomWalk(400, 9);
    const params = hurst.params.parse({ window: 50, maxLag: 10 });
    const whole = runNode(hurst, { params, inputs: { source } }).value;
    const s = hurst.init(params, { source: true }) as { lagged?: unknown };
    const out = { value: NaN };
    source.forEach((x, t) => {
      if (t === 173) delete s.lagged;
      hurst.step(s as never, params, { source: x }, out, undefined as never);
      if (t < 49) expect(out.value).toBeNaN();
      else expect(Math.abs(out.value - whole[t]!)).toBeLessThan(1e-12);
    });
  });

  it('agrees with two passes over the window on prices in ticks, where many differences are equal', () => {
    // Rounded to cents, differences repeat and cancel: the running sums' weakest case.
    const source = randomWalk(3000, 4, 0.002).map((p) => Math.round(p * 100) / 100);
    const { value } = runNode(hurst, { params: { window: 100, maxLag: 20 }, inputs: { source } });
    const twoPass = (t: number): number => {
      const y = source.slice(t - 99, t + 1).map(Math.log);
      const points = Array.from({ length: 19 }, (_, k) => {
        const d = y.slice(k + 2).map((v, i) => v - y[i]!);
        const mean = d.reduce((a, b) => a + b, 0) / d.length;
        return [Math.log(k + 2), Math.log(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length)] as const;
      });
      const mu = points.reduce((a, [u]) => a + u, 0) / 19, mv = points.reduce((a, [, v]) => a + v, 0) / 19;
      return points.reduce((a, [u, v]) => a + (u - mu) * (v - mv), 0) / points.reduce((a, [u]) => a + (u - mu) ** 2, 0) / 2;
    };
    for (let t = 99; t < 3000; t += 7) expect(Math.abs(value[t]! - twoPass(t))).toBeLessThan(1e-10);
  });
});

describe('indicator.hurst against numpy', () => {
  it('matches ref_stats.hurst (np.var and np.polyfit) to 1e-9 on the reference bars', () => {
    const result = compareWithReference(hurst);
    expect(result.compared).toBeGreaterThan(1500);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
