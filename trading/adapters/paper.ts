import { z } from 'zod';
import { Account, limitPrice, SimBroker } from '../../engine/broker.ts';
import type { BacktestSettings } from '../../engine/graph.ts';
import { OrderType } from '../../nodes/ports.ts';
import { VenueError, type BrokerAdapter, type PlaceOrderRequest, type VenueFill, type VenueOrder } from '../adapter.ts';

/**
 * The paper venue's whole state, plain JSON: the deployment persists it after every bar, so paper
 * positions and PnL survive crashes exactly as a real venue's would.
 */
export const PaperState = z.object({
  cash: z.number(),
  positions: z.record(z.string(), z.number()),
  orders: z.array(
    z.object({
      clientOrderId: z.string(),
      venueOrderId: z.string(),
      symbol: z.string(),
      side: z.enum(['buy', 'sell']),
      type: z.enum(['market', 'limit']),
      quantity: z.number(),
      filled: z.number(),
      notional: z.number(),
      // JSON columns may hand back an absent field as null.
      limitPrice: z.number().nullish(),
      status: z.enum(['open', 'closed', 'canceled', 'rejected', 'expired']),
      time: z.number(),
    }),
  ),
  fills: z.array(z.object({ tradeId: z.string(), venueOrderId: z.string(), clientOrderId: z.string().optional(), symbol: z.string(), side: z.enum(['buy', 'sell']), quantity: z.number(), price: z.number(), fee: z.number(), time: z.number() })),
  nextId: z.number().int(),
  /** The venue clock: the time of the last bar it saw. */
  now: z.number(),
});
export type PaperState = z.infer<typeof PaperState>;

export function initialPaperState(cash: number, now: number): PaperState {
  return { cash, positions: {}, orders: [], fills: [], nextId: 1, now };
}

/** Finished orders and fills kept in the paper state; older ones live on in the deployment's own tables. */
const keepDone = 500;

export interface Bar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/**
 * A paper venue over the engine's `SimBroker`: orders decided at a bar's close fill when the next bar
 * arrives, by the backtest's own fill rules (market at the open, limits when the bar reaches them) and
 * the strategy's own cost model (commission, slippage, participation cap). What was backtested is what
 * paper-trades.
 *
 * Each working order is worked by a fresh `SimBroker` holding the paper account's cash and position and
 * told to move the position by the order's remaining quantity. Consequences: the volatility slippage
 * model sees no return history (σ = 0, so no slippage) and each order has its own participation budget.
 */
export class PaperBroker implements BrokerAdapter {
  readonly kind = 'paper' as const;
  readonly state: PaperState;
  private readonly settings: BacktestSettings;
  /** The asset cash is counted in, for `balances()`. */
  private readonly quote: string;
  /** The bar being worked and the orders placed on it (in memory: they are placed and worked in one step). */
  private current: { time: number; placed: Set<string> } = { time: NaN, placed: new Set() };

  constructor(settings: BacktestSettings, state: PaperState, quote = 'USDT') {
    this.settings = settings;
    this.state = state;
    this.quote = quote;
  }

  async placeOrder(req: PlaceOrderRequest): Promise<VenueOrder> {
    const existing = this.state.orders.find((o) => o.clientOrderId === req.clientOrderId);
    if (existing) return view(existing);
    if (!(req.quantity > 0) || !Number.isFinite(req.quantity)) throw new VenueError('rejected', `quantity ${req.quantity} is not a positive number`);
    if (req.type === 'limit' && !(req.limitPrice! > 0 && Number.isFinite(req.limitPrice!))) throw new VenueError('rejected', `limit price ${req.limitPrice} is not a positive number`);
    const order = { clientOrderId: req.clientOrderId, venueOrderId: `paper-${this.state.nextId++}`, symbol: req.symbol, side: req.side, type: req.type, quantity: req.quantity, filled: 0, notional: 0, limitPrice: req.type === 'limit' ? req.limitPrice : null, status: 'open' as const, time: this.state.now };
    this.state.orders.push(order);
    return view(order);
  }

  async cancelOrder(_symbol: string, clientOrderId: string): Promise<VenueOrder | undefined> {
    const o = this.state.orders.find((x) => x.clientOrderId === clientOrderId && x.status === 'open');
    if (!o) return undefined;
    o.status = 'canceled';
    return view(o);
  }

  async fetchOrder(_symbol: string, clientOrderId: string): Promise<VenueOrder | undefined> {
    const o = this.state.orders.find((x) => x.clientOrderId === clientOrderId);
    return o && view(o);
  }

  async openOrders(symbol: string): Promise<VenueOrder[]> {
    return this.state.orders.filter((o) => o.symbol === symbol && o.status === 'open').map(view);
  }

  async fillsSince(symbol: string, since: number): Promise<VenueFill[]> {
    return this.state.fills.filter((f) => f.symbol === symbol && f.time >= since);
  }

  /** Cash under the quote asset, each symbol's position under its base asset (BTC/USDT → BTC). */
  async balances(): Promise<Record<string, number>> {
    const out: Record<string, number> = { [this.quote]: this.state.cash };
    for (const [symbol, position] of Object.entries(this.state.positions)) out[baseOf(symbol)] = position;
    return out;
  }

  async time(): Promise<number> {
    return this.state.now;
  }

  async close(): Promise<void> {}

  /**
   * A new closed bar of `symbol`: work its open orders against it, oldest first. An order is worked from
   * the bar after the one it was triggered on (see `placeTriggered`). `phase` splits the bar as the backtest broker orders its
   * events (docs/engine.md §3.2), so the deployment can work its synthetic orders in between: `open` works
   * only the orders that fill at the open (market orders, limits the open is through), `inside` the rest.
   */
  onBar(symbol: string, bar: Bar, phase: 'all' | 'open' | 'inside' = 'all'): VenueFill[] {
    this.state.now = Math.max(this.state.now, bar.time);
    const made: VenueFill[] = [];
    for (const o of this.state.orders) {
      if (o.symbol !== symbol || o.status !== 'open' || this.placedOn(bar).has(o.clientOrderId)) continue;
      if (phase !== 'all') {
        const atOpen = o.type === 'market' || limitPrice(o.side === 'buy', o.limitPrice ?? NaN, bar.open, bar.high, bar.low) === bar.open;
        if (atOpen !== (phase === 'open')) continue;
      }
      made.push(...this.work(o, bar, o.type === 'limit' ? OrderType.limit : OrderType.market, o.limitPrice ?? NaN, NaN));
    }
    this.prune();
    return made;
  }

  /**
   * Place an order the deployment triggered on `bar` (a synthetic stop entry or protective exit whose
   * level the bar crossed) and fill it on that bar as the backtest does: a stop at its level (or the open
   * on a gap) with slippage, a take-profit at its level without, a stop-limit by its rules. What the
   * participation cap leaves keeps working from the next bar as the order's own type. Idempotent by
   * client order id: a second call returns the order and no new fills.
   */
  placeTriggered(req: PlaceOrderRequest, bar: Bar, fill: { type: 'stop'; stop: number } | { type: 'limit'; limit: number } | { type: 'stopLimit'; stop: number; limit: number }): { order: VenueOrder; fills: VenueFill[] } {
    const existing = this.state.orders.find((o) => o.clientOrderId === req.clientOrderId);
    if (existing) return { order: view(existing), fills: [] };
    if (!(req.quantity > 0) || !Number.isFinite(req.quantity)) throw new VenueError('rejected', `quantity ${req.quantity} is not a positive number`);
    this.state.now = Math.max(this.state.now, bar.time);
    const order = { clientOrderId: req.clientOrderId, venueOrderId: `paper-${this.state.nextId++}`, symbol: req.symbol, side: req.side, type: req.type, quantity: req.quantity, filled: 0, notional: 0, limitPrice: req.type === 'limit' ? req.limitPrice : null, status: 'open' as const, time: this.state.now };
    this.state.orders.push(order);
    this.placedOn(bar).add(order.clientOrderId);
    const type = fill.type === 'stop' ? OrderType.stop : fill.type === 'limit' ? OrderType.limit : OrderType.stopLimit;
    const fills = this.work(order, bar, type, fill.type === 'stop' ? NaN : fill.limit, fill.type === 'limit' ? NaN : fill.stop);
    return { order: view(order), fills };
  }

  /** Orders placed on `bar` itself (triggered by it): worked from the next bar on, never twice on this one. */
  private placedOn(bar: Bar): Set<string> {
    if (this.current.time !== bar.time) this.current = { time: bar.time, placed: new Set() };
    return this.current.placed;
  }

  /** Work one order's remaining quantity against `bar` with a fresh `SimBroker` holding the paper account. */
  private work(o: PaperState['orders'][number], bar: Bar, type: number, limit: number, stop: number): VenueFill[] {
    const symbol = o.symbol;
    const made: VenueFill[] = [];
    const account = new Account(this.state.cash);
    const broker = new SimBroker(this.settings, account);
    const before = this.state.positions[symbol] ?? 0;
    broker.position = before;
    const remaining = o.quantity - o.filled;
    const target = before + (o.side === 'buy' ? remaining : -remaining);
    const instruction = new Float64Array([target, type, limit, stop, 0, NaN, NaN, NaN]);
    broker.instruct(0, instruction, 0);
    broker.onBar(1, bar.time, bar.open, bar.high, bar.low, bar.close, bar.volume);
    for (const f of broker.fills) {
      const qty = Math.abs(f.quantity);
      const fill: VenueFill = { tradeId: `paper-fill-${this.state.nextId++}`, venueOrderId: o.venueOrderId, clientOrderId: o.clientOrderId, symbol, side: o.side, quantity: qty, price: f.price, fee: f.commission, time: bar.time };
      made.push(fill);
      this.state.fills.push(fill);
      o.filled += qty;
      o.notional += qty * f.price;
    }
    this.state.cash = account.cash;
    this.state.positions[symbol] = broker.position;
    if (o.filled >= o.quantity * (1 - 1e-9)) o.status = 'closed';
    // The leverage cap cut the fill and cancelled the rest, as it does in a backtest.
    else if (broker.workingTarget !== broker.workingTarget && broker.fills.length > 0) o.status = 'canceled';
    return made;
  }

  private prune(): void {
    const done = this.state.orders.filter((o) => o.status !== 'open');
    if (done.length > keepDone) {
      const drop = new Set(done.slice(0, done.length - keepDone));
      this.state.orders = this.state.orders.filter((o) => !drop.has(o));
    }
    if (this.state.fills.length > keepDone) this.state.fills = this.state.fills.slice(-keepDone);
  }
}

function view(o: PaperState['orders'][number]): VenueOrder {
  return { clientOrderId: o.clientOrderId, venueOrderId: o.venueOrderId, symbol: o.symbol, side: o.side, type: o.type, quantity: o.quantity, filled: o.filled, averagePrice: o.filled > 0 ? o.notional / o.filled : NaN, limitPrice: o.limitPrice ?? undefined, status: o.status, time: o.time };
}

const baseOf = (symbol: string) => symbol.split('/')[0] ?? symbol;
