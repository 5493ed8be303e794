import { mulberry32 } from './random.ts';
/** Closed OHLCV bars, column by column: the layout the executor loops over without allocating. */
export interface Bars {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

export const barFields = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

/**
 * Bars of several symbols on one time line: `lanes[k]` are `symbols[k]`'s bars, every lane the same
 * length with the same times (a symbol with no bar at a time holds NaN there, which the engine skips).
 */
export interface Market {
  symbols: string[];
  lanes: Bars[];
}

/** Bars of one symbol, or of several: what a run trades. */
export type MarketData = Bars | Market;

export function asMarket(data: MarketData): Market {
  return 'lanes' in data ? data : { symbols: [''], lanes: [data] };
}

/**
 * Whether bar `t` can be traded: the engine's bad-bar rule (docs/engine.md §2), for code outside the
 * executor (charts) that must skip the same bars the executor skips.
 */
export function isGoodBar(b: Bars, t: number): boolean {
  const o = b.open[t]!, h = b.high[t]!, l = b.low[t]!, c = b.close[t]!;
  return o > 0 && o < Infinity && c > 0 && c < Infinity && l > 0 && h < Infinity && h >= l;
}

/** Per lane: how many of bars [0, t) are bad (`isGoodBar`) at index t, n + 1 counts for n bars. */
export function countBadBars(b: Bars): Int32Array {
  const counts = new Int32Array(b.close.length + 1);
  for (let t = 0; t < b.close.length; t++) counts[t + 1] = counts[t]! + (isGoodBar(b, t) ? 0 : 1);
  return counts;
}

/** Lanes checked once (`checkBars`), by their close column: the price columns checked and the counts. */
const checked = new WeakMap<Float64Array, { open: Float64Array; high: Float64Array; low: Float64Array; bad: Int32Array }>();

/**
 * Check every bar of each lane once, where the bars are loaded (`loadMarket`), so the runs over them
 * need not: the executor then knows a block's validity from two counts (`badBarCounts`) instead of
 * reading four prices a bar (5–9 % of S3's run in an in-process A/B, docs/benchmarks.md Session 16).
 * Loaded bars are never written afterwards (the column cache relies on the same); a lane whose open,
 * high or low column is another array than the one checked is not taken as checked. Returns the market.
 */
export function checkBars(market: Market): Market {
  for (const lane of market.lanes) if (badBarCounts(lane) === null) checked.set(lane.close, { open: lane.open, high: lane.high, low: lane.low, bad: countBadBars(lane) });
  return market;
}

/** The lane's counts of bad bars (`countBadBars`) if it was checked (`checkBars`), else null. */
export function badBarCounts(lane: Bars): Int32Array | null {
  const c = checked.get(lane.close);
  return c && c.open === lane.open && c.high === lane.high && c.low === lane.low ? c.bad : null;
}

/** Mark `slice`, bars [from, to) of a checked `lane` (views or a copy of them), as checked too. */
export function checkedSlice(lane: Bars, slice: Bars, from: number, to: number): void {
  const bad = badBarCounts(lane);
  if (bad !== null) checked.set(slice.close, { open: slice.open, high: slice.high, low: slice.low, bad: bad.subarray(from, to + 1) });
}

/**
 * Mark `lane` as checked with `bad`, the counts `countBadBars` made of these same bars elsewhere: in the
 * thread that loaded them, for a trial thread reading them in shared memory (engine/research/pool.ts).
 */
export function adoptCheck(lane: Bars, bad: Int32Array): void {
  if (bad.length === lane.close.length + 1) checked.set(lane.close, { open: lane.open, high: lane.high, low: lane.low, bad });
}

/**
 * The typical spacing of bar times in ms: the exact (lower) median gap, NaN under two bars. A median, so the
 * weekend gaps of daily stock data or a few missing hours do not change what "daily" or "hourly" means.
 */
export function barInterval(time: Float64Array): number {
  if (time.length < 2) return NaN;
  // Gaps take few distinct values, so counting them is exact and linear where sorting n gaps is not.
  const counts = new Map<number, number>();
  for (let i = 1; i < time.length; i++) {
    const gap = time[i]! - time[i - 1]!;
    counts.set(gap, (counts.get(gap) ?? 0) + 1);
  }
  // The lower median: with an even count of gaps, a short file with one hole still reads as its interval.
  const half = (time.length - 1) / 2;
  let seen = 0;
  for (const gap of [...counts.keys()].sort((a, b) => a - b)) {
    seen += counts.get(gap)!;
    if (seen >= half) return gap;
  }
  return NaN;
}

/**
 * Several symbols' bars on one time line: the union of their times, each lane holding its own bar where
 * it has one and a NaN bar (which the engine skips for that symbol alone) where it has none. Nothing is
 * carried forward or back: a NaN bar is never a copy of another. Each lane's times must strictly
 * increase. Lanes that already share their times are returned as they are, without a copy.
 */
export function alignOnUnion(symbols: string[], lanes: Bars[]): Market {
  if (symbols.length !== lanes.length || lanes.length === 0) throw new RangeError('one lane per symbol is needed');
  const first = lanes[0]!.time;
  const same = (t: Float64Array) => t.length === first.length && t.every((v, i) => v === first[i]);
  if (lanes.every((l) => same(l.time))) return { symbols, lanes };

  const all = new Float64Array(lanes.reduce((a, l) => a + l.time.length, 0));
  let at = 0;
  for (const l of lanes) {
    all.set(l.time, at);
    at += l.time.length;
  }
  all.sort();
  let u = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[u - 1]) all[u++] = all[i]!;
  // One time column shared by every lane: they are the same by construction.
  const time = all.slice(0, u);

  const aligned = lanes.map((lane) => {
    const out = allocBars(0);
    out.time = time;
    for (const f of barFields) if (f !== 'time') out[f] = new Float64Array(u).fill(NaN);
    let p = 0;
    for (let i = 0; i < u && p < lane.time.length; i++) {
      if (lane.time[p] !== time[i]) continue;
      out.open[i] = lane.open[p]!;
      out.high[i] = lane.high[p]!;
      out.low[i] = lane.low[p]!;
      out.close[i] = lane.close[p]!;
      out.volume[i] = lane.volume[p]!;
      p++;
    }
    return out;
  });
  return { symbols, lanes: aligned };
}

export function allocBars(n: number): Bars {
  return {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
}

/** Thrown for data a run cannot trust; the message names the line and field concerned. */
export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}


export interface SyntheticSpec {
  seed: number;
  bars: number;
  startPrice: number;
  /** Annualised drift, e.g. 0.05 for +5 % a year. */
  drift: number;
  /** Annualised volatility, e.g. 0.3 for 30 %. */
  volatility: number;
  intervalMinutes: number;
  startTime: number;
}

const minutesPerYear = 365.25 * 24 * 60;

/**
 * `symbols` seeded random walks on one time line, named SYN1, SYN2…; the first uses the spec's own seed,
 * so one symbol gives exactly `syntheticBars(spec)`.
 */
export function syntheticMarket(spec: SyntheticSpec & { symbols?: number }): Market {
  const count = spec.symbols ?? 1;
  const lanes = Array.from({ length: count }, (_, k) => syntheticBars({ ...spec, seed: (spec.seed + k * 1_000_003) >>> 0 }));
  return { symbols: lanes.map((_, k) => `SYN${k + 1}`), lanes };
}

/**
 * Seeded geometric Brownian motion bars. Each bar's open is the previous close; high and low come
 * from the bar's own intrabar path extremes, so high ≥ max(open, close) and low ≤ min(open, close).
 */
export function syntheticBars(spec: SyntheticSpec): Bars {
  const rand = mulberry32(spec.seed);
  const gauss = () => {
    // Box–Muller; 1 - u keeps log away from 0.
    const u = 1 - rand();
    const v = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const dt = spec.intervalMinutes / minutesPerYear;
  const mu = (spec.drift - 0.5 * spec.volatility ** 2) * dt;
  const sigma = spec.volatility * Math.sqrt(dt);
  const b = allocBars(spec.bars);
  let price = spec.startPrice;
  for (let i = 0; i < spec.bars; i++) {
    const open = price;
    const close = open * Math.exp(mu + sigma * gauss());
    const wiggle = Math.abs(close - open) + open * sigma * 0.5;
    b.time[i] = spec.startTime + i * spec.intervalMinutes * 60_000;
    b.open[i] = open;
    b.close[i] = close;
    b.high[i] = Math.max(open, close) + wiggle * rand();
    b.low[i] = Math.max(Math.min(open, close) - wiggle * rand(), Math.min(open, close) * 0.5);
    b.volume[i] = Math.round(1000 + 9000 * rand());
    price = close;
  }
  return b;
}
