import { describe, expect, it } from 'vitest';
import { compareWithReference } from '../../reference.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { varianceRatio } from './index.ts';

function randomWalk(n: number, seed: number): number[] {
  let s = seed;
  const uniform = () => ((s = (s * 1103515245 + 12345) % 2147483648) + 1) / 2147483649;
  const prices = [100];
  for (let i = 1; i < n; i++) prices.push(prices[i - 1]! * Math.exp(0.01 * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform())));
  return prices;
}

describe('indicator.varianceRatio', () => {
  // Log prices 0 1 3 2 4: q = 2, n = 2, so 4 returns 1 2 −1 2 with μ = 4/4 = 1 and deviations 0 1 −2 1.
  // σa² = 6/3 = 2. Two-bar changes 3 1 1 minus 2μ: 1 −1 −1, Σ = 3; m = 2·3·(1 − 2/4) = 3 → σc² = 1. VR = 1/2.
  const source = [0, 1, 3, 2, 4].map(Math.exp);

  it('computes VR and the homoskedastic z by hand', () => {
    const out = runNode(varianceRatio, { params: { q: 2, n: 2, zStat: 'iid' }, inputs: { source } });
    expect(out.vr[4]).toBeCloseTo(0.5, 12);
    // z = (VR − 1)/√(2(2q−1)(q−1)/(3q·nq)) = −.5/√(6/24) = −1.
    expect(out.z[4]).toBeCloseTo(-1, 12);
  });

  it('computes the heteroskedasticity-robust z* by hand', () => {
    const out = runNode(varianceRatio, { params: { q: 2, n: 2 }, inputs: { source } });
    expect(out.vr[4]).toBeCloseTo(0.5, 12);
    // δ1 = nq Σ d_k² d_k−1² / (Σ d²)² = 4 (1·0 + 4·1 + 1·4)/36 = 8/9; θ = (2·1/2)² δ1 = 8/9.
    // z* = √4 · (−.5)/√(8/9) = −3/(2√2).
    expect(out.z[4]).toBeCloseTo(-3 / (2 * Math.SQRT2), 12);
  });

  it('reads about 1 with |z| small on a random walk', () => {
    const out = runNode(varianceRatio, { params: { q: 4, n: 500 }, inputs: { source: randomWalk(2001, 17) } });
    expect(Math.abs(out.vr[2000]! - 1)).toBeLessThan(0.15);
    expect(Math.abs(out.z[2000]!)).toBeLessThan(3);
  });

  it('first values at index n·q, matching warmup(); a NaN or non-positive price restarts both', () => {
    const prices = randomWalk(40, 9);
    const params = { q: 3, n: 3 };
    const clean = runNode(varianceRatio, { params, inputs: { source: prices } });
    expect(firstDefined(clean.vr)).toBe(varianceRatio.warmup!(varianceRatio.params.parse(params)));
    expect(firstDefined(clean.vr)).toBe(9);
    expect(firstDefined(clean.z)).toBe(9);
    for (const bad of [NaN, 0, -5]) {
      const broken = prices.slice();
      broken[15] = bad;
      const out = runNode(varianceRatio, { params, inputs: { source: broken } });
      // The bad bar plus 9 bars to refill 10 prices.
      expect(out.vr.slice(15, 25).every(Number.isNaN)).toBe(true);
      expect(out.vr.slice(25)).toEqual(clean.vr.slice(25));
      expect(out.z.slice(25)).toEqual(clean.z.slice(25));
    }
  });

  it('is NaN, not Infinity, over flat prices', () => {
    const out = runNode(varianceRatio, { params: { q: 2, n: 2 }, inputs: { source: [7, 7, 7, 7, 7, 7.5] } });
    expect([out.vr[4], out.z[4]]).toEqual([NaN, NaN]);
    expect(Number.isFinite(out.vr[5])).toBe(true);
  });
});

describe('indicator.varianceRatio against numpy', () => {
  it('matches ref_stats.variance_ratio (Lo–MacKinlay 1988) to 1e-9 on the reference bars', () => {
    const result = compareWithReference(varianceRatio);
    expect(result.cases).toBe(5);
    expect(result.compared).toBeGreaterThan(5000);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
