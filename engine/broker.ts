import { OrderType, type Order } from '../nodes/ports.ts';
import { isGoodBar, type Bars } from './bars.ts';
import type { BacktestSettings } from './graph.ts';

/** A closed round trip: from flat (or a flip) back to flat (or the next flip). */
export interface Trade {
  /** The symbol traded, in a multi-symbol portfolio (absent with one symbol). */
  symbol?: string;
  side: 'long' | 'short';
  entryTime: number;
  exitTime: number;
  /** Largest absolute quantity held during the trade. */
  quantity: number;
  /** Volume-weighted fill price of the entries, slippage included. */
  entryPrice: number;
  /** Volume-weighted fill price of the exits; for an open trade, the last close. */
  exitPrice: number;
  /** Net of every commission paid on the trade's fills. */
  pnl: number;
  /** `pnl` over the entry notional. */
  returnPct: number;
  /** Bars held: from the entry bar to the exit bar, or through the last close for an open trade. */
  bars: number;
  /** Still open at the end of the data (marked at the last close). */
  open: boolean;
  /** What closed it: the strategy's own order, or a protective exit. */
  exitReason?: ExitReason;
}

export type ExitReason = 'signal' | 'stopLoss' | 'takeProfit' | 'trailingStop';
const exitReasons: readonly ExitReason[] = ['signal', 'stopLoss', 'takeProfit', 'trailingStop'];
/** Numbers per trade in a broker's trade log (see `SimBroker.trades`). */
const tradeFields = 12;

export interface Fill {
  /** The symbol traded, in a multi-symbol portfolio (absent with one symbol). */
  symbol?: string;
  time: number;
  quantity: number;
  price: number;
  commission: number;
  reason?: ExitReason;
}

/** Below this fraction of the position, a change is float noise, not an order. */
const dust = 1e-9;
const dayMs = 86_400_000;
/** Bars of close-to-close returns behind the volatility slippage model. */
const volatilityWindow = 20;

/** The working order that moves the position toward the strategy's target. */
interface EntryOrder {
  active: boolean;
  target: number;
  type: number;
  limit: number;
  stop: number;
  /**
   * The stop has been touched: a stop order works on as a market order (the rest of a fill the
   * participation cap cut), a stop-limit as a limit order.
   */
  triggered: boolean;
  /** Bars it may still be worked on; Infinity for good-till-cancelled. */
  barsLeft: number;
  dayOrder: boolean;
  /** UTC day (epoch days) the order is valid through, set on its first eligible bar. */
  validDay: number;
}

/**
 * The cash of one portfolio and its lanes: one `SimBroker` per symbol, all paying from and into the same
 * cash. With one symbol it is simply that broker's cash.
 */
export class Account {
  cash: number;
  readonly lanes: SimBroker[] = [];
  constructor(initialCash: number) {
    this.cash = initialCash;
  }
}

/**
 * The simulated broker behind backtests (and, later, paper trading). At each bar it first works the
 * orders decided at earlier closes against the bar's open, high and low, then the strategy sees the closed
 * bar and may give a new instruction. A new instruction replaces the working order; an unchanged one
 * leaves it alone, so a strategy can state its intent every bar without resetting its orders.
 *
 * Fill rules (docs/engine.md has the full table):
 * - market: the open; limit: the open if it is already through the limit (a gap), else the limit if the
 *   bar reaches it; stop: the open on a gap through the stop, else the stop price; stop-limit: a stop that
 *   then rests as a limit;
 * - market and stop fills pay slippage, limit fills do not (a limit never fills worse than its price);
 * - OHLC does not tell the order of events inside a bar, so one order is assumed: first what happens at
 *   the open (the strategy's order if it fills at the open, then protective exits gapped through), then
 *   the protective exits inside the bar, stop side before take-profit (the pessimistic reading), and
 *   only then the strategy's order if it fills inside the bar. A position opened inside a bar is
 *   protected from the next bar, and the trailing stop ignores that bar's extremes;
 * - protective exits (stop-loss, trailing stop, take-profit) close the whole position, cancel the rest
 *   of the entry order, and act only on a position on the side of the instruction that set them; the
 *   rest of a triggered stop exit cut by the participation cap goes at the next open;
 * - the fills of one bar share the participation cap (the rest keeps working); the leverage cap cuts
 *   growth and cancels the rest of the entry.
 * Accounting is signed, so long, short and fractional quantities share one path.
 */
export class SimBroker {
  readonly account: Account;
  /** Set in a multi-symbol portfolio; stamped on its fills and trades. */
  readonly symbol: string | undefined;
  position = 0;
  /**
   * Price the position is marked at for the portfolio's leverage check: the executor sets every symbol's
   * open before any of that bar's fills, and a fill sets its own price, so no fill sees a later price.
   */
  mark = NaN;
  /** Average entry price of the open position (0 when flat). */
  avgPrice = 0;
  realizedPnl = 0;
  commissionPaid = 0;
  /** Fills the leverage cap cut down (a count, reported with the result). */
  leverageCuts = 0;
  /**
   * Closed trades, in the order they closed. Recorded as numbers in `tradeLog` while the broker runs and
   * made into objects when read: a trade record built at every close (seven boxed numbers and an
   * object) was a quarter of a fill's cost, with the garbage collection of those that lived on.
   */
  get trades(): Trade[] {
    if (this.logged > 0) this.readLog();
    return this.closed;
  }
  private readonly closed: Trade[] = [];
  private tradeLog = new Float64Array(16 * tradeFields);
  private logged = 0;
  /** Every fill, in order (empty when constructed with `recordFills: false`). */
  readonly fills: Fill[] = [];
  /** Σ |quantity × price| over the fills. */
  tradedNotional = 0;
  private readonly recordFills: boolean;

  private readonly s: BacktestSettings;
  private readonly trackVolatility: boolean;
  private readonly entry: EntryOrder = { active: false, target: 0, type: 0, limit: NaN, stop: NaN, triggered: false, barsLeft: 0, dayOrder: false, validDay: 0 };
  /** The last instruction seen, to tell a new one from a repeated one. */
  private readonly last: Order = { target: NaN, type: NaN, limit: NaN, stop: NaN, expiry: NaN, stopLoss: NaN, takeProfit: NaN, trail: NaN };
  // Protective exits attached to the position.
  private stopLoss = NaN;
  private takeProfit = NaN;
  private trail = NaN;
  /**
   * Best price since the position opened (highest high for a long, lowest low for a short), starting
   * at the first fill price; the trailing stop hangs from it.
   */
  private trailAnchor = NaN;
  /**
   * The last bar folded into `trailAnchor`. The executor skips `onBarAt` on calm bars (see `calm`), so the
   * anchor falls behind over them; it is caught up from the columns when a trailing stop reads it (a
   * trailing stop set later hangs from the best price since entry), and until then a worked bar is not
   * folded in after a gap: the catch-up will fold it, in order.
   */
  private anchorThrough = -1;
  /** A protective stop that has triggered but that the participation cap cut: the rest goes at market. */
  private exitPending: ExitReason | '' = '';
  /** First bar whose whole range the position has seen (the bar after an entry inside a bar). */
  private heldFrom = 0;
  /** Set by `entryFillPrice`: the price it returned is the bar's open (nothing of the bar came before). */
  private fillAtOpen = false;
  /** Units the participation cap still allows on the current bar. */
  private budget = Infinity;
  /** One bar's columns, for `onBar`'s callers that hold loose prices. */
  private readonly one: Bars = { time: new Float64Array(1), open: new Float64Array(1), high: new Float64Array(1), low: new Float64Array(1), close: new Float64Array(1), volume: new Float64Array(1) };
  /**
   * The bar being worked (its columns and row), for the time on the fills' and trades' records: read there,
   * on a fill, not on every bar worked. Fields, not arguments: see `onBarAt`.
   */
  private nowBars: Bars = this.one;
  private nowAt = 0;
  /**
   * The columns whose rows the trade log holds in place of times not read yet (see `applyFill`), once
   * a backtest's first fill has set them.
   */
  private rowsOf: Bars | undefined;
  // Rolling standard deviation of close-to-close returns, for volatility slippage.
  private readonly returns = new Float64Array(volatilityWindow);
  private returnsCount = 0;
  private returnsSum = 0;
  private returnsSumSq = 0;
  private prevClose = NaN;
  // The trade being built.
  private tradeStart = -1;
  /** The entry's row of `rowsOf` when its time is not read yet (`tradeStart` is then NaN), else −1. */
  private tradeStartRow = -1;
  private tradeLong = true;
  private tradeStartBar = 0;
  private entryQty = 0;
  private entryNotional = 0;
  private exitQty = 0;
  private exitNotional = 0;
  private maxQty = 0;
  private tradePnl = 0;

  /**
   * `recordFills: false` keeps no `fills` list (a backtest needs only the trades and `tradedNotional`;
   * a fill object per fill was most of a long backtest's garbage).
   */
  constructor(settings: BacktestSettings, account?: Account, symbol?: string, options: { recordFills?: boolean } = {}) {
    this.recordFills = options.recordFills ?? true;
    this.trackVolatility = settings.slippageModel === 'volatility';
    this.s = settings;
    this.account = account ?? new Account(settings.initialCash);
    this.account.lanes.push(this);
    this.symbol = symbol;
  }

  /** The portfolio's cash (shared by every symbol's broker). */
  get cash(): number {
    return this.account.cash;
  }
  set cash(value: number) {
    this.account.cash = value;
  }

  equity(close: number): number {
    return this.cash + this.position * close;
  }

  /** PnL of the open position marked at `mark`, before the fees of closing it. */
  unrealizedPnl(mark: number): number {
    return this.position * (mark - this.avgPrice);
  }

  /** The working entry order's target, or NaN when nothing is working. */
  get workingTarget(): number {
    return this.entry.active ? this.entry.target : NaN;
  }

  /**
   * Take the strategy's instruction at a bar's close. Reads the order fields from `slots` at `at`, in
   * `orderFields` order, so the generated loop hands them over without building an object.
   */
  instruct(_bar: number, slots: Float64Array, at: number): void {
    const target = slots[at]!;
    // NaN target: no instruction this bar; whatever is working keeps working.
    if (target !== target) return;
    const last = this.last;
    const type = slots[at + 1]!, limit = slots[at + 2]!, stop = slots[at + 3]!, expiry = slots[at + 4]!;
    const stopLoss = slots[at + 5]!, takeProfit = slots[at + 6]!, trail = slots[at + 7]!;
    if (
      same(target, last.target) && same(type, last.type) && same(limit, last.limit) && same(stop, last.stop) &&
      same(expiry, last.expiry) && same(stopLoss, last.stopLoss) && same(takeProfit, last.takeProfit) && same(trail, last.trail)
    ) return;
    last.target = target; last.type = type; last.limit = limit; last.stop = stop; last.expiry = expiry;
    last.stopLoss = stopLoss; last.takeProfit = takeProfit; last.trail = trail;

    // The exits apply to the position from now on; the trailing anchor belongs to the position and stays.
    this.stopLoss = stopLoss;
    this.takeProfit = takeProfit;
    this.trail = trail;
    const e = this.entry;
    e.active = !near(target, this.position);
    e.target = target;
    e.type = type === type ? type : OrderType.market;
    e.limit = limit;
    e.stop = stop;
    e.triggered = false;
    e.barsLeft = expiry > 0 ? Math.ceil(expiry) : Infinity;
    e.dayOrder = expiry < 0;
    e.validDay = NaN;
  }

  /** Work the orders against bar `bar`, before the strategy sees its close. */
  onBar(bar: number, time: number, open: number, high: number, low: number, close: number, volume: number): void {
    // A bar with a price that is not a positive finite number, or whose high is below its low, is skipped
    // (the executor's rule, docs/engine.md): a live feed's bad print must not fill an order.
    if (!(open > 0 && open < Infinity && close > 0 && close < Infinity && low > 0 && high < Infinity && high >= low)) return;
    const one = this.one;
    one.time[0] = time;
    one.open[0] = open;
    one.high[0] = high;
    one.low[0] = low;
    one.close[0] = close;
    one.volume[0] = volume;
    this.onBarAt(bar, one, 0);
  }

  /**
   * Whether the working entry order adds to the position on its side: a buy from flat or long, a sell
   * from flat or short. With several symbols the executor works these after the others on each bar, so
   * sales free the cash that purchases at the same open need.
   */
  addsExposure(): boolean {
    const e = this.entry;
    return e.active && (e.target > this.position ? this.position >= 0 : e.target < this.position && this.position <= 0);
  }

  /** Whether `onBar` has anything to do: an order working, a position to protect or mark, or volatility to track. */
  working(): boolean {
    return this.entry.active || this.position !== 0 || this.trackVolatility;
  }

  /**
   * Set by `calm`: a valid bar whose open, high and low all lie strictly between them leaves the broker as
   * it was, but for the trailing anchor (which `onBarAt` catches up from the columns). An empty band
   * (low ≥ high) when any bar may matter.
   */
  calmLow = Infinity;
  calmHigh = -Infinity;

  /**
   * Compute the calm band for the bars to come: everything when flat with nothing working; between the
   * stop-loss and the take-profit when a position is protected (a long's stop below, a short's above);
   * nothing with an entry order working, an exit pending, a trailing stop (its level moves with every
   * bar) or volatility to track. The executor skips `onBarAt` on calm bars (quiet stretches).
   */
  calm(): void {
    if (this.entry.active || this.exitPending !== '' || this.trackVolatility || (this.position !== 0 && this.trail === this.trail)) {
      this.calmLow = Infinity;
      this.calmHigh = -Infinity;
      return;
    }
    const stop = this.stopLoss, take = this.takeProfit;
    if (this.position > 0) {
      // Sells: the stop triggers at or below its level, the take-profit at or above its own.
      this.calmLow = stop === stop ? stop : -Infinity;
      this.calmHigh = take === take ? take : Infinity;
    } else if (this.position < 0) {
      this.calmLow = take === take ? take : -Infinity;
      this.calmHigh = stop === stop ? stop : Infinity;
    } else {
      this.calmLow = -Infinity;
      this.calmHigh = Infinity;
    }
  }

  /**
   * `onBar` for row `t` of `bars`. The executor's form: V8 boxes every floating-point argument of a call
   * it does not inline (and this one is too big to inline), so passing six prices per bar allocated about
   * 100 bytes per bar and made garbage collection a large part of a backtest. Here, and in the helpers
   * below it, prices are read from the columns instead.
   *
   * Row `t` must be a valid bar (`isGoodBar`): the executor skips the others before they get here. Each
   * price is read only where it is used (a market order reads the open alone): on a long backtest the
   * row's other columns are seldom in cache, and each one read cost a trip to memory.
   */
  onBarAt(bar: number, bars: Bars, t: number): void {
    // Flat with nothing working: no order to fill, no exit to check, no trailing anchor to move. Most bars
    // of most strategies are like this, so they cost one test here.
    if (!this.working()) return;
    // Calm bars the executor skipped while a position was held still move its trailing anchor: folded in
    // here once a trailing stop is set, the only thing that reads it.
    if (this.position !== 0 && this.trail === this.trail && this.anchorThrough < bar - 1 && bars !== this.one) this.catchUpAnchor(bar, bars);
    // The time and volume columns are read only when needed: the executor reads neither, so on a long
    // backtest each read here was a cache miss (≈ 2/3 of this method's own time on S1, by its profile's lines).
    this.nowBars = bars;
    this.nowAt = t;
    const cap = this.s.maxParticipation;
    if (cap > 0) {
      const volume = bars.volume[t]!;
      this.budget = volume > 0 && volume < Infinity ? (cap / 100) * volume : 0;
    } else this.budget = Infinity;
    const e = this.entry;
    if (e.active && e.dayOrder) {
      const day = Math.floor(bars.time[t]! / dayMs);
      if (e.validDay !== e.validDay) e.validDay = day;
      if (day > e.validDay) e.active = false;
    }
    // Where the entry order would fill on this bar, and whether that is at the open.
    let price = NaN;
    let atOpen = false;
    if (e.active) {
      price = this.entryFillPrice(bars, t);
      atOpen = price === price && this.fillAtOpen;
    }
    if (atOpen) this.workEntry(bar, price, true);
    // Exits guard a position on the side the instruction asked for, not the old side of a pending flip.
    if (this.position !== 0 && this.position * this.last.target >= 0) this.protect(bar, bars, t);
    if (price === price && !atOpen && e.active) this.workEntry(bar, price, false);
    if (e.active && --e.barsLeft <= 0) e.active = false;
    this.afterBar(bar, bars, t);
  }

  /** Fill the entry order at `price`, within the caps. */
  private workEntry(bar: number, price: number, atOpen: boolean): void {
    const e = this.entry;
    const before = this.position;
    const cuts = this.leverageCuts;
    this.fillToward(bar, e.target, price, 'signal');
    // Done when there, or when the leverage cap cut it: chasing the rest would trade dust every bar.
    if (near(this.position, e.target) || this.leverageCuts !== cuts) e.active = false;
    if (this.position !== 0 && (before === 0 || Math.sign(before) !== Math.sign(this.position))) {
      // A new position. Filled at the open, the whole bar came after it; filled inside the bar, OHLC cannot
      // tell what came after, so its exits and its trailing anchor start with the next bar.
      this.trailAnchor = price;
      this.heldFrom = atOpen ? bar : bar + 1;
      this.anchorThrough = this.heldFrom - 1;
      this.exitPending = '';
    }
  }

  /** Where the working entry order fills on this bar, or NaN if it does not; sets `fillAtOpen`. */
  private entryFillPrice(bars: Bars, t: number): number {
    const open = bars.open[t]!;
    const e = this.entry;
    const buy = e.target > this.position;
    if (e.type !== OrderType.limit && e.type !== OrderType.stop && e.type !== OrderType.stopLimit) {
      this.fillAtOpen = true;
      return this.slipped(buy, open);
    }
    const high = bars.high[t]!, low = bars.low[t]!;
    let p: number;
    switch (e.type) {
      case OrderType.limit:
        p = limitPrice(buy, e.limit, open, high, low);
        this.fillAtOpen = p === open;
        return p;
      case OrderType.stop:
        // Once triggered, what the participation cap left over works on as a market order.
        p = e.triggered ? open : stopPrice(buy, e.stop, open, high, low);
        if (p === p) e.triggered = true;
        this.fillAtOpen = p === open;
        return this.slipped(buy, p);
      case OrderType.stopLimit: {
        if (!e.triggered) {
          const hit = stopPrice(buy, e.stop, open, high, low);
          if (hit !== hit) return NaN;
          e.triggered = true;
          // Triggered intrabar at the stop: it fills there if the stop is within the limit, else it rests
          // as a limit from the next bar (whether the bar came back to the limit after the trigger is unknown).
          if (hit !== open) {
            this.fillAtOpen = false;
            return (buy ? hit <= e.limit : hit >= e.limit) ? hit : NaN;
          }
          // Triggered at the open: a limit for the whole bar.
        }
        p = limitPrice(buy, e.limit, open, high, low);
        this.fillAtOpen = p === open;
        return p;
      }
    }
    return NaN;
  }

  /**
   * Stop-loss, trailing stop and take-profit against this bar. At the open first (a gap through the stop,
   * then through the take-profit); inside the bar the stop side is assumed to come first.
   */
  private protect(bar: number, bars: Bars, t: number): void {
    // No exit set and none pending: nothing to do (and the bar's prices need not be read).
    if (this.exitPending === '' && this.stopLoss !== this.stopLoss && this.takeProfit !== this.takeProfit && this.trail !== this.trail) return;
    const open = bars.open[t]!, high = bars.high[t]!, low = bars.low[t]!;
    const long = this.position > 0;
    let stopLevel = this.stopLoss;
    let stopReason: ExitReason = 'stopLoss';
    if (this.trail === this.trail && this.trailAnchor === this.trailAnchor) {
      const trailing = long ? this.trailAnchor * (1 - this.trail) : this.trailAnchor * (1 + this.trail);
      if (stopLevel !== stopLevel || (long ? trailing > stopLevel : trailing < stopLevel)) {
        stopLevel = trailing;
        stopReason = 'trailingStop';
      }
    }
    // Exits are sells for a long and buys for a short.
    const stopAt = stopPrice(!long, stopLevel, open, high, low);
    const takeAt = limitPrice(!long, this.takeProfit, open, high, low);
    let price: number;
    let reason: ExitReason;
    if (this.exitPending !== '') {
      price = this.slipped(!long, open);
      reason = this.exitPending;
    } else if (stopAt === open || (stopAt === stopAt && takeAt !== open)) {
      price = this.slipped(!long, stopAt);
      reason = stopReason;
    } else if (takeAt === takeAt) {
      price = takeAt;
      reason = 'takeProfit';
    } else return;
    this.fillToward(bar, 0, price, reason);
    if (this.position === 0) {
      // The position is gone: so are its exits and any order that was building it.
      this.entry.active = false;
      this.stopLoss = this.takeProfit = this.trailAnchor = NaN;
      this.exitPending = '';
    } else if (reason !== 'takeProfit') {
      // A triggered stop is a market order: what the participation cap left goes at the next open.
      this.exitPending = reason;
    }
  }

  /**
   * Fold the valid bars the executor skipped since `anchorThrough` (up to the bar before `bar`) into the
   * trailing anchor, as `afterBar` would have. Only on the executor's columns, where row = bar.
   */
  private catchUpAnchor(bar: number, bars: Bars): void {
    const long = this.position > 0;
    for (let b = Math.max(this.anchorThrough + 1, this.heldFrom); b < bar; b++) {
      if (!isGoodBar(bars, b)) continue;
      this.trailAnchor = long ? Math.max(this.trailAnchor, bars.high[b]!) : Math.min(this.trailAnchor, bars.low[b]!);
    }
    this.anchorThrough = bar - 1;
  }

  private afterBar(bar: number, bars: Bars, t: number): void {
    // The trailing anchor follows the bars the position has seen whole (from the next bar after an intrabar entry).
    // On the executor's columns only while a trailing stop is set and after the last folded bar: otherwise
    // the catch-up folds them when a trailing stop is set (the same maximum, so the same anchor); loose
    // prices (`onBar`) have no columns to catch up from, so every worked bar is folded as it comes.
    if (this.position !== 0 && bar >= this.heldFrom && (bars === this.one || (this.trail === this.trail && this.anchorThrough >= bar - 1))) {
      this.trailAnchor = this.position > 0 ? Math.max(this.trailAnchor, bars.high[t]!) : Math.min(this.trailAnchor, bars.low[t]!);
      this.anchorThrough = bar;
    }
    // Only the volatility slippage model needs the rolling returns (and the closes); the others skip this.
    if (!this.trackVolatility) return;
    const close = bars.close[t]!;
    if (this.prevClose > 0) {
      const r = close / this.prevClose - 1;
      const slot = this.returnsCount % volatilityWindow;
      if (this.returnsCount >= volatilityWindow) {
        const old = this.returns[slot]!;
        this.returnsSum -= old;
        this.returnsSumSq -= old * old;
      }
      this.returns[slot] = r;
      this.returnsSum += r;
      this.returnsSumSq += r * r;
      this.returnsCount++;
    }
    this.prevClose = close;
  }

  /** A market-style fill price moved against the trader by the slippage model. */
  private slipped(buy: boolean, price: number): number {
    if (price !== price) return NaN;
    const sign = buy ? 1 : -1;
    switch (this.s.slippageModel) {
      case 'ticks':
        return Math.max(price + sign * this.s.slippageTicks * this.s.tickSize, this.s.tickSize);
      case 'volatility': {
        const n = Math.min(this.returnsCount, volatilityWindow);
        const mean = n ? this.returnsSum / n : 0;
        const sd = n > 1 ? Math.sqrt(Math.max(0, (this.returnsSumSq - n * mean * mean) / (n - 1))) : 0;
        return price * (1 + sign * this.s.slippageVolatility * sd);
      }
      default:
        return price * (1 + sign * (this.s.slippageBps / 1e4));
    }
  }

  /** Commission for one fill: the bps, per-unit and fixed parts, but never below the minimum. */
  commissionFor(quantity: number, price: number): number {
    const q = Math.abs(quantity);
    const fee = q * price * (this.s.commissionBps / 1e4) + q * this.s.commissionPerShare + this.s.commissionFixed;
    return Math.max(fee, this.s.commissionMinimum);
  }

  /** Trade from the current position toward `target` at `price`, within the participation and leverage caps. */
  private fillToward(bar: number, target: number, price: number, reason: ExitReason): void {
    const before = this.position;
    if (Math.abs(target) <= dust * Math.abs(before)) target = 0;
    if (near(target, before)) return;
    // `after` stays exactly the target unless a cap cuts it, so the books hold what was asked for.
    let after = target;
    // Participation: every fill of this bar draws on one budget.
    if (Math.abs(after - before) > this.budget) after = before + Math.sign(after - before) * this.budget;
    // Leverage: only growth is capped (a larger position on the same side, or the new side of a flip);
    // reducing risk is always allowed.
    const flip = after * before < 0;
    if (flip || Math.abs(after) > Math.abs(before)) {
      // Portfolio equity and the gross exposure of the other symbols, each marked at its last price: the
      // cap is on the whole portfolio, so one symbol's room is what the others leave.
      let equity = this.account.cash + before * price;
      let others = 0;
      const lanes = this.account.lanes;
      if (lanes.length > 1) {
        for (const lane of lanes) {
          if (lane === this || lane.position === 0) continue;
          const value = lane.position * lane.mark;
          equity += value;
          others += Math.abs(value);
        }
      }
      const room = this.s.maxLeverage * equity - others;
      const maxUnits = equity > 0 && room > 0 ? room / (price * (1 + this.s.commissionBps / 1e4) + this.s.commissionPerShare) : 0;
      if (Math.abs(after) > maxUnits * (1 + dust)) {
        // A flip still closes the old side (with no equity left, it only closes); growth on the same side
        // stops at the cap or the position held, whichever is larger: the cap never forces a sale.
        after = Math.sign(after) * (flip ? maxUnits : Math.max(maxUnits, Math.abs(before)));
        this.leverageCuts++;
      }
    }
    if (near(after, before)) return;
    if (this.budget !== Infinity) this.budget = Math.max(0, this.budget - Math.abs(after - before));
    this.applyFill(bar, after, price, reason);
  }

  /** Book a fill that takes the position to `target` at `price`. */
  private applyFill(bar: number, target: number, price: number, reason: ExitReason): void {
    // A backtest (no fill records) over columns that outlive the run notes the fill's row, and its trades
    // read their times when they are read (`readTimes`): the executor never reads the time column, so
    // here, between the bar's work, each read waited on memory (≈ 2/3 of this method's time on S1).
    // Read together at the end they overlap. `one` is refilled every bar, so its time is read now.
    const lazy = !this.recordFills && this.nowBars !== this.one && (this.rowsOf === undefined || this.rowsOf === this.nowBars);
    if (lazy) this.rowsOf = this.nowBars;
    const row = lazy ? this.nowAt : -1;
    const time = lazy ? NaN : this.nowBars.time[this.nowAt]!;
    const before = this.position;
    const qty = target - before;
    const fee = this.commissionFor(qty, price);
    this.cash -= qty * price + fee;
    this.commissionPaid += fee;
    this.tradedNotional += Math.abs(qty * price);
    if (this.recordFills) {
      const fill: Fill = reason === 'signal' ? { time, quantity: qty, price, commission: fee } : { time, quantity: qty, price, commission: fee, reason };
      if (this.symbol !== undefined) fill.symbol = this.symbol;
      this.fills.push(fill);
    }
    this.mark = price;

    const sameSide = before !== 0 && target !== 0 && Math.sign(before) === Math.sign(target);
    if (before !== 0 && !sameSide) {
      // Close (and, on a flip, then reopen): the closing share of the fee belongs to the old trade.
      this.reduce(-before, price, fee * (Math.abs(before) / Math.abs(qty)));
      this.position = 0;
      this.avgPrice = 0;
      this.closeTrade(time, row, bar - this.tradeStartBar, price, reason);
      if (target === 0) return;
    }
    if (this.position === 0) {
      this.startTrade(time, row, bar, target > 0);
      this.avgPrice = price;
      this.addEntry(target, price, fee * (Math.abs(target) / Math.abs(qty)));
    } else if (Math.abs(target) < Math.abs(before)) {
      this.reduce(qty, price, fee);
    } else {
      this.avgPrice = (this.avgPrice * before + price * qty) / target;
      this.addEntry(qty, price, fee);
    }
    // Set from the target, not summed from the parts, so the books hold exactly what was asked for.
    this.position = target;
    this.maxQty = Math.max(this.maxQty, Math.abs(target));
  }

  /** Realise PnL on `closing` units (opposite sign to the position) against the average price. */
  private reduce(closing: number, price: number, fee: number): void {
    const pnl = -closing * (price - this.avgPrice);
    this.realizedPnl += pnl;
    this.tradePnl += pnl - fee;
    this.exitQty += Math.abs(closing);
    this.exitNotional += Math.abs(closing) * price;
  }

  private addEntry(qty: number, price: number, fee: number): void {
    this.entryQty += Math.abs(qty);
    this.entryNotional += Math.abs(qty) * price;
    this.tradePnl -= fee;
  }

  /**
   * Record the still-open trade, marked at bar `bar`'s close, without changing the books. Held from its
   * entry bar through that close, so it counts that bar too.
   */
  openTradeAt(time: number, bar: number, close: number): Trade | undefined {
    if (this.position === 0) return undefined;
    const pnl = this.tradePnl + this.position * (close - this.avgPrice);
    const numbers = new Float64Array(tradeFields);
    this.tradeNumbers(numbers, 0, time, -1, bar + 1 - this.tradeStartBar, true, close, pnl, 'signal');
    this.readTimes(numbers, 1);
    return this.tradeFrom(numbers, 0, true);
  }

  private startTrade(time: number, row: number, bar: number, long: boolean): void {
    this.tradeLong = long;
    this.tradeStart = time;
    this.tradeStartRow = row;
    this.tradeStartBar = bar;
    this.entryQty = this.entryNotional = this.exitQty = this.exitNotional = this.maxQty = this.tradePnl = 0;
  }

  private closeTrade(time: number, row: number, bars: number, lastPrice: number, reason: ExitReason): void {
    const at = this.logged * tradeFields;
    if (at === this.tradeLog.length) {
      const grown = new Float64Array(2 * this.tradeLog.length);
      grown.set(this.tradeLog);
      this.tradeLog = grown;
    }
    this.tradeNumbers(this.tradeLog, at, time, row, bars, false, lastPrice, this.tradePnl, reason);
    this.logged++;
    this.tradeStart = this.tradeStartRow = -1;
  }

  /** The logged trades, as records, onto `closed`. */
  private readLog(): void {
    this.readTimes(this.tradeLog, this.logged);
    for (let i = 0; i < this.logged; i++) this.closed.push(this.tradeFrom(this.tradeLog, i * tradeFields, false));
    this.logged = 0;
  }

  /**
   * The times of the rows that the first `count` trades in `log` hold in place of them (see `applyFill`),
   * in a loop of their own: its reads do not wait on each other (nor on building the records), so their
   * trips to memory overlap.
   */
  private readTimes(log: Float64Array, count: number): void {
    const time = this.rowsOf?.time;
    if (time === undefined) return;
    for (let at = 0; at < count * tradeFields; at += tradeFields) {
      const entryRow = log[at + 10]!, exitRow = log[at + 11]!;
      if (entryRow >= 0) log[at + 1] = time[entryRow]!;
      if (exitRow >= 0) log[at + 2] = time[exitRow]!;
      log[at + 10] = log[at + 11] = -1;
    }
  }

  /** The current trade's numbers, as its record holds them, into `log` from `at` (`tradeFields` of them). */
  private tradeNumbers(log: Float64Array, at: number, time: number, row: number, bars: number, open: boolean, lastPrice: number, pnl: number, reason: ExitReason): void {
    log[at] = this.tradeLong ? 1 : 0;
    log[at + 1] = this.tradeStart;
    log[at + 2] = time;
    log[at + 3] = this.maxQty;
    log[at + 4] = this.entryNotional / this.entryQty;
    log[at + 5] = open || this.exitQty === 0 ? lastPrice : this.exitNotional / this.exitQty;
    log[at + 6] = pnl;
    log[at + 7] = (pnl / this.entryNotional) * 100;
    log[at + 8] = bars;
    log[at + 9] = exitReasons.indexOf(reason);
    log[at + 10] = this.tradeStartRow;
    log[at + 11] = row;
  }

  /** The record of the trade whose numbers are in `log` from `at`. */
  private tradeFrom(log: Float64Array, at: number, open: boolean): Trade {
    // A literal, not a spread of the optional symbol: spreading cost a generic object clone per trade.
    const trade: Trade = {
      side: log[at] === 1 ? 'long' : 'short',
      entryTime: log[at + 1]!,
      exitTime: log[at + 2]!,
      quantity: log[at + 3]!,
      entryPrice: log[at + 4]!,
      exitPrice: log[at + 5]!,
      pnl: log[at + 6]!,
      returnPct: log[at + 7]!,
      bars: log[at + 8]!,
      open,
    };
    if (this.symbol !== undefined) trade.symbol = this.symbol;
    const reason = exitReasons[log[at + 9]!]!;
    if (reason !== 'signal') trade.exitReason = reason;
    return trade;
  }
}

/** Equal, counting NaN as equal to NaN (an absent price stays absent). */
export function same(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b);
}

/** Equal up to float noise relative to the larger size. */
export function near(a: number, b: number): boolean {
  return Math.abs(a - b) <= dust * Math.max(Math.abs(a), Math.abs(b)) || a === b;
}

/** Limit fill price on this bar: the open on a gap through the limit, else the limit if reached. */
export function limitPrice(buy: boolean, limit: number, open: number, high: number, low: number): number {
  if (limit !== limit) return NaN;
  if (buy) return open <= limit ? open : low <= limit ? limit : NaN;
  return open >= limit ? open : high >= limit ? limit : NaN;
}

/** Stop trigger price on this bar: the open on a gap through the stop, else the stop if touched. */
export function stopPrice(buy: boolean, stop: number, open: number, high: number, low: number): number {
  if (stop !== stop) return NaN;
  if (buy) return open >= stop ? open : high >= stop ? stop : NaN;
  return open <= stop ? open : low <= stop ? stop : NaN;
}
