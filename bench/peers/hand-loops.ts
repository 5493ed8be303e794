/**
 * Hand-written JavaScript backtest loops: the same S1 and S2 rules as the Tradeloom graphs (next-open
 * market fills, protective exits worked inside the bar, stop before take-profit), with the indicators
 * either fused inline (the floor a generic engine is measured against) or taken from the npm packages
 * `trading-signals` and `technicalindicators`, called once per bar.
 */
import ti from 'technicalindicators';
import { ATR as TsATR, RSI as TsRSI, SMA as TsSMA } from 'trading-signals';
import type { Bars } from '../../engine/bars.ts';
import type { S1Spec, S2Spec } from '../lib/strategies.ts';

export interface HandTrade {
  entryTime: number;
  exitTime: number;
  entryPrice: number;
  exitPrice: number;
  quantity: number;
  open: boolean;
}

export interface HandResult {
  finalEquity: number;
  trades: HandTrade[];
}

/** Cash and one long position, booked the way the engine books them (commission on the fill price). */
class Book {
  cash: number;
  pos = 0;
  private entryTime = 0;
  private entryPrice = 0;
  readonly trades: HandTrade[] = [];
  private readonly rate: number;

  constructor(cash: number, commissionBps: number) {
    this.cash = cash;
    this.rate = commissionBps / 1e4;
  }

  fill(time: number, target: number, price: number): void {
    const q = target - this.pos;
    this.cash -= q * price + Math.abs(q) * price * this.rate;
    if (this.pos === 0) {
      this.entryTime = time;
      this.entryPrice = price;
    } else {
      this.trades.push({ entryTime: this.entryTime, exitTime: time, entryPrice: this.entryPrice, exitPrice: price, quantity: Math.abs(this.pos), open: false });
    }
    this.pos = target;
  }

  result(b: Bars): HandResult {
    const last = b.close.length - 1;
    const trades = [...this.trades];
    if (this.pos !== 0) {
      trades.push({ entryTime: this.entryTime, exitTime: b.time[last]!, entryPrice: this.entryPrice, exitPrice: b.close[last]!, quantity: Math.abs(this.pos), open: true });
    }
    return { finalEquity: this.cash + this.pos * b.close[last]!, trades };
  }
}

/** Per-bar fast and slow averages (NaN while warming up) for S1. */
interface PairSource {
  next(close: number): void;
  fast: number;
  slow: number;
}

/** S1's rule on one bar's averages and the last bar's: cross above → `units`, cross below → 0, else `target`. */
function s1Target(target: number, units: number, prevFast: number, prevSlow: number, fast: number, slow: number): number {
  const known = fast === fast && slow === slow && prevFast === prevFast && prevSlow === prevSlow;
  if (known && prevFast >= prevSlow && fast < slow) return 0;
  if (known && prevFast <= prevSlow && fast > slow) return units;
  return target;
}

/** S1 with the averages from `src`: cross above opens `units` long, cross below closes. */
function s1Loop(b: Bars, spec: S1Spec, src: PairSource): HandResult {
  const book = new Book(spec.initialCash, spec.commissionBps);
  const slip = spec.slippageBps / 1e4;
  const n = b.close.length;
  let prevFast = NaN;
  let prevSlow = NaN;
  let target = 0;
  let pending = 0;
  for (let t = 0; t < n; t++) {
    if (pending !== book.pos) book.fill(b.time[t]!, pending, b.open[t]! * (pending > book.pos ? 1 + slip : 1 - slip));
    src.next(b.close[t]!);
    const fast = src.fast;
    const slow = src.slow;
    target = s1Target(target, spec.units, prevFast, prevSlow, fast, slow);
    pending = target;
    prevFast = fast;
    prevSlow = slow;
  }
  return book.result(b);
}

/** Per-bar RSI and ATR (NaN while warming up) for S2. */
interface RsiAtrSource {
  next(high: number, low: number, close: number): void;
  rsi: number;
  atr: number;
}

/**
 * S2 with RSI and ATR from `src`. The intent latches on RSI < level and clears on RSI > level; a
 * protective exit flattens the position but not the intent, so there is no re-entry until the reset.
 */
function s2Loop(b: Bars, spec: S2Spec, src: RsiAtrSource): HandResult {
  const book = new Book(spec.initialCash, spec.commissionBps);
  const tick = spec.slippageTicks * spec.tickSize;
  const minPx = spec.tickSize;
  const n = b.close.length;
  let intent = false;
  let pending = NaN;
  let sl = NaN;
  let tp = NaN;
  for (let t = 0; t < n; t++) {
    const time = b.time[t]!, o = b.open[t]!, h = b.high[t]!, l = b.low[t]!, c = b.close[t]!;
    if (pending === pending) {
      if (pending !== book.pos) book.fill(time, pending, pending > book.pos ? o + tick : Math.max(o - tick, minPx));
      pending = NaN;
    }
    if (book.pos > 0) {
      // Gaps at the open first, then inside the bar, stop before target (the pessimistic reading of OHLC).
      if (o <= sl) book.fill(time, 0, Math.max(o - tick, minPx));
      else if (o >= tp) book.fill(time, 0, o);
      else if (l <= sl) book.fill(time, 0, Math.max(sl - tick, minPx));
      else if (h >= tp) book.fill(time, 0, tp);
    }
    src.next(h, l, c);
    const rsi = src.rsi;
    if (intent) {
      if (rsi > spec.exitAbove) {
        intent = false;
        if (book.pos !== 0) pending = 0;
      }
    } else if (rsi < spec.enterBelow) {
      const atr = src.atr;
      intent = true;
      sl = c - spec.stopAtr * atr;
      tp = c + spec.takeProfitAtr * atr;
      if (!(sl > 0)) sl = NaN;
      pending = spec.units;
    }
  }
  return book.result(b);
}

// ---- Fused: every indicator inline, the same arithmetic as the engine's nodes: the floor a generic engine
// is measured against. Like the package loops it books trades and the final equity, not an equity curve or
// metrics.

/**
 * S1 as `s1Loop`, with both averages summed as `indicator.sma` sums them (the oldest out, then the newest
 * in), the oldest read back from the close column. Until session 13 this was `s1Loop` with an averages
 * object whose windows were ring buffers indexed by `t % period`: two integer divisions a bar made it 1.5×
 * as slow (19.8 against 13.3 ms at 1M bars, side by side in one process), a floor too low by that much.
 * With `equity`, each bar's equity at its close goes there too (bench/floor.ts).
 */
export function fusedS1(b: Bars, spec: S1Spec, equity?: Float64Array): HandResult {
  const book = new Book(spec.initialCash, spec.commissionBps);
  const slip = spec.slippageBps / 1e4;
  const { time, open, close } = b;
  const n = close.length, nf = spec.fast, ns = spec.slow;
  let sumFast = 0, sumSlow = 0, prevFast = NaN, prevSlow = NaN, target = 0, pending = 0;
  for (let t = 0; t < n; t++) {
    if (pending !== book.pos) book.fill(time[t]!, pending, open[t]! * (pending > book.pos ? 1 + slip : 1 - slip));
    const c = close[t]!;
    if (t >= nf) sumFast -= close[t - nf]!;
    sumFast += c;
    if (t >= ns) sumSlow -= close[t - ns]!;
    sumSlow += c;
    const fast = t >= nf - 1 ? sumFast / nf : NaN;
    const slow = t >= ns - 1 ? sumSlow / ns : NaN;
    target = s1Target(target, spec.units, prevFast, prevSlow, fast, slow);
    pending = target;
    prevFast = fast;
    prevSlow = slow;
    if (equity !== undefined) equity[t] = book.cash + book.pos * c;
  }
  return book.result(b);
}

/**
 * S2's indicators for `s2Loop`. Written into S2's loop as locals instead, the same arithmetic ran 1.4×
 * as long (20 → 29 ms at 1M bars, in one process side by side): this form stays.
 */
class FusedRsiAtr implements RsiAtrSource {
  rsi = NaN;
  atr = NaN;
  private prev = NaN;
  private count = 0;
  private gain = 0;
  private loss = 0;
  private trCount = 0;
  private trSum = 0;
  private readonly nr: number;
  private readonly na: number;
  constructor(nr: number, na: number) {
    this.nr = nr;
    this.na = na;
  }
  next(h: number, l: number, c: number): void {
    const prev = this.prev;
    this.prev = c;
    if (prev !== prev) return;
    // RSI: Wilder smoothing seeded with the mean of the first N changes (TA-Lib, as indicator.rsi).
    const ch = c - prev;
    const up = ch > 0 ? ch : 0;
    const down = ch < 0 ? -ch : 0;
    const p = this.nr;
    if (this.count < p) {
      this.gain += up;
      this.loss += down;
      if (++this.count === p) {
        this.gain /= p;
        this.loss /= p;
      }
    } else {
      this.gain = (this.gain * (p - 1) + up) / p;
      this.loss = (this.loss * (p - 1) + down) / p;
    }
    if (this.count === p) {
      const total = this.gain + this.loss;
      this.rsi = total === 0 ? 50 : (100 * this.gain) / total;
    }
    // ATR: true range from the second bar, seeded with the mean of N, then Wilder (as indicator.atr).
    let tr = h - l;
    const upGap = Math.abs(prev - h);
    if (upGap > tr) tr = upGap;
    const downGap = Math.abs(prev - l);
    if (downGap > tr) tr = downGap;
    const q = this.na;
    if (this.trCount < q) {
      this.trSum += tr;
      if (++this.trCount === q) this.atr = this.trSum / q;
    } else {
      this.atr = (this.atr * (q - 1) + tr) / q;
    }
  }
}

// ---- trading-signals 8: streaming indicator objects, `add()` per bar. ----

class TradingSignalsSma implements PairSource {
  fast = NaN;
  slow = NaN;
  private readonly f: TsSMA;
  private readonly s: TsSMA;
  constructor(nf: number, ns: number) {
    this.f = new TsSMA(nf);
    this.s = new TsSMA(ns);
  }
  next(c: number): void {
    this.fast = this.f.add(c) ?? NaN;
    this.slow = this.s.add(c) ?? NaN;
  }
}

class TradingSignalsRsiAtr implements RsiAtrSource {
  rsi = NaN;
  atr = NaN;
  private readonly r: TsRSI;
  private readonly a: TsATR;
  private readonly candle = { high: 0, low: 0, close: 0 };
  constructor(nr: number, na: number) {
    this.r = new TsRSI(nr);
    this.a = new TsATR(na);
  }
  next(h: number, l: number, c: number): void {
    this.rsi = this.r.add(c) ?? NaN;
    const k = this.candle;
    k.high = h;
    k.low = l;
    k.close = c;
    this.atr = this.a.add(k) ?? NaN;
  }
}

// ---- technicalindicators 3: the streaming `nextValue()` form, per bar. ----

class TechnicalIndicatorsSma implements PairSource {
  fast = NaN;
  slow = NaN;
  private readonly f: InstanceType<typeof ti.SMA>;
  private readonly s: InstanceType<typeof ti.SMA>;
  constructor(nf: number, ns: number) {
    this.f = new ti.SMA({ period: nf, values: [] });
    this.s = new ti.SMA({ period: ns, values: [] });
  }
  next(c: number): void {
    this.fast = this.f.nextValue(c) ?? NaN;
    this.slow = this.s.nextValue(c) ?? NaN;
  }
}

class TechnicalIndicatorsRsiAtr implements RsiAtrSource {
  rsi = NaN;
  atr = NaN;
  private readonly r: InstanceType<typeof ti.RSI>;
  private readonly a: InstanceType<typeof ti.ATR>;
  constructor(nr: number, na: number) {
    this.r = new ti.RSI({ period: nr, values: [] });
    this.a = new ti.ATR({ period: na, high: [], low: [], close: [] });
  }
  next(h: number, l: number, c: number): void {
    this.rsi = this.r.nextValue(c) ?? NaN;
    // A fresh candle object each bar, as the package's own examples do (it keeps no reference to it).
    this.atr = this.a.nextValue({ high: h, low: l, close: c } as never) ?? NaN;
  }
}

export const handLoops = {
  fused: {
    s1: (b: Bars, s: S1Spec) => fusedS1(b, s),
    s2: (b: Bars, s: S2Spec) => s2Loop(b, s, new FusedRsiAtr(s.rsiPeriod, s.atrPeriod)),
  },
  'trading-signals': {
    s1: (b: Bars, s: S1Spec) => s1Loop(b, s, new TradingSignalsSma(s.fast, s.slow)),
    s2: (b: Bars, s: S2Spec) => s2Loop(b, s, new TradingSignalsRsiAtr(s.rsiPeriod, s.atrPeriod)),
  },
  technicalindicators: {
    s1: (b: Bars, s: S1Spec) => s1Loop(b, s, new TechnicalIndicatorsSma(s.fast, s.slow)),
    s2: (b: Bars, s: S2Spec) => s2Loop(b, s, new TechnicalIndicatorsRsiAtr(s.rsiPeriod, s.atrPeriod)),
  },
} as const;
