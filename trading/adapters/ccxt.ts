import ccxt from 'ccxt';
import { z } from 'zod';
import { VenueError, type BrokerAdapter, type PlaceOrderRequest, type VenueFill, type VenueOrder, type VenueOrderStatus } from '../adapter.ts';

/**
 * Venue settings of a ccxt deployment. No secrets here: keys travel separately (trading/secrets.ts) and
 * exist in clear only inside the activity that sends orders. Binance spot is the venue supported and
 * tested (against trading/fake-exchange); its testnet is the sandbox.
 */
export const CcxtConfig = z.object({
  exchange: z.literal('binance'),
  /** Trade on the venue's testnet (https://testnet.binance.vision) instead of production. */
  sandbox: z.boolean().default(true),
  /** Point the adapter somewhere else entirely, e.g. the local fake exchange (http://127.0.0.1:8790). */
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  recvWindow: z.number().int().min(1000).max(60_000).default(5000),
  timeoutMs: z.number().int().min(500).max(60_000).default(10_000),
});
export type CcxtConfig = z.infer<typeof CcxtConfig>;

export interface ExchangeCredentials {
  apiKey: string;
  secret: string;
}

type Exchange = InstanceType<typeof ccxt.binance>;
type CcxtOrder = Awaited<ReturnType<Exchange['fetchOrder']>>;

/** ccxt's order statuses are already the unified ones the gateway uses. */
const statuses: readonly VenueOrderStatus[] = ['open', 'closed', 'canceled', 'rejected', 'expired'];

function toOrder(o: CcxtOrder): VenueOrder {
  const status = statuses.includes(o.status as VenueOrderStatus) ? (o.status as VenueOrderStatus) : 'open';
  return {
    clientOrderId: o.clientOrderId ?? '',
    venueOrderId: String(o.id),
    symbol: o.symbol ?? '',
    side: o.side === 'sell' ? 'sell' : 'buy',
    type: o.type === 'limit' ? 'limit' : 'market',
    quantity: o.amount ?? NaN,
    filled: o.filled ?? 0,
    averagePrice: o.average ?? NaN,
    limitPrice: o.type === 'limit' ? (o.price ?? undefined) : undefined,
    status,
    time: o.timestamp ?? o.lastTradeTimestamp ?? 0,
  };
}

/**
 * ccxt's OperationFailed family (network errors, timeouts, 5xx, Binance's -1000/-1001/-1006/-1007): the
 * request may or may not have been executed, and retrying may help. Everything else is a refusal.
 */
const isNetwork = (err: unknown) => err instanceof ccxt.OperationFailed;
const isNotFound = (err: unknown) => err instanceof ccxt.OrderNotFound;
/**
 * Binance refuses a timestamp more than 1 s ahead of its clock, so a clock it accepts requests from is at
 * most that far ahead of its own: a request stamped t can reach its matching engine until t + recvWindow
 * + this, by our clock, and no later (it checks the recvWindow on receipt and again there).
 */
const clockAheadMs = 1000;

const isDuplicate = (err: unknown) => err instanceof ccxt.ExchangeError && /Duplicate order sent/i.test((err as Error).message);

/** The ccxt exchange object for a config: sandbox (testnet) URLs, then the base-URL override. */
export function configureExchange(config: CcxtConfig, credentials: ExchangeCredentials): Exchange {
  const exchange: Exchange = new ccxt.binance({
    apiKey: credentials.apiKey,
    secret: credentials.secret,
    timeout: config.timeoutMs,
    enableRateLimit: true,
    options: {
      // Spot only: loading futures and margin markets would call endpoints (and hosts) we never trade on.
      fetchMarkets: { types: ['spot'] },
      fetchCurrencies: false,
      recvWindow: config.recvWindow,
      adjustForTimeDifference: false,
    },
  });
  if (config.sandbox) exchange.setSandboxMode(true);
  if (config.baseUrl) {
    const base = config.baseUrl.replace(/\/+$/, '');
    const api = exchange.urls.api as Record<string, string>;
    api.public = `${base}/api/v3`;
    api.private = `${base}/api/v3`;
  }
  return exchange;
}

/** A ccxt-backed venue (Binance spot). */
export function createCcxtAdapter(config: CcxtConfig, credentials: ExchangeCredentials): BrokerAdapter {
  const exchange = configureExchange(config, credentials);

  /** Reads are retried by the caller's activity; only their failure kind matters here. */
  const read = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (err) {
      if (isNetwork(err)) throw new VenueError('unavailable', `${what}: ${(err as Error).message}`, { cause: err });
      throw new VenueError('rejected', `${what}: ${(err as Error).message}`, { cause: err });
    }
  };

  const fetchOrder = async (symbol: string, clientOrderId: string): Promise<VenueOrder | undefined> => {
    try {
      await exchange.loadMarkets();
      return toOrder(await exchange.fetchOrder('', symbol, { origClientOrderId: clientOrderId }));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      if (isNetwork(err)) throw new VenueError('unavailable', `fetch order ${clientOrderId}: ${(err as Error).message}`, { cause: err });
      throw new VenueError('rejected', `fetch order ${clientOrderId}: ${(err as Error).message}`, { cause: err });
    }
  };

  return {
    kind: 'ccxt',
    lateArrivalMs: config.recvWindow + clockAheadMs,
    async placeOrder(req: PlaceOrderRequest): Promise<VenueOrder> {
      await read('load markets', () => exchange.loadMarkets());
      try {
        const params = { newClientOrderId: req.clientOrderId };
        const placed = await exchange.createOrder(req.symbol, req.type, req.side, req.quantity, req.type === 'limit' ? req.limitPrice : undefined, params);
        // The order response can be partial (RESULT type); the venue's full view is one call away.
        return toOrder({ ...placed, clientOrderId: placed.clientOrderId ?? req.clientOrderId });
      } catch (err) {
        if (isDuplicate(err)) {
          // Already placed by an earlier attempt: that order is the answer, not an error.
          const existing = await fetchOrder(req.symbol, req.clientOrderId);
          if (existing) return existing;
          throw new VenueError('unknown', `the venue reports ${req.clientOrderId} as a duplicate but cannot find it`, { cause: err });
        }
        // A timeout or dropped connection after sending: the order may exist. Never assume it does not.
        if (isNetwork(err)) throw new VenueError('unknown', `place ${req.clientOrderId}: ${(err as Error).message}`, { cause: err });
        throw new VenueError('rejected', `place ${req.clientOrderId}: ${(err as Error).message}`, { cause: err });
      }
    },
    async cancelOrder(symbol, clientOrderId) {
      try {
        await exchange.loadMarkets();
        return toOrder(await exchange.cancelOrder('', symbol, { origClientOrderId: clientOrderId }));
      } catch (err) {
        if (isNotFound(err)) return undefined;
        if (isNetwork(err)) throw new VenueError('unavailable', `cancel ${clientOrderId}: ${(err as Error).message}`, { cause: err });
        throw new VenueError('rejected', `cancel ${clientOrderId}: ${(err as Error).message}`, { cause: err });
      }
    },
    fetchOrder,
    async openOrders(symbol) {
      return read('open orders', async () => {
        await exchange.loadMarkets();
        return (await exchange.fetchOpenOrders(symbol)).map(toOrder);
      });
    },
    async fillsSince(symbol, since) {
      return read('fills', async () => {
        await exchange.loadMarkets();
        const out: VenueFill[] = [];
        const seen = new Set<string>();
        let from = since;
        // Page by time; a page boundary may repeat trades of one millisecond, which the id set drops.
        for (;;) {
          const page = await exchange.fetchMyTrades(symbol, from, 1000);
          let added = 0;
          for (const t of page) {
            const id = String(t.id);
            if (seen.has(id)) continue;
            seen.add(id);
            added++;
            out.push({ tradeId: id, venueOrderId: String(t.order), symbol: t.symbol ?? symbol, side: t.side === 'sell' ? 'sell' : 'buy', quantity: t.amount ?? 0, price: t.price ?? NaN, fee: t.fee?.cost ?? 0, time: t.timestamp ?? 0 });
          }
          if (page.length < 1000 || added === 0) break;
          from = page[page.length - 1]!.timestamp ?? from;
        }
        return out.sort((a, b) => a.time - b.time);
      });
    },
    async balances() {
      return read('balances', async () => {
        const b = await exchange.fetchBalance();
        const total = (b.total ?? {}) as unknown as Record<string, number | undefined>;
        return Object.fromEntries(Object.entries(total).map(([asset, x]) => [asset, x ?? 0]));
      });
    },
    async time() {
      return read('time', async () => Number(await exchange.fetchTime()));
    },
    async close() {
      await exchange.close();
    },
  };
}
