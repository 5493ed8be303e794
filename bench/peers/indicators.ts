/**
 * The indicator cases of bench/indicators.ts: each node with its params, and the same indicator in the
 * npm peers (`technicalindicators`' batch `calculate`, `trading-signals`' streaming `add()`), with how
 * Tradeloom runs it. A peer that defines the indicator differently says how (`differs`), and
 * indicators.test.ts holds every other peer to Tradeloom's values, so a speed ratio in the table is for
 * the same computation unless the table says otherwise.
 */
import ti from 'technicalindicators';
import * as ts from 'trading-signals';
import type { Bars } from '../../engine/bars.ts';
import { registry } from '../../nodes/index.ts';

export const peerNames = ['technicalindicators', 'trading-signals'] as const;
export type PeerName = (typeof peerNames)[number];
type Peer = (b: Bars) => ArrayLike<number>;
interface Case {
  title: string;
  type: string;
  params: Record<string, unknown>;
  /** The output compared with the peers (the node's first if absent). */
  output?: string;
  peers: Partial<Record<PeerName, Peer>>;
  /** How a peer's indicator differs from the node's, where it does (its values then differ beyond rounding). */
  differs?: Partial<Record<PeerName | 'talib', string>>;
  /** The same indicator in TA-Lib (bench/peers/talib_indicators.py): function, input columns, arguments, output. */
  talib?: TalibCall;
}

export interface TalibCall {
  fn: string;
  inputs: ('open' | 'high' | 'low' | 'close' | 'volume')[];
  kwargs: Record<string, number>;
  /** Which of a multi-output function's arrays (0 if absent). */
  output?: number;
}
const hlc = ['high', 'low', 'close'] as TalibCall['inputs'];

/**
 * `technicalindicators` takes plain arrays: each column's array, made once per column (`peerInputs` makes
 * them before the clock starts, so the peer is not charged for a conversion its users need not make).
 */
const arrays = new WeakMap<Float64Array, number[]>();
function arr(column: Float64Array): number[] {
  let a = arrays.get(column);
  if (!a) arrays.set(column, (a = Array.from(column)));
  return a;
}

/** Make the plain arrays of every column of `b` now, not inside a timed run. */
export function peerInputs(b: Bars): void {
  for (const column of [b.open, b.high, b.low, b.close, b.volume]) arr(column);
}
/** A streaming peer over every bar, its values (NaN until it has one) into a column. */
function stream<T>(b: Bars, add: (t: number) => T | null | undefined, pick: (v: T) => number): Float64Array {
  const out = new Float64Array(b.close.length);
  for (let t = 0; t < out.length; t++) {
    const v = add(t);
    out[t] = v === null || v === undefined ? NaN : pick(v);
  }
  return out;
}
const candle = (b: Bars, t: number) => ({ open: b.open[t]!, high: b.high[t]!, low: b.low[t]!, close: b.close[t]!, volume: b.volume[t]! });
const id = (v: number) => v;

export const cases: Case[] = [
  {
    title: 'SMA(20)', type: 'indicator.sma', params: { period: 20 },
    talib: { fn: 'SMA', inputs: ['close'], kwargs: { timeperiod: 20 } },
    peers: { technicalindicators: (b) => ti.SMA.calculate({ period: 20, values: arr(b.close) }), 'trading-signals': (b) => { const i = new ts.SMA(20); return stream(b, (t) => i.add(b.close[t]!), id); } },
  },
  {
    title: 'EMA(20)', type: 'indicator.ema', params: { period: 20 },
    talib: { fn: 'EMA', inputs: ['close'], kwargs: { timeperiod: 20 } },
    peers: { technicalindicators: (b) => ti.EMA.calculate({ period: 20, values: arr(b.close) }), 'trading-signals': (b) => { const i = new ts.EMA(20); return stream(b, (t) => i.add(b.close[t]!), id); } },
  },
  {
    title: 'WMA(20)', type: 'indicator.wma', params: { period: 20 },
    talib: { fn: 'WMA', inputs: ['close'], kwargs: { timeperiod: 20 } },
    peers: { technicalindicators: (b) => ti.WMA.calculate({ period: 20, values: arr(b.close) }), 'trading-signals': (b) => { const i = new ts.WMA(20); return stream(b, (t) => i.add(b.close[t]!), id); } },
  },
  {
    title: 'RSI(14)', type: 'indicator.rsi', params: { period: 14 },
    talib: { fn: 'RSI', inputs: ['close'], kwargs: { timeperiod: 14 } },
    differs: { technicalindicators: 'rounds to 2 decimals' },
    peers: { technicalindicators: (b) => ti.RSI.calculate({ period: 14, values: arr(b.close) }), 'trading-signals': (b) => { const i = new ts.RSI(14); return stream(b, (t) => i.add(b.close[t]!), id); } },
  },
  {
    title: 'MACD(12, 26, 9)', type: 'indicator.macd', params: { fast: 12, slow: 26, signal: 9 },
    talib: { fn: 'MACD', inputs: ['close'], kwargs: { fastperiod: 12, slowperiod: 26, signalperiod: 9 } },
    peers: {
      technicalindicators: (b) => ti.MACD.calculate({ values: arr(b.close), fastPeriod: 12, slowPeriod: 26, signalPeriod: 9, SimpleMAOscillator: false, SimpleMASignal: false }).map((v) => v.MACD ?? NaN),
      'trading-signals': (b) => { const i = new ts.MACD(new ts.EMA(12), new ts.EMA(26), new ts.EMA(9)); return stream(b, (t) => i.add(b.close[t]!), (v) => v.macd); },
    },
  },
  {
    title: 'Bollinger(20, 2)', type: 'indicator.bollinger', params: { period: 20, multiplier: 2 }, output: 'upper',
    talib: { fn: 'BBANDS', inputs: ['close'], kwargs: { timeperiod: 20, nbdevup: 2, nbdevdn: 2, matype: 0 } },
    peers: {
      technicalindicators: (b) => ti.BollingerBands.calculate({ period: 20, stdDev: 2, values: arr(b.close) }).map((v) => v.upper),
      'trading-signals': (b) => { const i = new ts.BollingerBands(20, 2); return stream(b, (t) => i.add(b.close[t]!), (v) => v.upper); },
    },
  },
  {
    title: 'Standard deviation(20)', type: 'indicator.stdev', params: { period: 20 },
    talib: { fn: 'STDDEV', inputs: ['close'], kwargs: { timeperiod: 20, nbdev: 1 } },
    peers: { technicalindicators: (b) => ti.SD.calculate({ period: 20, values: arr(b.close) }) },
  },
  {
    title: 'ATR(14)', type: 'indicator.atr', params: { period: 14 },
    talib: { fn: 'ATR', inputs: hlc, kwargs: { timeperiod: 14 } },
    peers: {
      technicalindicators: (b) => ti.ATR.calculate({ period: 14, high: arr(b.high), low: arr(b.low), close: arr(b.close) }),
      'trading-signals': (b) => { const i = new ts.ATR(14); return stream(b, (t) => i.add(candle(b, t)), id); },
    },
  },
  {
    title: 'ADX(14)', type: 'indicator.adx', params: { period: 14 },
    talib: { fn: 'ADX', inputs: hlc, kwargs: { timeperiod: 14 } },
    peers: {
      technicalindicators: (b) => ti.ADX.calculate({ period: 14, high: arr(b.high), low: arr(b.low), close: arr(b.close) }).map((v) => v.adx),
      'trading-signals': (b) => { const i = new ts.ADX(14); return stream(b, (t) => i.add(candle(b, t)), id); },
    },
  },
  {
    title: 'Stochastic(14, 1, 3)', type: 'indicator.stochastic', params: { kPeriod: 14, kSmoothing: 1, dPeriod: 3 },
    talib: { fn: 'STOCH', inputs: hlc, kwargs: { fastk_period: 14, slowk_period: 1, slowk_matype: 0, slowd_period: 3, slowd_matype: 0 } },
    peers: {
      technicalindicators: (b) => ti.Stochastic.calculate({ period: 14, signalPeriod: 3, high: arr(b.high), low: arr(b.low), close: arr(b.close) }).map((v) => v.k),
      'trading-signals': (b) => { const i = new ts.StochasticOscillator({ kPeriod: 14, kSlowingPeriod: 1, dPeriod: 3 }); return stream(b, (t) => i.add(candle(b, t)), (v) => v.stochK); },
    },
  },
  {
    title: 'Williams %R(14)', type: 'indicator.williamsR', params: { period: 14 },
    talib: { fn: 'WILLR', inputs: hlc, kwargs: { timeperiod: 14 } },
    peers: {
      technicalindicators: (b) => ti.WilliamsR.calculate({ period: 14, high: arr(b.high), low: arr(b.low), close: arr(b.close) }),
      'trading-signals': (b) => { const i = new ts.WilliamsR(14); return stream(b, (t) => i.add(candle(b, t)), id); },
    },
  },
  {
    title: 'CCI(20)', type: 'indicator.cci', params: { period: 20 },
    talib: { fn: 'CCI', inputs: hlc, kwargs: { timeperiod: 20 } },
    peers: {
      technicalindicators: (b) => ti.CCI.calculate({ period: 20, high: arr(b.high), low: arr(b.low), close: arr(b.close) }),
      'trading-signals': (b) => { const i = new ts.CCI(20); return stream(b, (t) => i.add(candle(b, t)), id); },
    },
  },
  {
    title: 'ROC(10)', type: 'indicator.roc', params: { period: 10 },
    talib: { fn: 'ROC', inputs: ['close'], kwargs: { timeperiod: 10 } },
    differs: { 'trading-signals': 'a ratio, not a percentage' },
    peers: { technicalindicators: (b) => ti.ROC.calculate({ period: 10, values: arr(b.close) }), 'trading-signals': (b) => { const i = new ts.ROC(10); return stream(b, (t) => i.add(b.close[t]!), id); } },
  },
  {
    title: 'MFI(14)', type: 'indicator.mfi', params: { period: 14 },
    talib: { fn: 'MFI', inputs: ['high', 'low', 'close', 'volume'], kwargs: { timeperiod: 14 } },
    differs: { technicalindicators: 'rounds to 2 decimals' },
    peers: {
      technicalindicators: (b) => ti.MFI.calculate({ period: 14, high: arr(b.high), low: arr(b.low), close: arr(b.close), volume: arr(b.volume) }),
      'trading-signals': (b) => { const i = new ts.MFI(14); return stream(b, (t) => i.add(candle(b, t)), id); },
    },
  },
  {
    title: 'Stochastic RSI(14, 14, 3)', type: 'indicator.stochRsi', params: { rsiPeriod: 14, kPeriod: 14, dPeriod: 3 },
    talib: { fn: 'STOCHRSI', inputs: ['close'], kwargs: { timeperiod: 14, fastk_period: 14, fastd_period: 3, fastd_matype: 0 } },
    differs: { technicalindicators: 'its RSI rounded to 2 decimals, and %K on a 0–100 scale from that' },
    peers: { technicalindicators: (b) => ti.StochasticRSI.calculate({ values: arr(b.close), rsiPeriod: 14, stochasticPeriod: 14, kPeriod: 1, dPeriod: 3 }).map((v) => v.k) },
  },
  {
    title: 'Donchian(20)', type: 'indicator.donchian', params: { period: 20 }, output: 'upper',
    talib: { fn: 'MAX', inputs: ['high'], kwargs: { timeperiod: 20 } },
    peers: { 'trading-signals': (b) => { const i = new ts.DonchianChannels(20); return stream(b, (t) => i.add(candle(b, t)), (v) => v.upper); } },
  },
  {
    title: 'Ichimoku(9, 26, 52)', type: 'indicator.ichimoku', params: { tenkanPeriod: 9, kijunPeriod: 26, senkouBPeriod: 52 }, output: 'senkouB',
    peers: { technicalindicators: (b) => ti.IchimokuCloud.calculate({ high: arr(b.high), low: arr(b.low), conversionPeriod: 9, basePeriod: 26, spanPeriod: 52, displacement: 26 }).map((v) => v.spanB) },
  },
  {
    title: 'Linear regression slope(14)', type: 'indicator.linreg', params: { period: 14 }, output: 'slope',
    talib: { fn: 'LINEARREG_SLOPE', inputs: ['close'], kwargs: { timeperiod: 14 } },
    // Against exact rational arithmetic on the test's bars: TA-Lib's slope is off by up to 3e-8 relative
    // (n·Σxy − Σx·Σy cancels), Tradeloom's by 8e-16.
    differs: { talib: 'sums raw values, so it is off the exact slope where the slope is near 0' },
    peers: { 'trading-signals': (b) => { const i = new ts.LinearRegression(14); return stream(b, (t) => i.add(b.close[t]!), (v) => v.slope); } },
  },
  {
    title: 'Parabolic SAR(0.02, 0.2)', type: 'indicator.parabolicSar', params: { acceleration: 0.02, maximum: 0.2 },
    talib: { fn: 'SAR', inputs: ['high', 'low'], kwargs: { acceleration: 0.02, maximum: 0.2 } },
    peers: { technicalindicators: (b) => ti.PSAR.calculate({ high: arr(b.high), low: arr(b.low), step: 0.02, max: 0.2 }) },
  },
];

/**
 * The node's kernel over the bars, in the executor's blocks of 8 192, into full-length columns. With
 * `ramp`, the first 200 blocks are 16 bars long, as an executor factory's first runs are: V8 then
 * compiles the kernel whole, not only its loop while one long call runs (which left ROC's first
 * 100 000-bar run 40× slower than the next).
 */
export function tradeloom(c: Case, b: Bars, ramp = false): Record<string, Float64Array> {
  const def = registry.definitions.find((d) => d.type === c.type)!;
  const params = def.params.parse(c.params);
  const wired = Object.fromEntries(Object.keys(def.inputs).map((k) => [k, true]));
  const state = def.init(params as never, wired as never);
  const n = b.close.length;
  const outs = Object.fromEntries(Object.keys(def.outputs).map((k) => [k, new Float64Array(n)]));
  const port = Object.keys(def.inputs)[0]!;
  for (let from = 0, block = 0; from < n; block++) {
    const start = from, to = Math.min(n, from + (ramp && block < 200 ? 16 : 8192));
    from = to;
    const view = (col: Float64Array) => col.subarray(start, to);
    const input = def.inputs[port]!.kind === 'bars' ? { [port]: { time: view(b.time), open: view(b.open), high: view(b.high), low: view(b.low), close: view(b.close), volume: view(b.volume) } } : { [port]: view(b.close) };
    const out = Object.fromEntries(Object.entries(outs).map(([k, col]) => [k, view(col)]));
    def.kernel!(state as never, params as never, input as never, out as never, 0, to - start);
  }
  return outs;
}

/** Largest relative difference over the last 1 000 bars (a peer's array may be shorter: aligned at the end). */
export function agreement(ours: Float64Array, theirs: ArrayLike<number>): number {
  let worst = 0;
  for (let k = 1; k <= 1000; k++) {
    const a = ours[ours.length - k]!, b = theirs[theirs.length - k]!;
    worst = Math.max(worst, Math.abs(a - b) / Math.max(Math.abs(a), 1e-12));
  }
  return worst;
}

