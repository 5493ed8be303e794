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
      // The bad bar, then 24 more to collect 24 returns from the new first price at bar 31: exactly a run
      // started at bar 31. The run that never restarted summed its pairs afresh at other bars (each time
      // its window wrapped), so it agrees to rounding.
      expect(value.slice(30, 55).every(Number.isNaN)).toBe(true);
      expect(value.slice(31)).toEqual(runNode(autocorrelation, { params, inputs: { source: source.slice(31) } }).value);
      value.slice(55).forEach((c, i) => expect(Math.abs(c - clean[55 + i]!)).toBeLessThan(1e-12));
    }
  });

  it('reads 0 when either side of the pairs is flat, and only then', () => {
    // Lag 1, window 24: 23 pairs. Returns 0 … 0 then one move: the older side (the first 23 returns) is
    // flat. One move then 0 … 0: the newer side is. Two moves: neither.
    const flatRun = (moves: number[]) => pricesFromReturns(moves, 26);
    const olderFlat = flatRun([...new Array<number>(24).fill(0), 0.01]);
    const newerFlat = flatRun([0.01, ...new Array<number>(24).fill(0)]);
    const params = { window: 24, lag: 1 };
    expect(runNode(autocorrelation, { params, inputs: { source: olderFlat } }).value[25]).toBe(0);
    expect(runNode(autocorrelation, { params, inputs: { source: newerFlat } }).value[24]).toBe(0);
    expect(runNode(autocorrelation, { params, inputs: { source: flatRun([0.01, ...new Array<number>(22).fill(0), 0.02, 0]) } }).value[24]).not.toBe(0);
  });

  it('resumes a state saved before it kept the pairs (it rebuilds them from its window)', () => {
    const source = pricesFromReturns([0.02, -0.01, 0.005, -0.03, 0.01, 0.01, 0, 0, 0], 200);
    const params = autocorrelation.params.parse({ window: 30, lag: 2 });
    const whole = runNode(autocorrelation, { params, inputs: { source } }).value;
    for (const at of [5, 31, 77]) {
      const s = autocorrelation.init(params, { source: true }) as { pairs?: unknown };
      const out = { value: NaN };
      source.forEach((x, t) => {
        if (t === at) delete s.pairs;
        autocorrelation.step(s as never, params, { source: x }, out, undefined as never);
        if (t < 30) expect(out.value).toBeNaN();
        else expect(Math.abs(out.value - whole[t]!), `resumed at ${at}, bar ${t}`).toBeLessThan(1e-12);
      });
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
