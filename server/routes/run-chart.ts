import { z } from '@hono/zod-openapi';
import { isGoodBar, type Bars, type Market } from '../../engine/bars.ts';
import type { Plan } from '../../engine/compile.ts';
import type { GraphNode } from '../../engine/graph.ts';
import { traceSlots, traceSlotsAsync } from '../../engine/trace.ts';

/**
 * The price chart of a finished run: OHLC candles for a time window (aggregated when the window holds
 * more bars than the chart can show), the run's trades as markers, and the strategy's indicator outputs
 * as series. Everything here is pure; the route in runs.ts loads the run and its bars.
 */

export const RunChartQuery = z.object({
  from: z.coerce.number().int().min(0).optional().openapi({ description: 'Window start, epoch ms (default: the first bar).' }),
  to: z.coerce.number().int().min(0).optional().openapi({ description: 'Window end, epoch ms, inclusive (default: the last bar).' }),
  maxBars: z.coerce.number().int().min(20).max(5000).default(1500).openapi({ description: 'Most candles to return; a longer window is aggregated.' }),
  oscillators: z
    .string()
    .max(2000)
    .optional()
    .openapi({ description: 'Comma-separated ids of oscillator series (see `series[].id`) to include besides the price overlays.' }),
  symbol: z.string().max(64).optional().openapi({ description: 'For a multi-symbol run: whose candles, trades and series (default: the first symbol).' }),
});
export type RunChartQuery = z.infer<typeof RunChartQuery>;

export const Candle = z.object({ time: z.number(), open: z.number(), high: z.number(), low: z.number(), close: z.number(), volume: z.number() });
export type Candle = z.infer<typeof Candle>;

export const exitReasons = ['signal', 'stopLoss', 'takeProfit', 'trailingStop'] as const;

export const TradeMarker = z.object({
  /** The candle the marker sits on (its open time, epoch ms). */
  time: z.number(),
  /** The fill's own bar time, which differs from `time` when candles are aggregated. */
  barTime: z.number(),
  kind: z.enum(['entry', 'exit']),
  side: z.enum(['long', 'short']),
  price: z.number(),
  /** 1-based trade number, as in the trade list. */
  trade: z.number().int(),
  reason: z.enum(exitReasons).optional(),
  pnl: z.number().optional(),
});
export type TradeMarker = z.infer<typeof TradeMarker>;

export const ChartSeries = z.object({
  /** `nodeId.port`. */
  id: z.string(),
  nodeId: z.string(),
  port: z.string(),
  label: z.string(),
  kind: z.enum(['price', 'number']),
  /** `price` series share the candles' scale; `oscillator` ones need a pane of their own. */
  pane: z.enum(['price', 'oscillator']),
  /** One value per candle (at the candle's last bar; null while undefined), or null when not asked for. */
  values: z.array(z.number().nullable()).nullable(),
});
export type ChartSeries = z.infer<typeof ChartSeries>;

export const RunChartOut = z
  .object({
    runId: z.uuid(),
    /** The whole data of the run. */
    extent: z.object({ from: z.number(), to: z.number(), bars: z.number().int() }),
    /** The window returned: times of its first and last bar. */
    window: z.object({ from: z.number(), to: z.number(), bars: z.number().int() }),
    /** Bars aggregated into each candle (1: every bar is its own candle). */
    barsPerCandle: z.number().int().min(1),
    candles: z.array(Candle),
    markers: z.array(TradeMarker),
    /** Trades with a fill in the window beyond what `markers` holds. */
    markersOmitted: z.number().int(),
    series: z.array(ChartSeries),
    /** A multi-symbol run's symbols, and the one this chart shows. */
    symbols: z.array(z.string()).optional(),
    symbol: z.string().optional(),
  })
  .openapi('RunChart');
export type RunChartOut = z.infer<typeof RunChartOut>;

/** The stored trade fields markers need; the result row is JSON, so it is read, not trusted. */
export const StoredTrade = z.object({
  side: z.enum(['long', 'short']),
  entryTime: z.number(),
  exitTime: z.number(),
  entryPrice: z.number(),
  exitPrice: z.number(),
  pnl: z.number(),
  open: z.boolean(),
  exitReason: z.enum(exitReasons).optional(),
  symbol: z.string().optional(),
});
export type StoredTrade = z.infer<typeof StoredTrade>;

/** Index of the first bar at or after `t` (n when none). */
export function lowerBound(time: Float64Array, t: number): number {
  let lo = 0;
  let hi = time.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (time[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Bars [start, end) whose time lies in [from, to]; the whole data when both are omitted. */
export function windowOf(time: Float64Array, from?: number, to?: number): { start: number; end: number } {
  const start = from === undefined ? 0 : lowerBound(time, from);
  const end = to === undefined ? time.length : lowerBound(time, to + 1);
  return { start, end: Math.max(start, end) };
}

export interface Aggregated {
  barsPerCandle: number;
  candles: Candle[];
  /** Index of each candle's last bar: where series values are read. */
  lastBar: number[];
  /** Candle index of bar `i` of the window is `candleOf(i)`; -1 for a bar in a bucket without a candle. */
  candleOf: (bar: number) => number;
}

/**
 * Candles for bars [start, end), at most `maxCandles`: each is the first open, the highest high, the
 * lowest low, the last close and the summed volume of its bars. Buckets are aligned to multiples of the
 * bucket size counted from the first bar of the data, not of the window, so panning a window does not
 * reshuffle which bars share a candle. Bars the engine skips (a symbol of a basket with no bar at that
 * time) are left out, and a bucket of only such bars has no candle: the chart shows a gap, not a guess.
 */
export function aggregate(bars: Bars, start: number, end: number, maxCandles: number): Aggregated {
  const count = end - start;
  let size = count <= maxCandles ? 1 : Math.ceil(count / maxCandles);
  // Aligned buckets can straddle both window edges, so the first guess may make one candle too many.
  while (size > 1 && Math.floor((end - 1) / size) - Math.floor(start / size) + 1 > maxCandles) size++;
  const candles: Candle[] = [];
  const lastBar: number[] = [];
  const firstBucket = Math.floor(start / size);
  // Candle of each bucket, -1 for a bucket without a good bar.
  const candleOfBucket = new Int32Array(Math.max(0, Math.ceil(end / size) - firstBucket)).fill(-1);
  for (let i = start; i < end; ) {
    const bucketEnd = Math.min(end, (Math.floor(i / size) + 1) * size);
    let high = -Infinity;
    let low = Infinity;
    let volume = 0;
    let first = -1;
    let last = -1;
    for (let j = i; j < bucketEnd; j++) {
      if (!isGoodBar(bars, j)) continue;
      if (first < 0) first = j;
      last = j;
      if (bars.high[j]! > high) high = bars.high[j]!;
      if (bars.low[j]! < low) low = bars.low[j]!;
      volume += bars.volume[j]!;
    }
    if (first >= 0) {
      candleOfBucket[Math.floor(i / size) - firstBucket] = candles.length;
      candles.push({ time: bars.time[i]!, open: bars.open[first]!, high, low, close: bars.close[last]!, volume });
      lastBar.push(last);
    }
    i = bucketEnd;
  }
  return { barsPerCandle: size, candles, lastBar, candleOf: (bar) => candleOfBucket[Math.floor(bar / size) - firstBucket] ?? -1 };
}

/**
 * Entry and exit markers of the trades with a fill inside bars [start, end), placed on their candle,
 * sorted by time (the chart library requires it). An open trade has no exit yet. At most `max` are
 * returned, the rest counted, so a window with thousands of trades stays drawable.
 */
export function tradeMarkers(trades: readonly StoredTrade[], time: Float64Array, start: number, end: number, candleTime: (bar: number) => number, max = 4000): { markers: TradeMarker[]; omitted: number } {
  const all: TradeMarker[] = [];
  const inWindow = (t: number) => {
    const i = lowerBound(time, t);
    return i >= start && i < end && time[i] === t ? i : -1;
  };
  trades.forEach((tr, k) => {
    const entry = inWindow(tr.entryTime);
    if (entry >= 0) all.push({ time: candleTime(entry), barTime: tr.entryTime, kind: 'entry', side: tr.side, price: tr.entryPrice, trade: k + 1 });
    if (tr.open) return;
    const exit = inWindow(tr.exitTime);
    if (exit >= 0) all.push({ time: candleTime(exit), barTime: tr.exitTime, kind: 'exit', side: tr.side, price: tr.exitPrice, trade: k + 1, reason: tr.exitReason ?? 'signal', pnl: tr.pnl });
  });
  all.sort((a, b) => a.time - b.time || a.barTime - b.barTime || a.trade - b.trade);
  return { markers: all.slice(0, max), omitted: Math.max(0, all.length - max) };
}

export interface ChartOutput {
  id: string;
  nodeId: string;
  port: string;
  label: string;
  kind: 'price' | 'number';
  slot: number;
}

/** `SMA (50)`: the node's own label, else its title with its numeric params. */
function nodeLabel(node: GraphNode | undefined, title: string, params: Record<string, unknown>): string {
  if (node?.label) return node.label;
  const nums = Object.values(params).filter((v): v is number => typeof v === 'number');
  return nums.length ? `${title} (${nums.join(', ')})` : title;
}

/**
 * The outputs a price chart can draw: every price or number output of a node other than the data
 * source (whose open/high/low/close are the candles themselves). Conditions and orders are not series.
 */
export function chartOutputs(plan: Plan, graphNodes: readonly GraphNode[]): ChartOutput[] {
  const byId = new Map(graphNodes.map((n) => [n.id, n]));
  const out: ChartOutput[] = [];
  for (const node of plan.nodes) {
    if (node.id === plan.data.nodeId) continue;
    const ports = Object.entries(node.def.outputs).filter(([, spec]) => spec.kind === 'price' || spec.kind === 'number');
    const base = nodeLabel(byId.get(node.id), node.def.title, node.params);
    for (const [port, spec] of ports) {
      const slot = node.outputSlots[port];
      if (slot === undefined) continue;
      out.push({
        id: `${node.id}.${port}`,
        nodeId: node.id,
        port,
        label: Object.keys(node.def.outputs).length > 1 ? `${base} · ${port}` : base,
        kind: spec.kind as 'price' | 'number',
        slot,
      });
    }
  }
  return out;
}

/**
 * Whether a number series belongs on the price scale. Port kinds say so for `price` outputs, but most
 * indicators (SMA, EMA, Bollinger bands) output a plain number that happens to be a price; what they
 * carry depends on what was wired in. So decide from the values: a series that stays close to the close
 * (90 % of samples within ½×–2× of it, median distance under 25 %) is drawn over the candles.
 */
export function isPriceLike(values: ArrayLike<number>, closes: ArrayLike<number>): boolean {
  const distances: number[] = [];
  let near = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const c = closes[i]!;
    if (!Number.isFinite(v) || !(c > 0)) continue;
    const ratio = v / c;
    if (ratio >= 0.5 && ratio <= 2) near++;
    distances.push(Math.abs(ratio - 1));
  }
  if (distances.length === 0) return false;
  distances.sort((a, b) => a - b);
  return near >= 0.9 * distances.length && distances[Math.floor(distances.length / 2)]! < 0.25;
}

/** Evenly spaced bar indices in [from, to), at most `count`. */
export function evenSamples(from: number, to: number, count: number): number[] {
  const n = to - from;
  if (n <= 0) return [];
  if (n <= count) return Array.from({ length: n }, (_, i) => from + i);
  return Array.from({ length: count }, (_, i) => from + Math.floor((i * (n - 1)) / (count - 1)));
}

/**
 * Which pane each output goes to, from samples over the whole run (so zooming never moves a series);
 * `none` for an output that never has a value (a take-profit level the strategy never sets).
 */
export type PaneMap = ReadonlyMap<string, 'price' | 'oscillator' | 'none'>;

const classificationSamples = 512;

export interface ChartInput {
  runId: string;
  plan: Plan;
  graphNodes: readonly GraphNode[];
  bars: Bars;
  /** A multi-symbol run's data; `bars` is then the lane of the chosen symbol. */
  market?: Market;
  lane?: number;
  trades: readonly StoredTrade[];
  query: RunChartQuery;
  /** Panes decided by an earlier request for this run, if any; recomputed (and returned) otherwise. */
  panes?: PaneMap;
}

export class UnknownSeriesError extends Error {
  readonly ids: string[];
  constructor(ids: string[]) {
    super(`no such series: ${ids.join(', ')}`);
    this.name = 'UnknownSeriesError';
    this.ids = ids;
  }
}

/** Build the chart of one window of a run. Throws `UnknownSeriesError` for an oscillator id that is not an output. */
export function buildRunChart(input: ChartInput): { chart: RunChartOut; panes: PaneMap } {
  const prep = prepareChart(input);
  return finishChart(input, prep, prep.needsTrace ? traceSlots(input.plan, input.market ?? input.bars, prep.slots, prep.at, input.lane ?? 0) : prep.empty());
}

/** `buildRunChart` for any plan: custom nodes run in the sandbox, asynchronously. */
export async function buildRunChartAsync(input: ChartInput): Promise<{ chart: RunChartOut; panes: PaneMap }> {
  const prep = prepareChart(input);
  return finishChart(input, prep, prep.needsTrace ? await traceSlotsAsync(input.plan, input.market ?? input.bars, prep.slots, prep.at, input.lane ?? 0) : prep.empty());
}

/** Which series, window and sample bars the chart needs: everything before the plan is traced. */
function prepareChart(input: ChartInput) {
  const { plan, bars, query } = input;
  const n = bars.close.length;
  const outputs = chartOutputs(plan, input.graphNodes);
  const wanted = new Set((query.oscillators ?? '').split(',').map((s) => s.trim()).filter(Boolean));
  const unknown = [...wanted].filter((id) => !outputs.some((o) => o.id === id));
  if (unknown.length) throw new UnknownSeriesError(unknown);

  const { start, end } = windowOf(bars.time, query.from, query.to);
  const agg = aggregate(bars, start, end, query.maxBars);

  // One pass of the executor reads both the window's candles and, the first time, the samples that
  // decide each series' pane. Samples are merged in ascending order, as the trace requires.
  const classify = input.panes ? [] : evenSamples(Math.min(plan.warmup, n), n, classificationSamples);
  const at = [...new Set([...agg.lastBar, ...classify])].sort((a, b) => a - b);
  return {
    n, outputs, wanted, start, end, agg, classify, at,
    slots: outputs.map((o) => o.slot),
    needsTrace: outputs.length > 0 && at.length > 0,
    empty: () => outputs.map(() => new Float64Array(at.length)),
  };
}

function finishChart(input: ChartInput, prep: ReturnType<typeof prepareChart>, traced: Float64Array[]): { chart: RunChartOut; panes: PaneMap } {
  const { bars } = input;
  const { n, outputs, wanted, start, end, agg, classify, at } = prep;
  const position = new Map(at.map((t, j) => [t, j]));

  let panes = input.panes;
  if (!panes) {
    const closes = classify.map((t) => bars.close[t]!);
    panes = new Map(
      outputs.map((o, k) => {
        const values = classify.map((t) => traced[k]![position.get(t)!]!);
        const pane = !values.some(Number.isFinite) ? 'none' : o.kind === 'price' || isPriceLike(values, closes) ? 'price' : 'oscillator';
        return [o.id, pane] as const;
      }),
    );
  }

  const series: ChartSeries[] = outputs.flatMap((o, k) => {
    const pane = panes.get(o.id) ?? 'oscillator';
    if (pane === 'none') return [];
    const include = pane === 'price' || wanted.has(o.id);
    return {
      id: o.id,
      nodeId: o.nodeId,
      port: o.port,
      label: o.label,
      kind: o.kind,
      pane,
      values: include
        ? agg.lastBar.map((t) => {
            const v = traced[k]![position.get(t)!]!;
            return Number.isFinite(v) ? v : null;
          })
        : null,
    };
  });

  const candleTime = (bar: number) => agg.candles[agg.candleOf(bar)]!.time;
  // A multi-symbol run's chart shows one symbol: its own trades only.
  const symbol = input.market && input.market.lanes.length > 1 ? input.market.symbols[input.lane ?? 0] : undefined;
  const trades = symbol === undefined ? input.trades : input.trades.filter((t) => t.symbol === symbol);
  const { markers, omitted } = tradeMarkers(trades, bars.time, start, end, candleTime);
  const chart: RunChartOut = {
    runId: input.runId,
    extent: { from: n ? bars.time[0]! : 0, to: n ? bars.time[n - 1]! : 0, bars: n },
    window: { from: end > start ? bars.time[start]! : 0, to: end > start ? bars.time[end - 1]! : 0, bars: end - start },
    barsPerCandle: agg.barsPerCandle,
    candles: agg.candles,
    markers,
    markersOmitted: omitted,
    ...(symbol !== undefined && { symbols: input.market!.symbols, symbol }),
    series,
  };
  return { chart, panes };
}
