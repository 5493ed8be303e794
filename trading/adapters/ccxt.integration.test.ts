import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VenueError, type BrokerAdapter } from '../adapter.ts';
import { ccxtPoll, FeedConfig } from '../feeds.ts';
import { startFakeExchange, walkKlines, type FakeExchange } from '../fake-exchange/server.ts';
import { CcxtConfig, configureExchange, createCcxtAdapter } from './ccxt.ts';

/** The ccxt adapter end to end: real ccxt, real HTTP, HMAC-signed requests, against the fake Binance. */
describe('the ccxt adapter against the fake exchange', () => {
  let ex: FakeExchange;
  let adapter: BrokerAdapter;
  const admin = async (path: string, body?: unknown, method = 'POST') => {
    const res = await fetch(`${ex.url}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    return res.json();
  };
  const state = () => admin('/admin/state', undefined, 'GET');

  beforeAll(async () => {
    ex = await startFakeExchange();
    adapter = createCcxtAdapter(CcxtConfig.parse({ exchange: 'binance', sandbox: true, baseUrl: ex.url, timeoutMs: 2000 }), { apiKey: 'key-1', secret: 'secret-1' });
  });
  afterAll(async () => {
    await adapter?.close();
    await ex?.close();
  });
  beforeEach(async () => {
    await admin('/admin/reset', { apiKey: 'key-1', secret: 'secret-1', symbols: [{ symbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT', price: 100 }], balances: { USDT: 10_000, BTC: 0 } });
  });

  it('places a market order, reports its fill, and moves the balances', async () => {
    const order = await adapter.placeOrder({ clientOrderId: 'tl-a', symbol: 'BTC/USDT', side: 'buy', quantity: 2, type: 'market' });
    expect(order).toMatchObject({ clientOrderId: 'tl-a', status: 'closed', filled: 2, averagePrice: 100 });
    const fills = await adapter.fillsSince('BTC/USDT', 0);
    expect(fills).toEqual([expect.objectContaining({ venueOrderId: order.venueOrderId, side: 'buy', quantity: 2, price: 100, fee: 0.2 })]);
    expect(await adapter.balances()).toMatchObject({ BTC: 2, USDT: 10_000 - 200 - 0.2 });
    expect(Math.abs((await adapter.time()) - Date.now())).toBeLessThan(5000);
  });

  it('returns the existing order for a repeated client order id while that order is open, instead of placing a second', async () => {
    const first = await adapter.placeOrder({ clientOrderId: 'tl-dup', symbol: 'BTC/USDT', side: 'buy', quantity: 1, type: 'limit', limitPrice: 90 });
    const again = await adapter.placeOrder({ clientOrderId: 'tl-dup', symbol: 'BTC/USDT', side: 'buy', quantity: 1, type: 'limit', limitPrice: 90 });
    expect(again.venueOrderId).toBe(first.venueOrderId);
    const s = await state();
    expect(s.orders).toHaveLength(1);
    expect(s.orderRequests).toBe(2); // the venue saw both and refused the second as a duplicate
  });

  it('a filled order\'s client order id is free again, as on Binance: a repeat is a second order (why a deployment looks an unknown order up before sending it again)', async () => {
    await adapter.placeOrder({ clientOrderId: 'tl-again', symbol: 'BTC/USDT', side: 'buy', quantity: 1, type: 'market' });
    await adapter.placeOrder({ clientOrderId: 'tl-again', symbol: 'BTC/USDT', side: 'buy', quantity: 1, type: 'market' });
    const s = await state();
    expect(s.orders.map((o: { clientOrderId: string }) => o.clientOrderId)).toEqual(['tl-again', 'tl-again']);
    expect(s.balances.BTC).toBe(2);
  });

  it('rests a limit order, fills it in parts as the price moves through it, and lists it while open', async () => {
    await admin('/admin/liquidity', { liquidity: 0.4 });
    await adapter.placeOrder({ clientOrderId: 'tl-lim', symbol: 'BTC/USDT', side: 'buy', quantity: 1, type: 'limit', limitPrice: 95 });
    expect((await adapter.openOrders('BTC/USDT')).map((o) => o.clientOrderId)).toEqual(['tl-lim']);
    await admin('/admin/price', { symbol: 'BTCUSDT', price: 94 });
    expect(await adapter.fetchOrder('BTC/USDT', 'tl-lim')).toMatchObject({ status: 'open', filled: 0.4, averagePrice: 95 });
    await admin('/admin/price', { symbol: 'BTCUSDT', price: 94.5 });
    await admin('/admin/price', { symbol: 'BTCUSDT', price: 94.2 });
    expect(await adapter.fetchOrder('BTC/USDT', 'tl-lim')).toMatchObject({ status: 'closed', filled: 1 });
    expect(await adapter.openOrders('BTC/USDT')).toEqual([]);
    const fills = await adapter.fillsSince('BTC/USDT', 0);
    expect(fills.map((f) => f.quantity)).toEqual([0.4, 0.4, 0.2]);
  });

  it('cancels a working order once, and reports an unknown one as absent', async () => {
    await adapter.placeOrder({ clientOrderId: 'tl-c', symbol: 'BTC/USDT', side: 'buy', quantity: 1, type: 'limit', limitPrice: 90 });
    expect(await adapter.cancelOrder('BTC/USDT', 'tl-c')).toMatchObject({ status: 'canceled' });
    expect(await adapter.cancelOrder('BTC/USDT', 'tl-c')).toBeUndefined();
    expect(await adapter.fetchOrder('BTC/USDT', 'never-placed')).toBeUndefined();
  });

  it('reports a venue refusal as rejected', async () => {
    const err = await adapter.placeOrder({ clientOrderId: 'tl-big', symbol: 'BTC/USDT', side: 'buy', quantity: 1000, type: 'market' }).catch((e) => e);
    expect(err).toBeInstanceOf(VenueError);
    expect(err.kind).toBe('rejected');
    expect(err.message).toMatch(/insufficient balance/);
  });

  it('reports a wrong secret as rejected: the fake checks the HMAC signature', async () => {
    const wrong = createCcxtAdapter(CcxtConfig.parse({ exchange: 'binance', baseUrl: ex.url }), { apiKey: 'key-1', secret: 'not-the-secret' });
    try {
      const err = await wrong.balances().catch((e) => e);
      expect(err.kind).toBe('rejected');
      expect(err.message).toMatch(/Signature/);
    } finally {
      await wrong.close();
    }
  });

  it('an order accepted but whose response was lost is unknown; looked up by its id, it is found', async () => {
    await admin('/admin/faults', { kind: 'dropAfterAccept', method: 'POST', path: '/api/v3/order' });
    const err = await adapter.placeOrder({ clientOrderId: 'tl-lost', symbol: 'BTC/USDT', side: 'buy', quantity: 1, type: 'market' }).catch((e) => e);
    expect(err.kind).toBe('unknown');
    expect(await adapter.fetchOrder('BTC/USDT', 'tl-lost')).toMatchObject({ clientOrderId: 'tl-lost', status: 'closed', filled: 1 });
    expect((await state()).orders).toHaveLength(1);
  });

  it('an open order accepted but whose response was lost: a retry under its id returns it', async () => {
    await admin('/admin/faults', { kind: 'dropAfterAccept', method: 'POST', path: '/api/v3/order' });
    const lost = { clientOrderId: 'tl-lost-limit', symbol: 'BTC/USDT', side: 'buy', quantity: 1, type: 'limit', limitPrice: 90 } as const;
    expect((await adapter.placeOrder(lost).catch((e) => e)).kind).toBe('unknown');
    expect(await adapter.placeOrder(lost)).toMatchObject({ clientOrderId: 'tl-lost-limit', status: 'open', filled: 0 });
    expect((await state()).orders).toHaveLength(1);
  });

  it('a 5xx or a dropped connection before acceptance is unknown for orders and unavailable for reads', async () => {
    await admin('/admin/faults', [{ kind: 'error5xx', path: '/api/v3/order', method: 'POST' }, { kind: 'disconnect', path: '/api/v3/openOrders' }]);
    expect((await adapter.placeOrder({ clientOrderId: 'tl-5xx', symbol: 'BTC/USDT', side: 'buy', quantity: 1, type: 'market' }).catch((e) => e)).kind).toBe('unknown');
    expect((await adapter.openOrders('BTC/USDT').catch((e) => e)).kind).toBe('unavailable');
    expect((await state()).orders).toHaveLength(0);
    // The retry with the same id goes through: exactly one order.
    await adapter.placeOrder({ clientOrderId: 'tl-5xx', symbol: 'BTC/USDT', side: 'buy', quantity: 1, type: 'market' });
    expect((await state()).orders).toHaveLength(1);
  });

  it('a slow venue beyond the timeout is unknown; the order it accepted late is found by id', async () => {
    await admin('/admin/faults', { kind: 'delay', ms: 3000, method: 'POST', path: '/api/v3/order' });
    const err = await adapter.placeOrder({ clientOrderId: 'tl-slow', symbol: 'BTC/USDT', side: 'buy', quantity: 1, type: 'market' }).catch((e) => e);
    expect(err.kind).toBe('unknown');
    await new Promise((r) => setTimeout(r, 1500));
    expect(await adapter.fetchOrder('BTC/USDT', 'tl-slow')).toMatchObject({ status: 'closed' });
  });

  it('the sandbox flag selects the venue testnet, production only when turned off, and a base URL overrides both', () => {
    const creds = { apiKey: 'k', secret: 's' };
    const api = (c: unknown) => configureExchange(CcxtConfig.parse(c), creds).urls.api as Record<string, string>;
    expect(CcxtConfig.parse({ exchange: 'binance' }).sandbox).toBe(true);
    expect(api({ exchange: 'binance' }).private).toBe('https://testnet.binance.vision/api/v3');
    expect(api({ exchange: 'binance', sandbox: false }).private).toBe('https://api.binance.com/api/v3');
    expect(api({ exchange: 'binance', baseUrl: 'http://127.0.0.1:9/' }).public).toBe('http://127.0.0.1:9/api/v3');
    expect(CcxtConfig.safeParse({ exchange: 'binance', baseUrl: 'file:///etc/passwd' }).success).toBe(false);
  });

  it('the polling feed reads closed candles from the public klines endpoint, after its cursor, without keys', async () => {
    const minute = 60_000;
    // One clock reading for the whole test: a minute that turned between two readings would close
    // candle 10 for the second poll.
    const now = Date.now();
    const start = Math.floor(now / minute) * minute - 10 * minute;
    // Ten closed candles and the one still forming.
    await admin('/admin/klines', { symbol: 'BTCUSDT', klines: walkKlines(start, 11, minute, 100, 3) });
    const feed = FeedConfig.parse({ kind: 'ccxt', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m', baseUrl: ex.url }) as Extract<FeedConfig, { kind: 'ccxt' }>;
    const source = configureExchange(CcxtConfig.parse({ exchange: 'binance', baseUrl: ex.url }), { apiKey: '', secret: '' });
    const first = await ccxtPoll(source, feed, start + 4 * minute, now, 100);
    expect(first.bars.map((b) => (b.time - start) / minute)).toEqual([5, 6, 7, 8, 9]);
    expect(first.bars[0]!.observedAt).toBe(start + 6 * minute);
    expect(first.bars.every((b) => b.high >= b.low && b.close > 0)).toBe(true);
    const none = await ccxtPoll(source, feed, start + 9 * minute, now, 100);
    expect(none.bars).toEqual([]);
    expect(none.waitMs).toBeGreaterThanOrEqual(200);
  });
});
