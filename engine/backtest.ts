import { asMarket, DataError, type Market, type MarketData } from './bars.ts';
import { Account, SimBroker, type Trade } from './broker.ts';
import type { ColumnCache } from './column-cache.ts';
import type { Plan } from './compile.ts';
import { createExecutor, type SinkEvent } from './execute.ts';
import { measure, type Metrics } from './metrics.ts';

export interface BacktestResult {
  metrics: Metrics;
  /** Equity at bar closes, thinned to at most `maxCurvePoints` for charts (metrics use every bar). */
  equity: { time: number; value: number }[];
  trades: Trade[];
  bars: number;
  /** Bars skipped for a price that is not a positive finite number (see docs/engine.md). */
  skippedBars: number;
  /** Fills cut down by the leverage cap. */
  leverageCuts: number;
  warmup: number;
  startTime: number;
  endTime: number;
  /** The symbols traded, when there are several (trades and events then name theirs). */
  symbols?: string[];
  /** Rows emitted by output nodes (signal exports, alerts), in bar order. */
  events: SinkEvent[];
  /** Output nodes that emitted more rows than are kept (`maxEventsPerNode`). */
  eventsTruncated: string[];
}

export interface BacktestOptions {
  /** Called between chunks; may be async (an activity heartbeats here). Throw to stop the run. */
  onProgress?: (done: number, total: number) => void | Promise<void>;
  chunkBars?: number;
  maxCurvePoints?: number;
  /** Indicator columns shared with other runs over the same bars (see `ExecutorOptions.columnCache`). */
  columnCache?: ColumnCache;
}

/**
 * Run a compiled plan over bars with the simulated broker. Runs in chunks so a long backtest can report
 * progress and be cancelled between chunks; chunking never changes the result.
 */
export async function runBacktest(plan: Plan, data: MarketData, options: BacktestOptions = {}): Promise<BacktestResult> {
  const market = asMarket(data);
  const n = market.lanes[0]!.close.length;
  if (n <= plan.warmup + 1) {
    const bars = (k: number) => `${k} bar${k === 1 ? '' : 's'}`;
    const needs = plan.warmup > 0 ? `${bars(plan.warmup)} to warm up and at least 2 more to trade` : 'at least 2 bars to trade';
    throw new DataError(`the data has ${bars(n)} but the strategy needs ${needs}`);
  }
  const buffer = borrowEquity(n);
  try {
    return await backtestWith(plan, market, buffer, options);
  } finally {
    spareEquity(buffer);
  }
}

async function backtestWith(plan: Plan, market: Market, buffer: Float64Array, options: BacktestOptions): Promise<BacktestResult> {
  const bars = market.lanes[0]!;
  const multi = market.lanes.length > 1;
  const n = bars.close.length;
  const account = new Account(plan.settings.initialCash);
  const brokers = market.symbols.map((symbol) => new SimBroker(plan.settings, account, multi ? symbol : undefined, { recordFills: false }));
  // A backtest shows trades, equity and metrics, not node outputs: outputs nothing reads can be left out.
  const exec = createExecutor(plan, market, brokers, { equity: buffer, columnCache: options.columnCache, skipUnread: true });
  const chunk = options.chunkBars ?? 100_000;
  try {
    for (let from = 0; from < n; from += chunk) {
      const to = Math.min(n, from + chunk);
      await exec.run(from, to);
      await options.onProgress?.(to, n);
    }
  } finally {
    await exec.close();
  }
  const last = n - 1;
  const closed = brokers.flatMap((b) => b.trades);
  // Several symbols: one list in the order the trades closed.
  if (multi) closed.sort((a, b) => a.exitTime - b.exitTime);
  const open = brokers.flatMap((b, k) => {
    const lane = market.lanes[k]!;
    const at = lastValidBar(lane.close, last);
    const trade = at < 0 ? undefined : b.openTradeAt(lane.time[at]!, at, lane.close[at]!);
    return trade ? [trade] : [];
  });
  const trades = [...closed, ...open];
  const { metrics, lowestBar } = measure(exec.equity, bars.time, trades, plan.settings.initialCash, exec.stats.exposed, brokers.reduce((a, b) => a + b.commissionPaid, 0), {
    tradedNotional: brokers.reduce((a, b) => a + b.tradedNotional, 0),
    // The benchmark is holding what the strategy trades: the symbol itself, or all of them equally weighted.
    benchmark: multi ? equalWeightIndex(market) : bars.close,
    flat: exec.flat,
    // The benchmark is the same for every run over these bars: its sums are kept with their columns.
    memo: options.columnCache?.covers(market) ? (key, make) => options.columnCache!.memo(key, make) : undefined,
  });
  return {
    metrics,
    equity: thin(exec.equity, bars.time, options.maxCurvePoints ?? 2000, lowestBar),
    trades,
    bars: n,
    skippedBars: exec.stats.skipped,
    leverageCuts: brokers.reduce((a, b) => a + b.leverageCuts, 0),
    warmup: plan.warmup,
    startTime: bars.time[0]!,
    endTime: bars.time[last]!,
    ...(multi && { symbols: market.symbols }),
    events: exec.events,
    eventsTruncated: exec.eventsTruncated,
  };
}

// Equity buffers of finished runs, lent to the next: the per-bar curve is only read inside a run (metrics
// and the chart's thinned points), and a new one costs a page fault per 4 kB on first write (about 2,000
// per million bars, ≈ 2 µs each on the bench machine). Concurrent runs each borrow their own; at most two
// are kept.
const spare: Float64Array[] = [];
function borrowEquity(n: number): Float64Array {
  const i = spare.findIndex((b) => b.length >= n);
  return i < 0 ? new Float64Array(n) : spare.splice(i, 1)[0]!;
}
function spareEquity(buffer: Float64Array): void {
  spare.push(buffer);
  if (spare.length > 2) spare.splice(spare.indexOf(spare.reduce((a, b) => (a.length <= b.length ? a : b))), 1);
}

/** The first bar with the lowest equity (a NaN is never lower). */
function lowestBar(equity: Float64Array): number {
  let low = 0, lowest = equity[0]!;
  for (let i = 1; i < equity.length; i++) {
    const e = equity[i]!;
    if (e < lowest) (low = i), (lowest = e);
  }
  return low;
}

/** The last bar at or before `from` with a usable close (a symbol's data may end in bad bars). */
function lastValidBar(close: Float64Array, from: number): number {
  for (let t = from; t >= 0; t--) if (close[t]! > 0 && close[t]! < Infinity) return t;
  return -1;
}

/**
 * Buy and hold every symbol with an equal share of the cash: the index value at each bar is the mean of
 * each symbol's close over its first close, a missing close carrying the last one.
 */
export function equalWeightIndex(market: Market): Float64Array {
  const n = market.lanes[0]!.close.length;
  const index = new Float64Array(n);
  for (const lane of market.lanes) {
    const close = lane.close;
    // Up to the first usable close, then from it on: two loops, so the one over most bars tests only the
    // close (S3's 50 × 200k bars: ≈ 20 % faster than one loop with both tests, a scratch A/B, same bits).
    let t = 0;
    for (; t < n; t++) {
      const c = close[t]!;
      if (c > 0 && c < Infinity) break;
      index[t] += 1;
    }
    if (t === n) continue;
    const first = close[t]!;
    let last = first;
    for (; t < n; t++) {
      const c = close[t]!;
      if (c > 0 && c < Infinity) last = c;
      index[t] += last / first;
    }
  }
  for (let t = 0; t < n; t++) index[t]! /= market.lanes.length;
  return index;
}

/**
 * Keep every k-th point, the last point and the lowest point (so the chart shows the worst dip), at
 * most `max` points in all (`max` is raised to 4, the least that can hold first, last and lowest). `low`
 * is that lowest point's bar when the caller has it already (the metrics' drawdown pass finds it).
 */
export function thin(equity: Float64Array, time: Float64Array, max: number, low = lowestBar(equity)): { time: number; value: number }[] {
  const n = equity.length;
  if (n === 0) return [];
  // Room for the sampled points plus the last and the lowest.
  const cap = Math.max(4, max);
  const step = n <= cap ? 1 : Math.ceil((n - 1) / (cap - 3));
  const out: { time: number; value: number }[] = [];
  const push = (i: number) => out.push({ time: time[i]!, value: equity[i]! });
  for (let i = 0; i < n; i += step) {
    if (low > i - step && low < i) push(low);
    push(i);
  }
  const lastSampled = Math.floor((n - 1) / step) * step;
  if (low > lastSampled && low < n - 1) push(low);
  if (lastSampled !== n - 1) push(n - 1);
  return out;
}
