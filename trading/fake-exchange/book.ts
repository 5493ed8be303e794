/**
 * The fake exchange's matching engine and accounts, without HTTP: orders, fills against a price the test
 * controls, partial fills under a liquidity cap, balances and fees. Modelled on Binance spot, whose REST
 * API server.ts speaks. In memory, one per process.
 */

export type BinanceStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'REJECTED' | 'EXPIRED';

export interface FakeOrder {
  symbol: string;
  orderId: number;
  clientOrderId: string;
  side: 'BUY' | 'SELL';
  type: 'MARKET' | 'LIMIT';
  price: number;
  origQty: number;
  executedQty: number;
  cummulativeQuoteQty: number;
  status: BinanceStatus;
  timeInForce: string;
  time: number;
  updateTime: number;
}

export interface FakeTrade {
  symbol: string;
  id: number;
  orderId: number;
  price: number;
  qty: number;
  quoteQty: number;
  commission: number;
  commissionAsset: string;
  time: number;
  isBuyer: boolean;
  isMaker: boolean;
}

export interface FakeSymbol {
  /** Exchange symbol, e.g. BTCUSDT. */
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  price: number;
  stepSize: number;
  tickSize: number;
}

export interface Kline {
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  closeTime: number;
}

/** Binance's own error, with its numeric code and message, as the real venue sends it. */
export class BinanceError extends Error {
  readonly status: number;
  readonly code: number;
  constructor(status: number, code: number, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export interface BookConfig {
  symbols: FakeSymbol[];
  balances: Record<string, number>;
  /** Largest quantity filled per order per matching event; Infinity fills whole orders at once. */
  liquidity: number;
  /** Taker/maker fee as a fraction of the quote amount, charged in the quote asset. */
  feeRate: number;
}

const round8 = (x: number) => Math.round(x * 1e8) / 1e8;

export class FakeBook {
  readonly symbols = new Map<string, FakeSymbol>();
  readonly balances = new Map<string, number>();
  readonly orders: FakeOrder[] = [];
  readonly trades: FakeTrade[] = [];
  readonly klines = new Map<string, Kline[]>();
  liquidity: number;
  feeRate: number;
  private nextOrderId = 1000;
  private nextTradeId = 5000;
  /** Every POST /api/v3/order that reached the matching engine, accepted or not. */
  orderRequests = 0;

  constructor(config: BookConfig) {
    for (const s of config.symbols) this.symbols.set(s.symbol, { ...s });
    for (const [asset, amount] of Object.entries(config.balances)) this.balances.set(asset, amount);
    this.liquidity = config.liquidity;
    this.feeRate = config.feeRate;
  }

  symbol(name: string | undefined): FakeSymbol {
    const s = name ? this.symbols.get(name) : undefined;
    if (!s) throw new BinanceError(400, -1121, 'Invalid symbol.');
    return s;
  }

  placeOrder(p: { symbol: string; side: string; type: string; quantity: number; price?: number; newClientOrderId: string; timeInForce?: string }, now: number): FakeOrder {
    this.orderRequests++;
    const s = this.symbol(p.symbol);
    if (p.side !== 'BUY' && p.side !== 'SELL') throw new BinanceError(400, -1117, 'Invalid side.');
    if (p.type !== 'MARKET' && p.type !== 'LIMIT') throw new BinanceError(400, -1116, 'Invalid orderType.');
    if (!(p.quantity > 0) || !Number.isFinite(p.quantity)) throw new BinanceError(400, -1013, 'Filter failure: LOT_SIZE');
    if (p.type === 'LIMIT' && (!(p.price! > 0) || !Number.isFinite(p.price!))) throw new BinanceError(400, -1013, 'Filter failure: PRICE_FILTER');
    // Binance refuses a client order id that an open order on the symbol has ("a unique id among open
    // orders"): a filled or cancelled order's id is free again, and a resend under it is a new order.
    if (this.orders.some((o) => o.symbol === s.symbol && o.clientOrderId === p.newClientOrderId && (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED'))) throw new BinanceError(400, -2010, 'Duplicate order sent.');
    const price = p.type === 'LIMIT' ? p.price! : s.price;
    if (p.side === 'BUY' && (this.balances.get(s.quoteAsset) ?? 0) < p.quantity * price * (1 + this.feeRate)) {
      throw new BinanceError(400, -2010, 'Account has insufficient balance for requested action.');
    }
    if (p.side === 'SELL' && (this.balances.get(s.baseAsset) ?? 0) < p.quantity - 1e-12) {
      throw new BinanceError(400, -2010, 'Account has insufficient balance for requested action.');
    }
    const order: FakeOrder = {
      symbol: s.symbol,
      orderId: this.nextOrderId++,
      clientOrderId: p.newClientOrderId,
      side: p.side,
      type: p.type,
      price: p.type === 'LIMIT' ? p.price! : 0,
      origQty: round8(p.quantity),
      executedQty: 0,
      cummulativeQuoteQty: 0,
      status: 'NEW',
      timeInForce: p.type === 'LIMIT' ? (p.timeInForce ?? 'GTC') : 'GTC',
      time: now,
      updateTime: now,
    };
    this.orders.push(order);
    this.work(order, now, false);
    return order;
  }

  cancel(symbol: string, by: { orderId?: number; clientOrderId?: string }, now: number): FakeOrder {
    const order = this.find(symbol, by);
    if (!order || order.status === 'FILLED' || order.status === 'CANCELED' || order.status === 'REJECTED' || order.status === 'EXPIRED') {
      throw new BinanceError(400, -2011, 'Unknown order sent.');
    }
    order.status = 'CANCELED';
    order.updateTime = now;
    return order;
  }

  find(symbol: string, by: { orderId?: number; clientOrderId?: string }): FakeOrder | undefined {
    return this.orders.find((o) => o.symbol === symbol && (by.orderId !== undefined ? o.orderId === by.orderId : o.clientOrderId === by.clientOrderId));
  }

  /** Move the price and match every working order that it reaches. */
  setPrice(symbol: string, price: number, now: number): void {
    this.symbol(symbol).price = price;
    for (const o of this.orders) if (o.symbol === symbol && (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED')) this.work(o, now, true);
  }

  private work(order: FakeOrder, now: number, resting: boolean): void {
    const s = this.symbol(order.symbol);
    const buy = order.side === 'BUY';
    let price: number;
    if (order.type === 'MARKET') price = s.price;
    else if (buy ? s.price <= order.price : s.price >= order.price) price = resting ? order.price : s.price;
    else return;
    const left = round8(order.origQty - order.executedQty);
    const qty = round8(Math.min(left, this.liquidity));
    if (qty <= 0) return;
    const quote = qty * price;
    const fee = round8(quote * this.feeRate);
    const add = (asset: string, x: number) => this.balances.set(asset, round8((this.balances.get(asset) ?? 0) + x));
    add(s.baseAsset, buy ? qty : -qty);
    add(s.quoteAsset, buy ? -quote - fee : quote - fee);
    this.trades.push({ symbol: s.symbol, id: this.nextTradeId++, orderId: order.orderId, price, qty, quoteQty: round8(quote), commission: fee, commissionAsset: s.quoteAsset, time: now, isBuyer: buy, isMaker: resting });
    order.executedQty = round8(order.executedQty + qty);
    order.cummulativeQuoteQty = round8(order.cummulativeQuoteQty + quote);
    order.status = order.executedQty >= order.origQty ? 'FILLED' : 'PARTIALLY_FILLED';
    order.updateTime = now;
  }
}
