import type { BacktestSettings } from './graph.ts';

/** A closed round trip: from flat (or a flip) back to flat (or the next flip). */
export interface Trade {
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
  /** Bars held: from the entry open to the exit open, or through the last close for an open trade. */
  bars: number;
  /** Still open at the end of the data (marked at the last close). */
  open: boolean;
}

/** Below this fraction of the position, a change is float noise, not an order. */
const dust = 1e-9;

export interface Fill {
  time: number;
  quantity: number;
  price: number;
  commission: number;
}

/**
 * Simulated broker with next-open fills: a target decided at bar t's close becomes a market order that
 * fills at bar t+1's open, moved against the trader by the slippage and charged the commission.
 * Accounting is signed, so long, short and fractional quantities share one path.
 */
export class SimBroker {
  cash: number;
  position = 0;
  /** Average entry price of the open position (0 when flat). */
  avgPrice = 0;
  realizedPnl = 0;
  commissionPaid = 0;
  /** Target position to reach at the next open; NaN when no change was asked for. */
  pendingTarget = NaN;
  readonly trades: Trade[] = [];
  readonly fills: Fill[] = [];
  private readonly slip: number;
  private readonly commission: number;
  // The trade being built: entry side, notional and quantity, exit notional and quantity, fees, PnL.
  private tradeStart = -1;
  private tradeLong = true;
  private tradeStartBar = 0;
  private entryQty = 0;
  private entryNotional = 0;
  private exitQty = 0;
  private exitNotional = 0;
  private maxQty = 0;
  private tradePnl = 0;

  constructor(settings: BacktestSettings) {
    this.cash = settings.initialCash;
    this.slip = settings.slippageBps / 1e4;
    this.commission = settings.commissionBps / 1e4;
  }

  /** Fill any pending target at this bar's open. */
  fillAtOpen(bar: number, time: number, open: number): void {
    let target = this.pendingTarget;
    this.pendingTarget = NaN;
    if (Number.isNaN(target) || !(open > 0)) return;
    const before = this.position;
    // Relative dust: float noise in a computed target must not trade, nor leave a crumb of a position.
    if (Math.abs(target) <= dust * Math.abs(before)) target = 0;
    const qty = target - before;
    if (Math.abs(qty) <= dust * Math.max(Math.abs(target), Math.abs(before))) return;
    const price = open * (qty > 0 ? 1 + this.slip : 1 - this.slip);
    const fee = Math.abs(qty) * price * this.commission;
    this.cash -= qty * price + fee;
    this.commissionPaid += fee;
    this.fills.push({ time, quantity: qty, price, commission: fee });

    const sameSide = before !== 0 && target !== 0 && Math.sign(before) === Math.sign(target);
    if (before !== 0 && !sameSide) {
      // Close (and, on a flip, then reopen): the closing share of the fee belongs to the old trade.
      this.reduce(-before, price, fee * (Math.abs(before) / Math.abs(qty)));
      this.position = 0;
      this.avgPrice = 0;
      this.closeTrade(time, bar - this.tradeStartBar, price);
      if (target === 0) return;
    }
    if (this.position === 0) {
      this.startTrade(time, bar, target > 0);
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

  equity(close: number): number {
    return this.cash + this.position * close;
  }

  /** PnL of the open position marked at `mark`, before the fees of closing it. */
  unrealizedPnl(mark: number): number {
    return this.position * (mark - this.avgPrice);
  }

  /**
   * Record the still-open trade, marked at bar `bar`'s close, without changing the books. Held from its
   * entry open through that close, so it counts that bar too.
   */
  openTradeAt(time: number, bar: number, close: number): Trade | undefined {
    if (this.position === 0) return undefined;
    const pnl = this.tradePnl + this.position * (close - this.avgPrice);
    return this.tradeRecord(time, bar + 1 - this.tradeStartBar, true, close, pnl);
  }

  private startTrade(time: number, bar: number, long: boolean): void {
    this.tradeLong = long;
    this.tradeStart = time;
    this.tradeStartBar = bar;
    this.entryQty = this.entryNotional = this.exitQty = this.exitNotional = this.maxQty = this.tradePnl = 0;
  }

  private closeTrade(time: number, bars: number, lastPrice: number): void {
    this.trades.push(this.tradeRecord(time, bars, false, lastPrice, this.tradePnl));
    this.tradeStart = -1;
  }

  private tradeRecord(time: number, bars: number, open: boolean, lastPrice: number, pnl: number): Trade {
    const entryPrice = this.entryNotional / this.entryQty;
    return {
      side: this.tradeLong ? 'long' : 'short',
      entryTime: this.tradeStart,
      exitTime: time,
      quantity: this.maxQty,
      entryPrice,
      exitPrice: open || this.exitQty === 0 ? lastPrice : this.exitNotional / this.exitQty,
      pnl,
      returnPct: (pnl / this.entryNotional) * 100,
      bars,
      open,
    };
  }
}
