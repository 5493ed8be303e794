import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { BinanceError, FakeBook, type FakeOrder, type FakeTrade, type Kline } from './book.ts';

/**
 * A local fake of Binance spot's REST API (the subset the ccxt adapter uses), for tests and the replay
 * demo: a real HTTP server with HMAC-signed requests and recvWindow, order acknowledgement, fills
 * against a price the test controls, partial fills, the venue's real duplicate-order error, and
 * injectable faults. Tests drive it over `/admin/*`.
 *
 * Endpoints: GET /api/v3/ping, /time, /exchangeInfo, /ticker/price, /klines (public); POST, DELETE and
 * GET /api/v3/order, GET /openOrders, /myTrades, /account (signed).
 */

export const FaultKind = z.enum([
  /** Answer normally after `ms`. */
  'delay',
  /** Process the request (an order is accepted), then close the connection without answering. */
  'dropAfterAccept',
  /** Answer 503 without processing. */
  'error5xx',
  /** Close the connection without processing. */
  'disconnect',
  /** Wait `ms` (or until /admin/release) before processing; a request whose client has gone is never processed. */
  'hold',
  /** Process the request (an order is accepted), then hold the answer for `ms` (or until /admin/release). */
  'holdAfterAccept',
  /**
   * Answer 503 at once, and process the request `ms` later: a request that reached the matching engine
   * late, after its client was told it failed. Its timestamp is checked then, as Binance checks the
   * recvWindow again there, so one later than its recvWindow is refused.
   */
  'acceptLate',
]);
export type FaultKind = z.infer<typeof FaultKind>;

export const Fault = z.object({
  kind: FaultKind,
  method: z.string().optional(),
  /** Path it applies to, e.g. /api/v3/order; absent for every non-admin path. */
  path: z.string().optional(),
  ms: z.number().int().min(0).max(600_000).default(0),
  /** How many requests it applies to before it is used up. */
  times: z.number().int().min(1).default(1),
});
export type Fault = z.infer<typeof Fault>;

export const ResetRequest = z.object({
  apiKey: z.string().min(1),
  secret: z.string().min(1),
  symbols: z.array(z.object({ symbol: z.string(), baseAsset: z.string(), quoteAsset: z.string(), price: z.number().positive(), stepSize: z.number().positive().default(0.00001), tickSize: z.number().positive().default(0.01) })),
  balances: z.record(z.string(), z.number().min(0)),
  liquidity: z.number().positive().optional(),
  feeRate: z.number().min(0).max(0.1).default(0.001),
});
export type ResetRequest = z.input<typeof ResetRequest>;

export interface FakeExchange {
  /** Base URL, e.g. http://127.0.0.1:41234 (the adapter appends /api/v3). */
  url: string;
  book(): FakeBook;
  close(): Promise<void>;
}

const fix = (x: number) => x.toFixed(8);

function orderJson(o: FakeOrder) {
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: o.clientOrderId,
    price: fix(o.price),
    origQty: fix(o.origQty),
    executedQty: fix(o.executedQty),
    cummulativeQuoteQty: fix(o.cummulativeQuoteQty),
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
    stopPrice: '0.00000000',
    icebergQty: '0.00000000',
    time: o.time,
    updateTime: o.updateTime,
    isWorking: o.status === 'NEW' || o.status === 'PARTIALLY_FILLED',
    workingTime: o.time,
    origQuoteOrderQty: '0.00000000',
    selfTradePreventionMode: 'EXPIRE_MAKER',
  };
}

function tradeJson(t: FakeTrade) {
  return {
    symbol: t.symbol,
    id: t.id,
    orderId: t.orderId,
    orderListId: -1,
    price: fix(t.price),
    qty: fix(t.qty),
    quoteQty: fix(t.quoteQty),
    commission: fix(t.commission),
    commissionAsset: t.commissionAsset,
    time: t.time,
    isBuyer: t.isBuyer,
    isMaker: t.isMaker,
    isBestMatch: true,
  };
}

function klineJson(k: Kline) {
  return [k.openTime, fix(k.open), fix(k.high), fix(k.low), fix(k.close), fix(k.volume), k.closeTime, fix(k.volume * k.close), 1, '0', '0', '0'];
}

const intervalMs: Record<string, number> = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000, '4h': 14_400_000, '1d': 86_400_000 };

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Start the fake exchange on a free local port (or `port`). `now` is injectable so tests can move the
 * venue clock; by default it is the wall clock, which ccxt's timestamps must fall within recvWindow of.
 */
export async function startFakeExchange(options: { port?: number; host?: string; now?: () => number; reset?: ResetRequest } = {}): Promise<FakeExchange> {
  const now = options.now ?? Date.now;
  let credentials = { apiKey: 'fake-key', secret: 'fake-secret' };
  let book = new FakeBook({ symbols: [], balances: {}, liquidity: Infinity, feeRate: 0.001 });
  let faults: Fault[] = [];
  const holds = new Set<() => void>();
  const counts = new Map<string, number>();

  const reset = (r: ResetRequest) => {
    const parsed = ResetRequest.parse(r);
    credentials = { apiKey: parsed.apiKey, secret: parsed.secret };
    book = new FakeBook({ symbols: parsed.symbols, balances: parsed.balances, liquidity: parsed.liquidity ?? Infinity, feeRate: parsed.feeRate });
    faults = [];
    counts.clear();
  };
  if (options.reset) reset(options.reset);

  const takeFault = (method: string, path: string): Fault | undefined => {
    const i = faults.findIndex((f) => (!f.method || f.method === method) && (!f.path || f.path === path));
    if (i < 0) return undefined;
    const f = faults[i]!;
    if (--f.times <= 0) faults.splice(i, 1);
    return f;
  };

  /** Signed endpoints: the API key header, the HMAC of the query, and the timestamp within recvWindow. */
  const authenticate = (req: IncomingMessage, payload: string): URLSearchParams => {
    if (req.headers['x-mbx-apikey'] !== credentials.apiKey) throw new BinanceError(401, -2015, 'Invalid API-key, IP, or permissions for action.');
    const at = payload.lastIndexOf('&signature=');
    if (at < 0) throw new BinanceError(400, -1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.");
    const signed = payload.slice(0, at);
    const given = Buffer.from(payload.slice(at + '&signature='.length), 'utf8');
    const expected = Buffer.from(createHmac('sha256', credentials.secret).update(signed).digest('hex'), 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new BinanceError(400, -1022, 'Signature for this request is not valid.');
    const params = new URLSearchParams(signed);
    const timestamp = Number(params.get('timestamp'));
    const recvWindow = Number(params.get('recvWindow') ?? 5000);
    const t = now();
    if (!Number.isFinite(timestamp) || timestamp < t - recvWindow || timestamp > t + 1000) throw new BinanceError(400, -1021, 'Timestamp for this request is outside of the recvWindow.');
    return params;
  };

  const num = (params: URLSearchParams, key: string) => {
    const v = params.get(key);
    return v === null ? undefined : Number(v);
  };

  const handleApi = async (req: IncomingMessage, path: string, query: string, body: string): Promise<unknown> => {
    const method = req.method ?? 'GET';
    const pub = new URLSearchParams(query);
    switch (`${method} ${path}`) {
      case 'GET /api/v3/ping':
        return {};
      case 'GET /api/v3/time':
        return { serverTime: now() };
      case 'GET /api/v3/exchangeInfo':
        return {
          timezone: 'UTC',
          serverTime: now(),
          rateLimits: [],
          exchangeFilters: [],
          symbols: [...book.symbols.values()].map((s) => ({
            symbol: s.symbol,
            status: 'TRADING',
            baseAsset: s.baseAsset,
            baseAssetPrecision: 8,
            quoteAsset: s.quoteAsset,
            quotePrecision: 8,
            quoteAssetPrecision: 8,
            baseCommissionPrecision: 8,
            quoteCommissionPrecision: 8,
            orderTypes: ['LIMIT', 'MARKET'],
            icebergAllowed: false,
            ocoAllowed: false,
            quoteOrderQtyMarketAllowed: true,
            allowTrailingStop: false,
            cancelReplaceAllowed: false,
            isSpotTradingAllowed: true,
            isMarginTradingAllowed: false,
            filters: [
              { filterType: 'PRICE_FILTER', minPrice: fix(s.tickSize), maxPrice: '1000000.00000000', tickSize: fix(s.tickSize) },
              { filterType: 'LOT_SIZE', minQty: fix(s.stepSize), maxQty: '9000.00000000', stepSize: fix(s.stepSize) },
              { filterType: 'NOTIONAL', minNotional: '1.00000000', applyMinToMarket: true, maxNotional: '9000000.00000000', applyMaxToMarket: false, avgPriceMins: 5 },
            ],
            permissions: [],
            permissionSets: [['SPOT']],
            defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
            allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
          })),
        };
      case 'GET /api/v3/ticker/price': {
        const one = pub.get('symbol');
        if (one) return { symbol: one, price: fix(book.symbol(one).price) };
        return [...book.symbols.values()].map((s) => ({ symbol: s.symbol, price: fix(s.price) }));
      }
      case 'GET /api/v3/klines': {
        const s = book.symbol(pub.get('symbol') ?? undefined);
        const interval = pub.get('interval') ?? '1m';
        if (!intervalMs[interval]) throw new BinanceError(400, -1120, 'Invalid interval.');
        const start = num(pub, 'startTime') ?? -Infinity;
        const end = num(pub, 'endTime') ?? Infinity;
        const limit = Math.min(num(pub, 'limit') ?? 500, 1000);
        const all = (book.klines.get(s.symbol) ?? []).filter((k) => k.openTime >= start && k.openTime <= end);
        // Binance answers the oldest `limit` candles from startTime, or the newest `limit` without it.
        const picked = pub.has('startTime') ? all.slice(0, limit) : all.slice(-limit);
        return picked.map(klineJson);
      }
    }
    // Signed endpoints: GET/DELETE carry the query, POST the form body.
    const params = authenticate(req, method === 'POST' ? body : query);
    const t = now();
    switch (`${method} ${path}`) {
      case 'POST /api/v3/order': {
        const clientOrderId = params.get('newClientOrderId') ?? `web_${t}_${Math.random().toString(36).slice(2)}`;
        const order = book.placeOrder(
          { symbol: params.get('symbol') ?? '', side: params.get('side') ?? '', type: params.get('type') ?? '', quantity: num(params, 'quantity') ?? NaN, price: num(params, 'price'), newClientOrderId: clientOrderId, timeInForce: params.get('timeInForce') ?? undefined },
          t,
        );
        const fills = book.trades.filter((tr) => tr.orderId === order.orderId).map((tr) => ({ price: fix(tr.price), qty: fix(tr.qty), commission: fix(tr.commission), commissionAsset: tr.commissionAsset, tradeId: tr.id }));
        return { ...orderJson(order), transactTime: t, fills };
      }
      case 'DELETE /api/v3/order': {
        const symbol = book.symbol(params.get('symbol') ?? undefined).symbol;
        const orderId = num(params, 'orderId');
        const order = book.cancel(symbol, orderId !== undefined ? { orderId } : { clientOrderId: params.get('origClientOrderId') ?? '' }, t);
        return { ...orderJson(order), origClientOrderId: order.clientOrderId, transactTime: t };
      }
      case 'GET /api/v3/order': {
        const symbol = book.symbol(params.get('symbol') ?? undefined).symbol;
        const orderId = num(params, 'orderId');
        const order = book.find(symbol, orderId !== undefined ? { orderId } : { clientOrderId: params.get('origClientOrderId') ?? '' });
        if (!order) throw new BinanceError(400, -2013, 'Order does not exist.');
        return orderJson(order);
      }
      case 'GET /api/v3/openOrders': {
        const symbol = params.get('symbol');
        return book.orders.filter((o) => (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED') && (!symbol || o.symbol === symbol)).map(orderJson);
      }
      case 'GET /api/v3/myTrades': {
        const symbol = book.symbol(params.get('symbol') ?? undefined).symbol;
        const start = num(params, 'startTime') ?? -Infinity;
        const fromId = num(params, 'fromId');
        const orderId = num(params, 'orderId');
        const limit = Math.min(num(params, 'limit') ?? 500, 1000);
        return book.trades
          .filter((tr) => tr.symbol === symbol && (fromId !== undefined ? tr.id >= fromId : tr.time >= start) && (orderId === undefined || tr.orderId === orderId))
          .slice(0, limit)
          .map(tradeJson);
      }
      case 'GET /api/v3/account':
        return {
          makerCommission: 10,
          takerCommission: 10,
          buyerCommission: 0,
          sellerCommission: 0,
          canTrade: true,
          canWithdraw: false,
          canDeposit: false,
          brokered: false,
          requireSelfTradePrevention: false,
          updateTime: t,
          accountType: 'SPOT',
          balances: [...book.balances].map(([asset, free]) => ({ asset, free: fix(free), locked: '0.00000000' })),
          permissions: ['SPOT'],
        };
    }
    throw new BinanceError(404, -1000, `Unknown endpoint ${method} ${path}`);
  };

  const handleAdmin = async (req: IncomingMessage, path: string, body: string): Promise<unknown> => {
    const json = body ? JSON.parse(body) : {};
    switch (`${req.method} ${path}`) {
      case 'POST /admin/reset':
        reset(json);
        return { ok: true };
      case 'POST /admin/price': {
        const { symbol, price } = z.object({ symbol: z.string(), price: z.number().positive() }).parse(json);
        book.setPrice(symbol, price, now());
        return { ok: true };
      }
      case 'POST /admin/liquidity':
        book.liquidity = z.object({ liquidity: z.number().positive() }).parse(json).liquidity;
        return { ok: true };
      case 'POST /admin/klines': {
        // Prices may be the strings 'NaN', 'Infinity' or '-Infinity' (JSON has no such numbers): a corrupt candle, for fault tests.
        const px = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity']).transform(Number)]);
        const { symbol, klines } = z.object({ symbol: z.string(), klines: z.array(z.object({ openTime: z.number(), open: px, high: px, low: px, close: px, volume: z.number(), closeTime: z.number() })) }).parse(json);
        book.symbol(symbol);
        book.klines.set(symbol, [...(book.klines.get(symbol) ?? []).filter((k) => !klines.some((n) => n.openTime === k.openTime)), ...klines].sort((a, b) => a.openTime - b.openTime));
        return { ok: true };
      }
      case 'POST /admin/faults':
        faults.push(...z.array(Fault).parse(Array.isArray(json) ? json : [json]));
        return { ok: true, pending: faults.length };
      case 'DELETE /admin/faults':
        faults = [];
        return { ok: true };
      case 'POST /admin/release': {
        const n = holds.size;
        for (const release of [...holds]) release();
        return { released: n };
      }
      case 'GET /admin/state':
        return {
          orders: book.orders.map(orderJson),
          trades: book.trades.map(tradeJson),
          balances: Object.fromEntries(book.balances),
          orderRequests: book.orderRequests,
          held: holds.size,
          counts: Object.fromEntries(counts),
          prices: Object.fromEntries([...book.symbols.values()].map((s) => [s.symbol, s.price])),
        };
    }
    return { error: 'unknown admin endpoint' };
  };

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname;
    try {
      const body = await readBody(req);
      if (path.startsWith('/admin/')) return send(res, 200, await handleAdmin(req, path, body));
      const method = req.method ?? 'GET';
      counts.set(`${method} ${path}`, (counts.get(`${method} ${path}`) ?? 0) + 1);
      const fault = takeFault(method, path);
      if (fault?.kind === 'disconnect') return void req.socket.destroy();
      const internalError = { code: -1001, msg: 'Internal error; unable to process your request. Please try again.' };
      if (fault?.kind === 'error5xx') return send(res, 503, internalError);
      if (fault?.kind === 'acceptLate') {
        send(res, 503, internalError);
        setTimeout(() => void handleApi(req, path, url.search.slice(1), body).catch(() => undefined), fault.ms);
        return;
      }
      const hold = (ms: number) =>
        new Promise<void>((resolve) => {
          const release = () => {
            holds.delete(release);
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(release, ms || 600_000);
          holds.add(release);
          // A client that goes away (a killed worker) ends the hold at once, as a real server notices.
          req.socket.once('close', release);
        });
      if (fault?.kind === 'hold') {
        await hold(fault.ms);
        // The client gave up (or died) while the request was held: it never reached the matching engine.
        if (req.socket.destroyed) return;
      }
      if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
      let result: unknown;
      try {
        result = await handleApi(req, path, url.search.slice(1), body);
      } catch (err) {
        if (!(err instanceof BinanceError)) throw err;
        if (fault?.kind === 'dropAfterAccept') return void req.socket.destroy();
        return send(res, err.status, { code: err.code, msg: err.message });
      }
      if (fault?.kind === 'dropAfterAccept') return void req.socket.destroy();
      if (fault?.kind === 'holdAfterAccept') await hold(fault.ms);
      send(res, 200, result);
    } catch (err) {
      send(res, err instanceof z.ZodError || err instanceof SyntaxError ? 400 : 500, { code: -1000, msg: (err as Error).message });
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    book: () => book,
    close: () =>
      new Promise<void>((resolve) => {
        for (const release of [...holds]) release();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Generated candles for the klines endpoint: a deterministic walk, one per interval up to `until`. */
export function walkKlines(from: number, count: number, interval: number, start: number, seed = 1): Kline[] {
  let price = start;
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: count }, (_, i) => {
    const open = price;
    const close = open * (1 + (rand() - 0.5) * 0.01);
    price = close;
    return { openTime: from + i * interval, open, high: Math.max(open, close) * 1.001, low: Math.min(open, close) * 0.999, close, volume: 10 + rand() * 10, closeTime: from + (i + 1) * interval - 1 };
  });
}

// `node trading/fake-exchange/server.ts [port]` runs it standalone for the replay demo.
if (import.meta.url === `file://${process.argv[1]}`) {
  const ex = await startFakeExchange({
    port: Number(process.argv[2] ?? 8790),
    reset: { apiKey: 'demo-key', secret: 'demo-secret', symbols: [{ symbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT', price: 100 }], balances: { USDT: 1_000_000, BTC: 0 } },
  });
  console.log(`fake Binance spot listening on ${ex.url} (api key demo-key, secret demo-secret)`);
}
