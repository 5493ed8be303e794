import { describe, expect, it } from 'vitest';
import { compareWithReference } from '../../reference.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { autocorrelation } from './index.ts';

/** Prices whose log returns repeat `pattern`. */
function pricesFromReturns(pattern: number[], n: number): number[] {
  const logs = [0];
  for (let i = 1; i < n; i++) logs.push(logs[i - 1]! + pattern[(i - 1) % pattern.length]!);
  return logs.map(Math.exp);
}

describe('indicator.autocorrelation', () => {
  it('correlates each return with the one k bars before, worked by hand', () => {
    // Returns .01 0 −.01 repeating; window 24 returns, lag 1: 23 pairs… use window 25 for 24 pairs = 8 whole cycles.
    // Pairs (now, before) per cycle: (0, .01), (−.01, 0), (.01, −.01); both sides mean 0,
    // Σ now·before = −.0001, Σ now² = Σ before² = .0002 → −1/2.
    const source = pricesFromReturns([0.01, 0, -0.01], 30);
    const { value } = runNode(autocorrelation, { params: { window: 25, lag: 1 }, inputs: { source } });
    expect(value.slice(0, 25).every(Number.isNaN)).toBe(true);
    expect(value[25]).toBeCloseTo(-0.5, 12);
    // At lag 3 each return meets its own copy: +1.
    expect(runNode(autocorrelation, { params: { window: 24, lag: 3 }, inputs: { source } }).value[29]).toBeCloseTo(1, 12);
  });

  it('alternating returns are perfectly anti-correlated at lag 1, in log or simple returns', () => {
    const source = Array.from({ length: 30 }, (_, i) => (i % 2 ? 110 : 100));
    for (const returns of ['log', 'simple']) {
      expect(runNode(autocorrelation, { params: { window: 24, lag: 1, returns }, inputs: { source } }).value[29]).toBeCloseTo(-1, 12);
    }
  });

  it('first value at index N, matching warmup(); a NaN or non-positive price restarts it', () => {
    const source = pricesFromReturns([0.02, -0.01, 0.005, -0.03, 0.01], 80);
    const params = { window: 24, lag: 2 };
    const clean = runNode(autocorrelation, { params, inputs: { source } }).value;
    expect(firstDefined(clean)).toBe(autocorrelation.warmup!(autocorrelation.params.parse(params)));
    expect(firstDefined(clean)).toBe(24);
    for (const bad of [NaN, 0, -3]) {
      const broken = source.slice();
      broken[30] = bad;
      const value = runNode(autocorrelation, { params, inputs: { source: broken } }).value;
      // The bad bar, then 24 more to collect 24 returns from the new first price at bar 31.
      expect(value.slice(30, 55).every(Number.isNaN)).toBe(true);
      expect(value.slice(55)).toEqual(clean.slice(55));
    }
  });

  it('reads 0 over flat prices instead of dividing by zero', () => {
    const { value } = runNode(autocorrelation, { params: { window: 24, lag: 1 }, inputs: { source: new Array(27).fill(42) } });
    expect(value.slice(24)).toEqual([0, 0, 0]);
  });
});

describe('indicator.autocorrelation against pandas', () => {
  it('matches ref_stats.autocorr (pandas Series.autocorr) to 1e-9 on the reference bars', () => {
    const result = compareWithReference(autocorrelation);
    expect(result.compared).toBeGreaterThan(2000);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
