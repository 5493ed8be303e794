import type { Registry } from '../../nodes/registry.ts';
import { equalWeightIndex, runBacktest, thin } from '../backtest.ts';
import { asMarket, checkedSlice, type Bars, type Market, type MarketData } from '../bars.ts';
import type { Trade } from '../broker.ts';
import type { ColumnCache } from '../column-cache.ts';
import { compile } from '../compile.ts';
import type { BacktestSettings, Graph } from '../graph.ts';
import { computeMetrics, type Metrics } from '../metrics.ts';
import { applyParams, type ParamsOverride } from './space.ts';

/** A trial's graph does not compile with its params (a combination the schema allows but the graph cannot use). */
export class TrialCompileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrialCompileError';
  }
}

export interface TrialSettings {
  registry: Registry;
  /** Backtest settings that replace the graph's own (cost sensitivity scales commission and slippage). */
  backtest?: Partial<BacktestSettings>;
  /**
   * The bars to measure, `[from, to)` as indices into `bars`; default all. Up to the plan's warm-up plus
   * one bar before `from` are run first, flat, so indicators are ready and the first decision can fill at
   * `from`'s open. Nothing from at or after `to` is ever read: no lookahead into a later window.
   */
  window?: { from: number; to: number };
  /**
   * `perBar` (default): `equity` holds every measured bar. `chart`: for a trial measured on all the bars,
   * the engine's chart-sized curve instead (at most 2000 points), which spares a sweep over millions of
   * bars a per-bar copy it never reads. A windowed trial is always per bar: its metrics are computed from it.
   */
  curve?: 'perBar' | 'chart';
  /** Called between engine chunks (activities heartbeat here); throw to stop. */
  onProgress?: () => void | Promise<void>;
  /**
   * Indicator columns shared between the trials of a run over the same data: used by trials measured on
   * all the bars (a window's trial runs over other bars and ignores it).
   */
  columnCache?: ColumnCache;
}

export interface TrialOutcome {
  /** Over the measured window only. */
  metrics: Metrics;
  /** Equity at each measured bar's close, and the bar times (thinned with `curve: 'chart'`, see TrialSettings). */
  equity: Float64Array;
  time: Float64Array;
  /** Trades entered inside the window (an open one at the end included, marked at the last close). */
  trades: Trade[];
  /** Equity just before the window: the base its returns are measured from. */
  startEquity: number;
  warmup: number;
}

/**
 * Run one research trial: the graph with `paramsOverride` applied, over the data (one symbol's bars or
 * several symbols'), measured on a window.
 * Every sweep, walk-forward, Monte Carlo and cost trial goes through here, so a faster engine path
 * (compile once, params as runtime values) replaces exactly this function.
 */
export async function runTrial(graph: Graph, paramsOverride: ParamsOverride, data: MarketData, settings: TrialSettings): Promise<TrialOutcome> {
  const market = asMarket(data);
  const bars = market.lanes[0]!;
  const applied = applyParams(graph, paramsOverride, settings.registry);
  const compiled = compile(settings.backtest ? { ...applied, settings: { ...applied.settings, ...settings.backtest } } : applied, settings.registry);
  if (!compiled.ok) throw new TrialCompileError(compiled.errors.map((e) => (e.nodeId ? `${e.nodeId}: ${e.message}` : e.message)).join('; '));
  const { plan } = compiled;
  const n = bars.close.length;
  const from = settings.window?.from ?? 0;
  const to = settings.window?.to ?? n;
  if (!(from >= 0 && from < to && to <= n)) throw new RangeError(`window [${from}, ${to}) is not inside the ${n} bars`);
  const start = Math.max(0, from - plan.warmup - 1);
  const sliced = sliceMarket(market, start, to);
  const slice = sliced.lanes[0]!;
  const length = to - start;
  const skip = from - start;
  const chartOnly = settings.curve === 'chart' && skip === 0 && to === n;
  const result = await runBacktest(plan, sliced, { maxCurvePoints: chartOnly ? 2000 : length + 4, onProgress: settings.onProgress ? () => settings.onProgress!() : undefined, columnCache: settings.columnCache });
  if (chartOnly) {
    return { metrics: result.metrics, equity: Float64Array.from(result.equity, (p) => p.value), time: Float64Array.from(result.equity, (p) => p.time), trades: result.trades, startEquity: plan.settings.initialCash, warmup: plan.warmup };
  }
  const equity = new Float64Array(to - from);
  for (let i = 0; i < equity.length; i++) equity[i] = result.equity[skip + i]!.value;
  const time = slice.time.slice(skip);
  const startEquity = skip > 0 ? result.equity[skip - 1]!.value : plan.settings.initialCash;
  const trades = skip > 0 ? result.trades.filter((t) => t.entryTime >= time[0]!) : result.trades;
  // Measured on every bar, the engine's own metrics are exact; on a window they are recomputed from the
  // window's equity (the warm-up bars before it hold no position, so exposure and commission all fall inside).
  const metrics = skip === 0
    ? result.metrics
    : computeMetrics(equity, time, trades, startEquity, Math.round((result.metrics.exposure / 100) * length), result.metrics.commissionPaid, {
        tradedNotional: tradedNotional(trades),
        // As the engine's own: the symbol held, or every symbol equally weighted from the window's start.
        benchmark: sliced.lanes.length > 1 ? equalWeightIndex(sliceMarket(market, from, to)) : slice.close.slice(skip),
      });
  return { metrics, equity, time, trades, startEquity, warmup: plan.warmup };
}

/** Bars `[from, to)` as views: no copy of the price columns (checked bars stay checked, `checkBars`). */
export function sliceBars(bars: Bars, from: number, to: number): Bars {
  const slice = {
    time: bars.time.subarray(from, to),
    open: bars.open.subarray(from, to),
    high: bars.high.subarray(from, to),
    low: bars.low.subarray(from, to),
    close: bars.close.subarray(from, to),
    volume: bars.volume.subarray(from, to),
  };
  checkedSlice(bars, slice, from, to);
  return slice;
}

/** Every symbol's bars `[from, to)`, as views. */
export function sliceMarket(market: Market, from: number, to: number): Market {
  return { symbols: market.symbols, lanes: market.lanes.map((lane) => sliceBars(lane, from, to)) };
}

/**
 * Traded notional from round trips (for turnover over a window): exact for a trade entered and exited
 * in one fill each, an estimate for trades that scale in or out.
 */
function tradedNotional(trades: readonly Trade[]): number {
  return trades.reduce((a, t) => a + t.quantity * (t.entryPrice + (t.open ? 0 : t.exitPrice)), 0);
}

/** Points of the curve stored with each sweep and cost trial. */
export const TRIAL_CURVE_POINTS = 60;

/**
 * A research worker's column cache per market (a process's, or each trial thread's): 96 MB holds a dozen
 * 1M-bar columns, the ten fast SMAs and the current slow one of a 10 × 10 grid.
 */
export const TRIAL_COLUMN_BYTES = 96 * 2 ** 20;

/**
 * What a research run stores of a sweep, in-sample or cost trial: its metrics, and with `summary` its
 * equity curve thinned to that many points. The activity's thread and the trial pool's threads
 * (engine/research/pool.ts) both measure through here, so the two cannot drift apart.
 */
export async function measureTrial(graph: Graph, paramsOverride: ParamsOverride, data: MarketData, settings: Omit<TrialSettings, 'curve'> & { summary?: number }): Promise<{ metrics: Metrics; summary?: { time: number; value: number }[] }> {
  const { summary, ...rest } = settings;
  const outcome = await runTrial(graph, paramsOverride, data, { ...rest, curve: 'chart' });
  return summary ? { metrics: outcome.metrics, summary: equitySummary(outcome, summary) } : { metrics: outcome.metrics };
}

/** A chart-sized equity curve (the lowest point kept), for trial rows and summaries. */
export function equitySummary(outcome: Pick<TrialOutcome, 'equity' | 'time'>, points = TRIAL_CURVE_POINTS): { time: number; value: number }[] {
  return thin(outcome.equity, outcome.time, points);
}
