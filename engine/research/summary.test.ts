import { describe, expect, it } from 'vitest';
import type { Metrics } from '../metrics.ts';
import { costSummary, monteCarloSummary, sweepSummary, walkForwardSummary, type OutOfSampleDetail, type TrialRecord } from './summary.ts';

const metrics = (totalReturn: number, sharpe: number | null = 1): Metrics => ({ totalReturn, sharpe, maxDrawdown: 5, trades: 3, commissionPaid: 1, exposure: 40, turnover: 2 }) as Metrics;

function oos(index: number, values: number[], startEquity: number, isReturn: number, oosReturn: number): TrialRecord {
  const detail: OutOfSampleDetail = {
    window: index,
    inSample: { from: index * 10, to: index * 10 + 20, startTime: 0, endTime: 0 },
    outOfSample: { from: index * 10 + 20, to: index * 10 + 20 + values.length, startTime: 0, endTime: 0 },
    chosenTrial: index,
    inSampleScore: 1,
    inSampleMetrics: metrics(isReturn),
    inSampleBars: 20,
    startEquity,
    time: values.map((_, i) => Date.UTC(2024, 0, 1 + index * 10 + i)),
    value: values,
    exact: true,
  };
  return { trialIndex: 100 + index, params: { 'a.x': index }, metrics: metrics(oosReturn), detail: detail as unknown as Record<string, unknown>, error: null };
}

describe('research summaries', () => {
  it('sweep: best by the metric, with counts of failed trials', () => {
    const s = sweepSummary([], 'sharpe', [
      { trialIndex: 0, params: { 'a.x': 1 }, metrics: metrics(5, 0.5), detail: null, error: null },
      { trialIndex: 1, params: { 'a.x': 2 }, metrics: null, detail: null, error: 'too short' },
      { trialIndex: 2, params: { 'a.x': 3 }, metrics: metrics(1, 2), detail: null, error: null },
    ]);
    expect(s).toMatchObject({ trials: 3, succeeded: 2, failed: 1, best: { trialIndex: 2, params: { 'a.x': 3 } } });
  });

  it('walk-forward: stitched curve compounds windows; efficiency compares per-bar returns', () => {
    // Window 0: +10 % over 2 bars (in-sample +20 % over 20 bars); window 1: −5 % (in-sample +10 %).
    const s = walkForwardSummary('sharpe', [oos(1, [95, 95], 100, 10, -5), oos(0, [105, 110], 100, 20, 10)], 1000);
    expect(s.windows.map((w) => w.index)).toEqual([0, 1]);
    expect(s.stitched.equity.map((p) => Math.round(p.value * 1e6) / 1e6)).toEqual([1050, 1100, 1045, 1045]);
    expect(s.stitched.metrics!.totalReturn).toBeCloseTo(4.5, 9);
    // The account starts from the initial cash, which the chart draws as its start line (the curve's first point is after a bar).
    expect(s.stitched.initialCash).toBe(1000);
    expect(s.stitched.metrics).toMatchObject({ trades: 6, commissionPaid: 2, exposure: 40, winRate: null });
    // Out of sample: 10 − 5 = 5 points over 4 bars; in sample scaled to those bars: 20·2/20 + 10·2/20 = 3.
    expect(s.efficiency).toBeCloseTo(5 / 3, 9);
    expect(s.profitableWindowsPct).toBe(50);
  });

  it('walk-forward: a failed window is listed with its error and left out of the stitched curve', () => {
    const failed: TrialRecord = { trialIndex: 102, params: {}, metrics: null, detail: { window: 2, inSample: { from: 0, to: 1 }, outOfSample: { from: 1, to: 2 } }, error: 'no in-sample trial succeeded' };
    const s = walkForwardSummary('sharpe', [oos(0, [105, 110], 100, 20, 10), failed], 1000);
    expect(s.windows[1]).toMatchObject({ index: 2, params: null, error: 'no in-sample trial succeeded', outOfSampleReturn: null });
    expect(s.stitched.equity).toHaveLength(2);
    expect(s.profitableWindowsPct).toBe(50);
  });

  it('Monte Carlo: pools every trial’s paths and keeps the base run', () => {
    const trial = (i: number, r: number[], base?: boolean): TrialRecord => ({ trialIndex: i, params: {}, metrics: null, error: null, detail: { from: 0, to: r.length, finalReturns: r, maxDrawdowns: r.map((x) => Math.abs(x)), ...(base ? { base: { metrics: metrics(3), equity: [], trades: 4 } } : {}) } });
    const s = monteCarloSummary('reshuffle', [trial(1, [3, 4]), trial(0, [-1, 0, 1], true)]);
    expect(s.paths).toBe(5);
    expect(s.finalReturn.p50).toBe(1);
    expect(s.base?.trades).toBe(4);
    expect(s.probabilityOfLoss).toBe(20);
  });

  it('cost sensitivity: one row per multiplier pair, errors kept', () => {
    const s = costSummary([0, 1], [0, 2], [
      { trialIndex: 0, params: {}, metrics: metrics(10), detail: { commission: 0, slippage: 0 }, error: null },
      { trialIndex: 3, params: {}, metrics: null, detail: null, error: 'bad' },
    ]);
    expect(s.table).toEqual([
      expect.objectContaining({ commission: 0, slippage: 0, totalReturn: 10 }),
      expect.objectContaining({ commission: 1, slippage: 2, totalReturn: null, error: 'bad' }),
    ]);
  });
});
