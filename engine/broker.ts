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
  bars: number;
  /** Still open at the end of the data (marked at the last close). */
  open: boolean;
}

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
    const target = this.pendingTarget;
    this.pendingTarget = NaN;
    if (Number.isNaN(target) || !(open > 0)) return;
    const qty = target - this.position;
    if (Math.abs(qty) < 1e-12) return;
    const price = open * (qty > 0 ? 1 + this.slip : 1 - this.slip);
    const fee = Math.abs(qty) * price * this.commission;
    this.cash -= qty * price + fee;
    this.commissionPaid += fee;
    this.fills.push({ time, quantity: qty, price, commission: fee });

    let remaining = qty;
    // First reduce (or close) the existing position, realising PnL against the average price.
    if (this.position !== 0 && Math.sign(qty) !== Math.sign(this.position)) {
      const closing = Math.sign(qty) * Math.min(Math.abs(qty), Math.abs(this.position));
      const pnl = -closing * (price - this.avgPrice);
      const closingFee = fee * (Math.abs(closing) / Math.abs(qty));
      this.realizedPnl += pnl;
      this.tradePnl += pnl - closingFee;
      this.exitQty += Math.abs(closing);
      this.exitNotional += Math.abs(closing) * price;
      this.position += closing;
      remaining -= closing;
      if (Math.abs(this.position) < 1e-12) {
        this.position = 0;
        this.closeTrade(time, bar, price);
      }
    }
    if (Math.abs(remaining) >= 1e-12) {
      const openingFee = fee * (Math.abs(remaining) / Math.abs(qty));
      if (this.position === 0) this.startTrade(time, bar, remaining > 0);
      this.avgPrice = (this.avgPrice * this.position + price * remaining) / (this.position + remaining);
      this.position += remaining;
      this.entryQty += Math.abs(remaining);
      this.entryNotional += Math.abs(remaining) * price;
      this.tradePnl -= openingFee;
      this.maxQty = Math.max(this.maxQty, Math.abs(this.position));
    }
    if (this.position === 0) this.avgPrice = 0;
  }

  equity(close: number): number {
    return this.cash + this.position * close;
  }

  /** Record the still-open trade, marked at the last close, without changing the books. */
  openTradeAt(time: number, bar: number, close: number): Trade | undefined {
    if (this.position === 0) return undefined;
    const pnl = this.tradePnl + this.position * (close - this.avgPrice);
    return this.tradeRecord(time, bar, true, close, pnl);
  }

  private startTrade(time: number, bar: number, long: boolean): void {
    this.tradeLong = long;
    this.tradeStart = time;
    this.tradeStartBar = bar;
    this.entryQty = this.entryNotional = this.exitQty = this.exitNotional = this.maxQty = this.tradePnl = 0;
  }

  private closeTrade(time: number, bar: number, lastPrice: number): void {
    this.trades.push(this.tradeRecord(time, bar, false, lastPrice, this.tradePnl));
    this.tradeStart = -1;
  }

  private tradeRecord(time: number, bar: number, open: boolean, lastPrice: number, pnl: number): Trade {
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
      bars: bar - this.tradeStartBar,
      open,
    };
  }
}
