import { describe, expect, it } from 'vitest';
import type { Trade } from './broker.ts';
import { computeMetrics } from './metrics.ts';

const yearMs = 365.25 * 86_400_000;
const trade = (pnl: number, open = false): Trade => ({ side: 'long', entryTime: 0, exitTime: 1, quantity: 1, entryPrice: 100, exitPrice: 100, pnl, returnPct: pnl, bars: 1, open });

describe('computeMetrics: a hand-worked example', () => {
  // From 100: +25 %, −20 %, +25 %, −20 %, −20 %, +25 %, +50 %. Seven bars spread over exactly two years.
  const equity = Float64Array.from([125, 100, 125, 100, 80, 100, 150]);
  const spacing = (2 * yearMs) / 7;
  const time = Float64Array.from(equity, (_, i) => i * spacing);
  const trades = [trade(50), trade(-20), trade(30), trade(-10), trade(0), trade(1000, true)];
  const m = computeMetrics(equity, time, trades, 100, 3, 12.5);

  // Per-bar returns: sum 0.65 → mean 0.65/7; Σr² = 3·0.0625 + 3·0.04 + 0.25 = 0.5575;
  // sample variance (0.5575 − 0.65²/7)/6 = (3.48/7)/6 = 0.58/7. Downside: Σ(r<0)² / n = 0.12/7.
  const mean = 0.65 / 7;
  const sd = Math.sqrt(0.58 / 7);
  const downside = Math.sqrt(0.12 / 7);

  it('annualises with the bar spacing: 3.5 bars a year', () => {
    expect(m.periodsPerYear).toBeCloseTo(3.5, 9);
  });

  it('total return and CAGR over two years', () => {
    expect(m.totalReturn).toBeCloseTo(50, 9);
    expect(m.finalEquity).toBe(150);
    expect(m.cagr).toBeCloseTo((Math.sqrt(1.5) - 1) * 100, 9); // 22.47 %
  });

  it('volatility, Sharpe and Sortino from per-bar returns', () => {
    expect(m.volatility).toBeCloseTo(sd * Math.sqrt(3.5) * 100, 9);
    expect(m.sharpe).toBeCloseTo((mean / sd) * Math.sqrt(3.5), 9);
    expect(m.sortino).toBeCloseTo((mean / downside) * Math.sqrt(3.5), 9);
  });

  it('max drawdown from the running peak (125 → 80 = 36 %) and its duration (3 bars under water)', () => {
    expect(m.maxDrawdown).toBeCloseTo(36, 9);
    expect(m.maxDrawdownBars).toBe(3);
  });

  it('win rate and profit factor over closed trades only; a break-even trade is neither', () => {
    expect(m.trades).toBe(5);
    expect(m.winRate).toBeCloseTo(40, 12);
    expect(m.profitFactor).toBeCloseTo(80 / 30, 12);
  });

  it('exposure is the share of bars with a position; commission passes through', () => {
    expect(m.exposure).toBeCloseTo((3 / 7) * 100, 12);
    expect(m.commissionPaid).toBe(12.5);
  });
});

describe('computeMetrics: edge cases', () => {
  const hourly = (n: number) => Float64Array.from({ length: n }, (_, i) => i * 3_600_000);

  it('hourly bars annualise over 8766 hours a year; daily over 365.25 days', () => {
    expect(computeMetrics(Float64Array.from([1, 1, 1]), hourly(3), [], 1, 0, 0).periodsPerYear).toBeCloseTo(8766, 9);
    const daily = Float64Array.from([0, 1, 2], (d) => d * 86_400_000);
    expect(computeMetrics(Float64Array.from([1, 1, 1]), daily, [], 1, 0, 0).periodsPerYear).toBeCloseTo(365.25, 9);
  });

  it('uses the typical (median) spacing, so a weekend gap does not change the annualisation', () => {
    const days = [0, 1, 2, 3, 4, 7, 8, 9, 10, 11].map((d) => d * 86_400_000);
    expect(computeMetrics(new Float64Array(10).fill(1), Float64Array.from(days), [], 1, 0, 0).periodsPerYear).toBeCloseTo(365.25, 9);
  });

  it('no CAGR under a month of data; no Sharpe or Sortino when returns never vary or never fall', () => {
    const flat = computeMetrics(Float64Array.from([100, 100, 100]), hourly(3), [], 100, 0, 0);
    expect(flat.cagr).toBeNull();
    expect(flat.sharpe).toBeNull();
    expect(flat.sortino).toBeNull();
    expect(flat.volatility).toBe(0);
    expect(flat.maxDrawdown).toBe(0);
    const rising = computeMetrics(Float64Array.from([101, 103, 104]), hourly(3), [], 100, 0, 0);
    expect(rising.sortino).toBeNull();
    expect(rising.sharpe).toBeGreaterThan(0);
  });

  it('a drawdown that never recovers counts to the end; the first bar can be under the initial cash', () => {
    const m = computeMetrics(Float64Array.from([90, 95, 80, 85]), hourly(4), [], 100, 0, 0);
    expect(m.maxDrawdown).toBeCloseTo(20, 12);
    expect(m.maxDrawdownBars).toBe(4);
  });

  it('no win rate without closed trades; no profit factor without a loss', () => {
    const none = computeMetrics(Float64Array.from([100, 100]), hourly(2), [trade(5, true)], 100, 1, 0);
    expect(none.trades).toBe(0);
    expect(none.winRate).toBeNull();
    const allWins = computeMetrics(Float64Array.from([100, 100]), hourly(2), [trade(5), trade(7)], 100, 1, 0);
    expect(allWins.winRate).toBe(100);
    expect(allWins.profitFactor).toBeNull();
  });

  it('a wiped-out account has no CAGR', () => {
    const year = Float64Array.from({ length: 13 }, (_, i) => (i * yearMs) / 12);
    const m = computeMetrics(Float64Array.from({ length: 13 }, (_, i) => (i === 12 ? -5 : 100)), year, [], 100, 0, 0);
    expect(m.totalReturn).toBeCloseTo(-105, 9);
    expect(m.cagr).toBeNull();
  });
});
