import { thin } from '../backtest.ts';
import { computeMetrics, type Metrics } from '../metrics.ts';
import type { MonteCarloMethod, MonteCarloDistribution } from './montecarlo.ts';
import { summarizePaths } from './montecarlo.ts';
import { bestTrial, type RankMetric } from './rank.ts';
import type { Dimension, ParamsOverride } from './space.ts';
import { stitchEquity } from './stitch.ts';
import type { BarRange } from './windows.ts';

/** A stored trial, as the summaries read it back. */
export interface TrialRecord {
  trialIndex: number;
  params: ParamsOverride;
  metrics: Metrics | null;
  detail: Record<string, unknown> | null;
  error: string | null;
}

export interface CurvePoint {
  time: number;
  value: number;
}

/** Points kept of a stitched or base equity curve for charts. */
export const SUMMARY_CURVE_POINTS = 2000;

export interface SweepSummary {
  kind: 'sweep';
  metric: RankMetric;
  dimensions: Dimension[];
  trials: number;
  succeeded: number;
  failed: number;
  best: { trialIndex: number; params: ParamsOverride; metrics: Metrics } | null;
}

export function sweepSummary(dimensions: Dimension[], metric: RankMetric, trials: readonly TrialRecord[]): SweepSummary {
  const best = bestTrial(trials, metric);
  const succeeded = trials.filter((t) => t.metrics).length;
  return {
    kind: 'sweep',
    metric,
    dimensions,
    trials: trials.length,
    succeeded,
    failed: trials.length - succeeded,
    best: best ? { trialIndex: best.trialIndex, params: best.params, metrics: best.metrics! } : null,
  };
}

/** What an out-of-sample trial stores in its detail. */
export interface OutOfSampleDetail {
  window: number;
  inSample: BarRange & { startTime: number; endTime: number };
  outOfSample: BarRange & { startTime: number; endTime: number };
  /** The in-sample trial whose params were chosen, and its in-sample metrics. */
  chosenTrial: number;
  inSampleScore: number | null;
  inSampleMetrics: Metrics;
  inSampleBars: number;
  startEquity: number;
  /** The window's equity per bar when `exact`; otherwise thinned to `OOS_CURVE_LIMIT` points. */
  time: number[];
  value: number[];
  exact: boolean;
}

/** Out-of-sample windows longer than this store a thinned curve, and stitched risk figures become estimates. */
export const OOS_CURVE_LIMIT = 20_000;

export interface WalkForwardWindowSummary {
  index: number;
  inSample: OutOfSampleDetail['inSample'];
  outOfSample: OutOfSampleDetail['outOfSample'];
  params: ParamsOverride | null;
  inSampleScore: number | null;
  inSampleReturn: number | null;
  outOfSampleReturn: number | null;
  outOfSampleMaxDrawdown: number | null;
  outOfSampleSharpe: number | null;
  outOfSampleTrades: number | null;
  error: string | null;
}

export interface WalkForwardSummary {
  kind: 'walkForward';
  metric: RankMetric;
  windows: WalkForwardWindowSummary[];
  /**
   * `initialCash`: what the stitched account starts from (its return is measured from it; the curve's first
   * point is already after the first bar). Absent in runs stored before it was kept.
   */
  stitched: { equity: CurvePoint[]; metrics: Metrics | null; exact: boolean; initialCash?: number };
  /**
   * Walk-forward efficiency: out-of-sample return per bar over in-sample return per bar of the chosen
   * params (1 = kept everything the optimisation found; null when in-sample returns were not positive).
   */
  efficiency: number | null;
  /** Share of out-of-sample windows that made money, percent. */
  profitableWindowsPct: number;
}

export function walkForwardSummary(metric: RankMetric, outOfSample: readonly TrialRecord[], initialCash: number): WalkForwardSummary {
  const ordered = [...outOfSample].sort((a, b) => a.trialIndex - b.trialIndex);
  const done = ordered.filter((t) => t.metrics && t.detail) as (TrialRecord & { metrics: Metrics; detail: Record<string, unknown> })[];
  const details = done.map((t) => t.detail as unknown as OutOfSampleDetail);
  const stitched = stitchEquity(details.map((d) => ({ time: d.time, equity: d.value, startEquity: d.startEquity })), initialCash);
  const exact = details.every((d) => d.exact);
  const metrics = stitched.equity.length > 1 ? stitchedMetrics(stitched, done.map((t) => t.metrics), initialCash) : null;
  let oosReturnPerBar = 0, isReturnPerBar = 0;
  for (const [i, t] of done.entries()) {
    const d = details[i]!;
    oosReturnPerBar += t.metrics.totalReturn;
    isReturnPerBar += (d.inSampleMetrics.totalReturn * (d.outOfSample.to - d.outOfSample.from)) / d.inSampleBars;
  }
  return {
    kind: 'walkForward',
    metric,
    windows: ordered.map((t) => {
      // A failed window still stores where it was (window, inSample, outOfSample), just no results.
      const d = t.detail as unknown as Partial<OutOfSampleDetail> & Pick<OutOfSampleDetail, 'window' | 'inSample' | 'outOfSample'>;
      return {
        index: d.window,
        inSample: d.inSample,
        outOfSample: d.outOfSample,
        params: t.metrics ? t.params : null,
        inSampleScore: d.inSampleScore ?? null,
        inSampleReturn: d.inSampleMetrics?.totalReturn ?? null,
        outOfSampleReturn: t.metrics?.totalReturn ?? null,
        outOfSampleMaxDrawdown: t.metrics?.maxDrawdown ?? null,
        outOfSampleSharpe: t.metrics?.sharpe ?? null,
        outOfSampleTrades: t.metrics?.trades ?? null,
        error: t.error,
      };
    }),
    stitched: { equity: thin(stitched.equity, stitched.time, SUMMARY_CURVE_POINTS), metrics, exact, initialCash },
    // Both sides are scaled to the out-of-sample length, so the ratio compares like with like.
    efficiency: isReturnPerBar > 0 ? oosReturnPerBar / isReturnPerBar : null,
    profitableWindowsPct: ordered.length ? (done.filter((t) => t.metrics.totalReturn > 0).length / ordered.length) * 100 : 0,
  };
}

/**
 * Metrics of the stitched curve. Return and risk figures come from the curve itself; trade counts,
 * commission and exposure add up over the windows; per-trade averages (win rate, profit factor,
 * expectancy) are left null because the windows' trades are not kept one by one.
 */
function stitchedMetrics(stitched: { time: Float64Array; equity: Float64Array }, windows: readonly Metrics[], initialCash: number): Metrics {
  const m = computeMetrics(stitched.equity, stitched.time, [], initialCash, 0, 0);
  // Every out-of-sample window has the same length, so plain means are the stitched exposure and turnover.
  const mean = (f: (w: Metrics) => number) => (windows.length ? windows.reduce((a, w) => a + f(w), 0) / windows.length : 0);
  return {
    ...m,
    trades: windows.reduce((a, w) => a + w.trades, 0),
    commissionPaid: windows.reduce((a, w) => a + w.commissionPaid, 0),
    exposure: mean((w) => w.exposure),
    winRate: null,
    profitFactor: null,
    expectancy: null,
    turnover: mean((w) => w.turnover),
  };
}

/** What a Monte Carlo trial stores: its paths' outcomes, and (trial 0 only) the base backtest. */
export interface MonteCarloDetail {
  from: number;
  to: number;
  finalReturns: number[];
  maxDrawdowns: number[];
  base?: { metrics: Metrics; equity: CurvePoint[]; trades: number };
}

export interface MonteCarloSummary extends MonteCarloDistribution {
  kind: 'monteCarlo';
  method: MonteCarloMethod;
  base: MonteCarloDetail['base'] | null;
}

export function monteCarloSummary(method: MonteCarloMethod, trials: readonly TrialRecord[]): MonteCarloSummary {
  // A failed trial has no detail (its error is on its row): its paths are not in the summary.
  const ordered = [...trials].sort((a, b) => a.trialIndex - b.trialIndex).flatMap((t) => (t.detail ? [t.detail as unknown as MonteCarloDetail] : []));
  return {
    kind: 'monteCarlo',
    method,
    base: ordered.find((d) => d.base)?.base ?? null,
    ...summarizePaths(ordered.flatMap((d) => d.finalReturns), ordered.flatMap((d) => d.maxDrawdowns)),
  };
}

export interface CostRow {
  commission: number;
  slippage: number;
  totalReturn: number | null;
  sharpe: number | null;
  maxDrawdown: number | null;
  trades: number | null;
  commissionPaid: number | null;
  error: string | null;
}

export interface CostSummary {
  kind: 'costSensitivity';
  commissionMultipliers: number[];
  slippageMultipliers: number[];
  /** One row per (commission, slippage) pair, commission-major, the order the request gave. */
  table: CostRow[];
}

export function costSummary(commissionMultipliers: number[], slippageMultipliers: number[], trials: readonly TrialRecord[]): CostSummary {
  const ordered = [...trials].sort((a, b) => a.trialIndex - b.trialIndex);
  return {
    kind: 'costSensitivity',
    commissionMultipliers,
    slippageMultipliers,
    table: ordered.map((t) => {
      const d = t.detail as { commission: number; slippage: number } | null;
      return {
        commission: d?.commission ?? commissionMultipliers[Math.floor(t.trialIndex / slippageMultipliers.length)]!,
        slippage: d?.slippage ?? slippageMultipliers[t.trialIndex % slippageMultipliers.length]!,
        totalReturn: t.metrics?.totalReturn ?? null,
        sharpe: t.metrics?.sharpe ?? null,
        maxDrawdown: t.metrics?.maxDrawdown ?? null,
        trades: t.metrics?.trades ?? null,
        commissionPaid: t.metrics?.commissionPaid ?? null,
        error: t.error,
      };
    }),
  };
}

export type ResearchSummary = SweepSummary | WalkForwardSummary | MonteCarloSummary | CostSummary;
