import { describe, expect, it } from 'vitest';
import { barReturns, simulatePaths, summarizePaths, tradeReturns, type MonteCarloSource } from './montecarlo.ts';

const source: MonteCarloSource = {
  tradePnls: Float64Array.from([500, -300, 800, -1200, 400, 900, -200, -600, 700, 100]),
  equity: Float64Array.from(Array.from({ length: 400 }, (_, i) => 100_000 * (1 + 0.0005 * i + 0.01 * Math.sin(i / 7)))),
  initialCash: 100_000,
};

describe('Monte Carlo paths', () => {
  it('reshuffles trade order: same final return every path, drawdowns that vary', () => {
    const { finalReturns, maxDrawdowns } = simulatePaths(source, 'reshuffle', { seed: 1, from: 0, to: 200, blockLength: 1 });
    // The trades' returns on the equity they were entered with, compounded in any order: the base's 1.1 %.
    for (const r of finalReturns) expect(r).toBeCloseTo(1.1, 9);
    expect(new Set(maxDrawdowns.map((d) => d.toFixed(6))).size).toBeGreaterThan(5);
    // The worst case stacks every loss: at most the product of the losing returns.
    const losses = tradeReturns(source.tradePnls, source.initialCash).filter((r) => r < 0);
    for (const d of maxDrawdowns) expect(d).toBeLessThanOrEqual((1 - losses.reduce((a, r) => a * (1 + r), 1)) * 100 + 1e-9);
  });

  it('compounds trades sized on equity: a strategy that bets everything never loses more than everything', () => {
    // All in, every trade: +50 %, then −60 % of a larger account (−90 000 of 150 000), then +20 %.
    const allIn: MonteCarloSource = { tradePnls: Float64Array.from([50_000, -90_000, 12_000]), equity: source.equity, initialCash: 100_000 };
    expect(Array.from(tradeReturns(allIn.tradePnls, allIn.initialCash))).toEqual([0.5, -0.6, 0.2]);
    for (const method of ['reshuffle', 'tradeBootstrap'] as const) {
      const { finalReturns, maxDrawdowns } = simulatePaths(allIn, method, { seed: 2, from: 0, to: 500, blockLength: 1 });
      expect(Math.min(...finalReturns)).toBeGreaterThanOrEqual(-100);
      expect(Math.max(...maxDrawdowns)).toBeLessThanOrEqual(100);
      if (method === 'reshuffle') for (const r of finalReturns) expect(r).toBeCloseTo((1.5 * 0.4 * 1.2 - 1) * 100, 9);
    }
    // Adding the dollar PnLs, three draws of the loss would have been −170 %; compounded it is −93.6 %.
    const { finalReturns } = simulatePaths(allIn, 'tradeBootstrap', { seed: 2, from: 0, to: 500, blockLength: 1 });
    expect(Math.min(...finalReturns)).toBeCloseTo((0.4 ** 3 - 1) * 100, 9);
  });

  it('bootstraps trades with replacement, so final returns spread around the original', () => {
    const { finalReturns } = simulatePaths(source, 'tradeBootstrap', { seed: 1, from: 0, to: 2000, blockLength: 1 });
    const summary = summarizePaths(finalReturns, finalReturns.map(() => 0));
    expect(summary.finalReturn.p5).toBeLessThan(1.1);
    expect(summary.finalReturn.p95).toBeGreaterThan(1.1);
    expect(summary.finalReturn.p50).toBeGreaterThan(-1);
    expect(summary.finalReturn.p50).toBeLessThan(3);
  });

  it('block-bootstraps bar returns; one block covering the data rebuilds a rotation of the curve', () => {
    const n = source.equity.length;
    const full = simulatePaths(source, 'blockBootstrap', { seed: 3, from: 0, to: 50, blockLength: n });
    // A rotation multiplies the same returns in another order: the same final return.
    const expected = (source.equity[n - 1]! / source.initialCash - 1) * 100;
    for (const r of full.finalReturns) expect(r).toBeCloseTo(expected, 8);
    const short = simulatePaths(source, 'blockBootstrap', { seed: 3, from: 0, to: 50, blockLength: 5 });
    expect(new Set(short.finalReturns.map((r) => r.toFixed(8))).size).toBe(50);
  });

  it('gives each path the same draws however the paths are split into batches', () => {
    const whole = simulatePaths(source, 'blockBootstrap', { seed: 9, from: 0, to: 30, blockLength: 10 });
    const a = simulatePaths(source, 'blockBootstrap', { seed: 9, from: 0, to: 13, blockLength: 10 });
    const b = simulatePaths(source, 'blockBootstrap', { seed: 9, from: 13, to: 30, blockLength: 10 });
    expect([...a.finalReturns, ...b.finalReturns]).toEqual(whole.finalReturns);
    expect([...a.maxDrawdowns, ...b.maxDrawdowns]).toEqual(whole.maxDrawdowns);
    const other = simulatePaths(source, 'blockBootstrap', { seed: 10, from: 0, to: 30, blockLength: 10 });
    expect(other.finalReturns).not.toEqual(whole.finalReturns);
  });

  it('turns equity into per-bar returns from the initial cash', () => {
    expect([...barReturns(Float64Array.from([110, 99]), 100)].map((r) => Number(r.toFixed(10)))).toEqual([0.1, -0.1]);
  });

  it('summarises paths into percentile tables, histograms and a probability of loss', () => {
    const s = summarizePaths([-10, -5, 0, 5, 10], [1, 2, 3, 4, 5], 5);
    expect(s.paths).toBe(5);
    expect(s.finalReturn.p50).toBe(0);
    expect(s.maxDrawdown.p95).toBeCloseTo(4.8);
    expect(s.probabilityOfLoss).toBe(40);
    expect(s.finalReturn.histogram.reduce((a, b) => a + b.count, 0)).toBe(5);
  });
});
