import { DataError, type Bars } from './bars.ts';
import { SimBroker, type Trade } from './broker.ts';
import type { Plan } from './compile.ts';
import { createExecutor } from './execute.ts';
import { computeMetrics, type Metrics } from './metrics.ts';

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
}

export interface BacktestOptions {
  /** Called between chunks; may be async (an activity heartbeats here). Throw to stop the run. */
  onProgress?: (done: number, total: number) => void | Promise<void>;
  chunkBars?: number;
  maxCurvePoints?: number;
}

/**
 * Run a compiled plan over bars with the simulated broker. Runs in chunks so a long backtest can report
 * progress and be cancelled between chunks; chunking never changes the result.
 */
export async function runBacktest(plan: Plan, bars: Bars, options: BacktestOptions = {}): Promise<BacktestResult> {
  const n = bars.close.length;
  if (n <= plan.warmup + 1) {
    throw new DataError(`the data has ${n} bars but the strategy needs ${plan.warmup} bars to warm up and at least 2 more to trade`);
  }
  const broker = new SimBroker(plan.settings);
  const exec = createExecutor(plan, bars, broker);
  const chunk = options.chunkBars ?? 100_000;
  for (let from = 0; from < n; from += chunk) {
    const to = Math.min(n, from + chunk);
    exec.run(from, to);
    await options.onProgress?.(to, n);
  }
  const last = n - 1;
  const trades = [...broker.trades];
  const open = broker.openTradeAt(bars.time[last]!, last, bars.close[last]!);
  if (open) trades.push(open);
  return {
    metrics: computeMetrics(exec.equity, bars.time, trades, plan.settings.initialCash, exec.stats.exposed, broker.commissionPaid, {
      tradedNotional: broker.fills.reduce((a, f) => a + Math.abs(f.quantity * f.price), 0),
      // The benchmark is holding the traded symbol itself: did the strategy beat buy and hold?
      benchmark: bars.close,
    }),
    equity: thin(exec.equity, bars.time, options.maxCurvePoints ?? 2000),
    trades,
    bars: n,
    skippedBars: exec.stats.skipped,
    leverageCuts: broker.leverageCuts,
    warmup: plan.warmup,
    startTime: bars.time[0]!,
    endTime: bars.time[last]!,
  };
}

/**
 * Keep every k-th point, the last point and the lowest point (so the chart shows the worst dip), at
 * most `max` points in all (`max` is raised to 4, the least that can hold first, last and lowest).
 */
export function thin(equity: Float64Array, time: Float64Array, max: number): { time: number; value: number }[] {
  const n = equity.length;
  if (n === 0) return [];
  let low = 0;
  for (let i = 1; i < n; i++) if (equity[i]! < equity[low]!) low = i;
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
