import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { MockActivityEnvironment } from '@temporalio/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { registry } from '../nodes/index.ts';
import { createTestDatabase } from '../scripts/test-services.ts';
import { Deployment, DeploymentAlert, DeploymentEvent, DeploymentFill, DeploymentOrder, LOCAL_OWNER, Strategy } from '../server/db/entities.ts';
import { openDatabase, type Orm } from '../server/db/orm.ts';
import { waitFor } from '../server/testing/harness.ts';
import { startFakeExchange, type FakeExchange } from '../trading/fake-exchange/server.ts';
import { createCcxtAdapter } from '../trading/adapters/ccxt.ts';
import { initialRiskState, RiskLimits } from '../trading/risk-gate.ts';
import { encryptSecret } from '../trading/secrets.ts';
import type { DeploymentSummary } from '../trading/config.ts';
import { createDeploymentActivities, type StepResult } from './deployment-activities.ts';

/**
 * The deployment activities against real PostgreSQL and the fake Binance over HTTP, with the clock in the
 * test's hands: duplicate bars, replayed signals and retried activities never make a second order, and
 * fat-fingered or unpriceable orders are refused before anything is sent, with a recorded reason.
 */

// The synthetic data node's params.
const data = { seed: 3, bars: 500 };
const node = (id: string, type: string, params: object) => ({ id, type, params, position: { x: 0, y: 0 } });
const edge = (id: string, from: [string, string], to: [string, string]) => ({ id, source: { node: from[0], port: from[1] }, target: { node: to[0], port: to[1] } });
/** Holds `units` from the first bar on: one order, then the same instruction every bar. */
const hold = (units: number) => ({ schemaVersion: 1, nodes: [node('data', 'data.synthetic', data), node('qty', 'math.constant', { value: units }), node('order', 'order.targetPosition', {})], edges: [edge('e1', ['qty', 'value'], ['order', 'units'])] });
/** Buys 1 unit with a limit `offset` % below the close. */
const limitAway = (offset: number) => ({
  schemaVersion: 1,
  nodes: [node('data', 'data.synthetic', data), node('always', 'logic.threshold', { operator: '>', level: 0 }), node('order', 'order.limit', { sizeMode: 'units', size: 1, offsetPercent: offset })],
  edges: [edge('e1', ['data', 'close'], ['always', 'value']), edge('e2', ['always', 'result'], ['order', 'enter'])],
});

describe('deployment activities: idempotency and the risk gate (real PostgreSQL, fake exchange)', () => {
  let orm: Orm;
  let drop: () => Promise<void>;
  let ex: FakeExchange;
  const master = randomBytes(32);
  let clock = 0;
  const T0 = Date.parse('2026-11-22T10:00:00Z');
  // The wait before an unknown order is looked up (`lateArrivalMs`) is measured on `clock`, which only the
  // tests move: by default it is recorded and skipped; the tests of late originals wait for real.
  let waits: number[] = [];
  const skipWaits = async (ms: number) => void waits.push(ms);
  const activities = (sleep: (ms: number) => Promise<unknown> = skipWaits, env: NodeJS.ProcessEnv = {}) => createDeploymentActivities({ orm, registry, log: pino({ level: 'silent' }), now: () => clock, masterKey: () => master, sleep, env });
  const admin = async (path: string, body?: unknown, method = 'POST') => (await fetch(`${ex.url}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) })).json();
  const venue = () => admin('/admin/state', undefined, 'GET');
  const step = (acts: ReturnType<typeof activities>, id: string, attempt = 1) => new MockActivityEnvironment({ attempt }).run(acts.stepDeployment, id) as Promise<StepResult>;
  const reconcile = (acts: ReturnType<typeof activities>, id: string) => new MockActivityEnvironment().run(acts.reconcileDeployment, id) as Promise<DeploymentSummary>;
  const control = (acts: ReturnType<typeof activities>, id: string, action: string) => new MockActivityEnvironment().run(acts.controlDeployment, id, { action, by: 'test' } as never) as Promise<DeploymentSummary>;

  beforeAll(async () => {
    const db = await createTestDatabase();
    drop = db.drop;
    ({ orm } = await openDatabase({ databaseUrl: db.url, dataDir: '/nonexistent' }));
    ex = await startFakeExchange();
  });
  afterAll(async () => {
    await ex?.close();
    await orm?.close();
    await drop?.();
  });
  beforeEach(async () => {
    clock = T0;
    waits = [];
    await admin('/admin/reset', { apiKey: 'k', secret: 's', symbols: [{ symbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT', price: 100 }], balances: { USDT: 10_000_000, BTC: 0 } });
  });

  async function deployment(graph: object, limits: Partial<RiskLimits> = {}, extra: Partial<Pick<Deployment, 'staleAfterMs' | 'catchUp' | 'startedAt'>> & { barsPerSecond?: number; feed?: Record<string, unknown>; venue?: Record<string, unknown> } = {}) {
    const em = orm.em.fork();
    const strategy = em.create(Strategy, { owner: LOCAL_OWNER, name: 'gate', graph: graph as Record<string, unknown> });
    const id = crypto.randomUUID();
    em.create(Deployment, {
      id, owner: LOCAL_OWNER, strategy, name: 'gate', mode: 'live', graph: graph as Record<string, unknown>, symbol: 'BTC/USDT',
      feed: extra.feed ?? { kind: 'replay', barsPerSecond: extra.barsPerSecond ?? 1, startBar: 0 },
      venue: { kind: 'ccxt', exchange: 'binance', sandbox: true, baseUrl: ex.url, recvWindow: 60_000, timeoutMs: 5000, ...extra.venue },
      credentials: encryptSecret(master, id, { apiKey: 'k', secret: 's' }) as unknown as Record<string, unknown>,
      riskLimits: RiskLimits.parse({ maxOrderQuantity: 100, maxOrderNotional: 1e6, maxPosition: 1000, maxGrossExposure: 1e7, ...limits }) as unknown as Record<string, unknown>,
      riskState: initialRiskState(100_000, T0) as unknown as Record<string, unknown>,
      initialCash: 100_000, startedAt: extra.startedAt ?? T0, staleAfterMs: extra.staleAfterMs ?? 60_000, catchUp: extra.catchUp ?? 'skip', workflowId: `deployment-${id}`,
    });
    await em.flush();
    return id;
  }
  const rows = (id: string) => orm.em.fork().find(DeploymentOrder, { deployment: id }, { orderBy: { createdAt: 'asc' } });
  const events = (id: string) => orm.em.fork().find(DeploymentEvent, { deployment: id }, { orderBy: { seq: 'asc' } });

  it('a duplicate bar, the same signal on later bars and a retried step place one order', async () => {
    const acts = activities();
    const id = await deployment(hold(5));
    // The venue clock is the wall clock; ours is the replay's. Signed requests use the wall clock, so only
    // the replay schedule moves here.
    clock = T0 + 1000;
    const first = await step(acts, id);
    expect(first.processed).toBe(1);
    expect((await venue()).orders).toHaveLength(1);
    // The same bar again (the feed repeats itself, or a retry re-reads it): nothing new.
    expect((await step(acts, id)).processed).toBe(0);
    // Ten more bars, each restating "hold 5": unchanged instructions, no orders.
    clock = T0 + 11_000;
    expect((await step(acts, id)).processed).toBe(10);
    // A retried attempt after a worker died having sent the order but before it wrote the answer down:
    // the row says the request left (unknown, with its time).
    await orm.em.fork().nativeUpdate(DeploymentOrder, { deployment: id }, { status: 'unknown', venueOrderId: null, filled: 0, sentAt: clock });
    const retried = await step(acts, id, 2);
    expect(retried.summary.tradingState).toBe('ACTIVE');
    const v = await venue();
    expect(v.orders).toHaveLength(1);
    expect(v.orderRequests).toBe(1); // the retry reconciled and found the order by its client order id
    expect((await rows(id)).map((r) => [r.status, r.venueOrderId])).toEqual([['filled', String(v.orders[0].orderId)]]);
    expect(retried.summary.position).toBe(5);
    // And a fresh round (no reconcile): the unknown row is looked up, once its original can no longer
    // arrive (recvWindow 60 s + 1 s), and found; nothing is sent again, though its id is free on the venue.
    await orm.em.fork().nativeUpdate(DeploymentOrder, { deployment: id }, { status: 'unknown', venueOrderId: null, sentAt: clock });
    waits = [];
    await step(acts, id, 1);
    expect(waits).toEqual([61_000]);
    expect((await venue()).orders).toHaveLength(1);
    expect((await venue()).orderRequests).toBe(1);
    expect((await rows(id))[0]!.status).toBe('filled');
  });

  /**
   * A deployment holding 5 units (`venue`: its venue settings' overrides), reconciled, whose order
   * placements meet `fault` (a fake-exchange fault on POST /api/v3/order); the clock stands at its first bar.
   */
  async function holdFiveMeeting(acts: ReturnType<typeof activities>, fault: Record<string, unknown>, venue?: Record<string, unknown>) {
    const id = await deployment(hold(5), {}, venue ? { venue } : {});
    await reconcile(acts, id);
    await admin('/admin/faults', { method: 'POST', path: '/api/v3/order', ...fault });
    clock = T0 + 1000;
    return id;
  }

  /** The deployment's one order row and the venue's one order: the same client order id, filled. */
  async function expectOneFilledOrder(id: string) {
    const v = await venue();
    expect(v.orders).toHaveLength(1);
    const [row, ...more] = await rows(id);
    expect(more).toEqual([]);
    expect([row!.status, row!.clientOrderId, row!.venueOrderId]).toEqual(['filled', v.orders[0].clientOrderId, String(v.orders[0].orderId)]);
    expect(v.balances.BTC).toBe(5);
    return v;
  }

  it('a 5xx on placement, three times in a row: each retry sends the order again under the same id until it arrives, once', async () => {
    const acts = activities();
    const id = await holdFiveMeeting(acts, { kind: 'error5xx', times: 3 });
    // Temporal's attempts of one step: the first three meet the 5xx and fail, the row staying unknown.
    for (const attempt of [1, 2, 3]) {
      await expect(step(acts, id, attempt)).rejects.toThrow(/503|Internal error/);
      expect((await rows(id)).map((r) => r.status)).toEqual(['unknown']);
    }
    const fourth = await step(acts, id, 4);
    expect(fourth.summary.tradingState).toBe('ACTIVE');
    const v = await expectOneFilledOrder(id);
    expect(v.counts['POST /api/v3/order']).toBe(4);
    expect(v.orderRequests).toBe(1);
    // The next bar stores its fill: the deployment holds what the strategy asked for, and nothing is sent again.
    clock = T0 + 2000;
    expect((await step(acts, id)).summary).toMatchObject({ position: 5, tradingState: 'ACTIVE' });
    expect((await venue()).counts['POST /api/v3/order']).toBe(4);
  });

  it('an unknown order is sent again by a fresh round of the step too (attempt 1, no reconcile first)', async () => {
    const acts = activities();
    const id = await holdFiveMeeting(acts, { kind: 'error5xx', times: 1 });
    await expect(step(acts, id, 1)).rejects.toThrow(/503|Internal error/);
    // The workflow's next round of tries starts again at attempt 1.
    await step(acts, id, 1);
    await expectOneFilledOrder(id);
  });

  it('a start\'s reconciliation whose resend of an unknown order fails again is not a halt: the next step sends it', async () => {
    const acts = activities();
    const id = await holdFiveMeeting(acts, { kind: 'error5xx', times: 2 });
    await expect(step(acts, id, 1)).rejects.toThrow(/503|Internal error/);
    // A continue-as-new (or a new worker) starts with a reconciliation; the venue answers 5xx once more.
    expect((await reconcile(acts, id)).tradingState).toBe('ACTIVE');
    expect((await rows(id)).map((r) => r.status)).toEqual(['unknown']);
    await step(acts, id, 1);
    await expectOneFilledOrder(id);
  });

  it('a placement that timed out while the request was still on its way: the retry waits out its recvWindow, finds the late original, and sends nothing', async () => {
    // The venue's delays are real time, so the wait is too.
    const acts = activities((ms) => sleepFor(ms));
    // The venue processes the order 2.5 s after it was sent, inside its 4 s recvWindow; the client gives up after 1 s.
    const id = await holdFiveMeeting(acts, { kind: 'delay', ms: 2500 }, { recvWindow: 4000, timeoutMs: 1000 });
    const sent = Date.now();
    await expect(step(acts, id, 1)).rejects.toThrow(/timed out|timeout/i);
    // The retry's reconciliation looks too early (not there yet); the send waits until 5 s after the
    // timeout, then finds the original filled. A resend at once would have been a second order: the
    // filled original's id is free again on Binance.
    const retried = await step(acts, id, 2);
    expect(retried.summary.tradingState).toBe('ACTIVE');
    // Whatever was on its way has reached the venue by now.
    await sleepFor(Math.max(0, sent + 3000 - Date.now()));
    const v = await expectOneFilledOrder(id);
    expect(v.counts['POST /api/v3/order']).toBe(1);
    clock = T0 + 2000;
    expect((await step(acts, id)).summary).toMatchObject({ position: 5, tradingState: 'ACTIVE' });
  });

  for (const [lateBy, outcome] of [[1200, 'found, not sent again'], [2600, 'refused by the venue, so the resend is the one order']] as const) {
    it(`a 5xx for an order that reaches the matching engine ${lateBy / 1000} s later, with a 2 s recvWindow: ${outcome}`, async () => {
      const acts = activities((ms) => sleepFor(ms));
      const id = await holdFiveMeeting(acts, { kind: 'acceptLate', ms: lateBy }, { recvWindow: 2000, timeoutMs: 1000 });
      await expect(step(acts, id, 1)).rejects.toThrow(/503|Internal error/);
      expect((await rows(id)).map((r) => r.status)).toEqual(['unknown']);
      // A fresh round (no reconciliation): the lookup waits 2 s + 1 s from the 5xx.
      const t0 = Date.now();
      await step(acts, id, 1);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(2900);
      const v = await expectOneFilledOrder(id);
      expect(v.counts['POST /api/v3/order']).toBe(lateBy < 2000 ? 1 : 2);
      clock = T0 + 2000;
      expect((await step(acts, id)).summary).toMatchObject({ position: 5, tradingState: 'ACTIVE' });
    });
  }

  it('an order the venue accepted but whose answer was lost is found by its id on the retry, not sent again', async () => {
    const acts = activities();
    const id = await holdFiveMeeting(acts, { kind: 'dropAfterAccept' });
    await expect(step(acts, id, 1)).rejects.toThrow();
    expect((await rows(id)).map((r) => r.status)).toEqual(['unknown']);
    await step(acts, id, 2);
    const v = await expectOneFilledOrder(id);
    expect(v.counts['POST /api/v3/order']).toBe(1);
  });

  it('stopped right after it sent an order: the stop stores the order\'s fills, and the position is what the venue holds', async () => {
    const acts = activities();
    const id = await deployment(hold(5));
    await reconcile(acts, id);
    clock = T0 + 1000;
    await step(acts, id); // the order is sent after the bar and fills at once; its fill is stored by the next bar
    expect((await venue()).balances.BTC).toBe(5);
    const stopped = await control(acts, id, 'stop');
    expect(stopped).toMatchObject({ status: 'stopped', position: 5, tradingState: 'ACTIVE' });
    const v = await venue();
    const fills = await orm.em.fork().find(DeploymentFill, { deployment: id });
    expect(fills.map((f) => [f.tradeId, f.clientOrderId, f.quantity])).toEqual(v.trades.map((t: { id: number; qty: string }) => [String(t.id), v.orders[0].clientOrderId, Number(t.qty)]));
    const d = await orm.em.fork().findOneOrFail(Deployment, { id });
    expect(d.position).toBe(5);
    // Marked at the last bar's close: 5 bought at the venue's price, less the fee.
    expect(d.equity).toBeCloseTo(100_000 + 5 * (d.lastPrice! - fills[0]!.price) - fills[0]!.fee, 6);
  });

  it('a new deployment on an account that traded just before it started is not halted by those trades; someone else trading after it started is', async () => {
    const acts = activities();
    // The previous deployment on the same keys buys 5 and is stopped.
    const previous = await deployment(hold(5));
    await reconcile(acts, previous);
    clock = T0 + 1000;
    await step(acts, previous);
    await control(acts, previous, 'stop');
    expect((await venue()).trades).toHaveLength(1);
    // At once, a new one: its replay starts now (the venue's trades carry the wall clock).
    const startedAt = Date.now();
    const id = await deployment(hold(5), {}, { startedAt });
    const first = await reconcile(acts, id);
    expect(first).toMatchObject({ tradingState: 'ACTIVE', halt: null, position: 0 });
    clock = startedAt + 1000;
    await step(acts, id);
    clock = startedAt + 2000;
    expect((await step(acts, id)).summary).toMatchObject({ tradingState: 'ACTIVE', position: 5 });
    expect((await reconcile(acts, id)).tradingState).toBe('ACTIVE'); // the venue holds 10: 5 before it started, 5 its own
    expect((await events(id)).filter((e) => e.kind === 'risk')).toEqual([]);

    // Someone else buys on the account after it started: exposure nobody here can explain.
    const other = createCcxtAdapter({ exchange: 'binance', sandbox: true, baseUrl: ex.url, recvWindow: 60_000, timeoutMs: 5000 }, { apiKey: 'k', secret: 's' });
    try {
      await other.placeOrder({ clientOrderId: 'someone-else-1', symbol: 'BTC/USDT', side: 'buy', quantity: 1, type: 'market' });
    } finally {
      await other.close();
    }
    clock = startedAt + 3000;
    const halted = await step(acts, id);
    expect(halted.summary.tradingState).toBe('HALTED');
    expect(halted.summary.halt).toMatch(/^UNKNOWN_EXPOSURE: trade \d+ of venue order \d+ is not ours/);
  });

  it('the trades of its own orders are found even when the venue stamps them before the deployment started (clock skew)', async () => {
    const acts = activities();
    // The app's clock runs 30 s ahead of the venue's: its orders' trades are stamped before its start.
    const startedAt = Date.now() + 30_000;
    const id = await deployment(hold(5), {}, { startedAt });
    await reconcile(acts, id);
    clock = startedAt + 1000;
    await step(acts, id);
    clock = startedAt + 2000;
    expect((await step(acts, id)).summary).toMatchObject({ tradingState: 'ACTIVE', position: 5 });
    const [trade] = (await venue()).trades;
    expect(trade.time).toBeLessThan(startedAt);
    expect((await orm.em.fork().find(DeploymentFill, { deployment: id })).map((f) => f.tradeId)).toEqual([String(trade.id)]);
  });

  /** Buys 900 at a venue price 10 % over the bars' (~100): marked at the bar's close, equity drops ~9 %. Ten bars more. */
  async function overpay(limits: Partial<RiskLimits>) {
    const acts = activities();
    const id = await deployment(hold(900), { maxOrderQuantity: 1000, ...limits });
    await reconcile(acts, id);
    await admin('/admin/price', { symbol: 'BTCUSDT', price: 110 });
    clock = T0 + 1000;
    await step(acts, id);
    clock = T0 + 2000;
    const tripped = await step(acts, id);
    clock = T0 + 12_000;
    const later = await step(acts, id);
    expect(later.processed).toBe(10);
    return { id, tripped: tripped.summary, later: later.summary };
  }
  const riskEvents = async (id: string) => (await events(id)).filter((e) => e.kind === 'risk').map((e) => [e.code, e.message]);

  it('a drawdown past the limit halts the deployment and says so in its journal, once', async () => {
    const { id, tripped, later } = await overpay({ maxDrawdownPct: 5, maxDailyLossPct: 50 });
    expect(tripped).toMatchObject({ tradingState: 'HALTED', position: 900 });
    expect(tripped.halt).toMatch(/^DRAWDOWN: equity .* % below its peak/);
    expect(later.tradingState).toBe('HALTED');
    expect(await riskEvents(id)).toEqual([['DRAWDOWN', `halted: ${tripped.halt!.slice('DRAWDOWN: '.length)}`]]);
  });

  it('the daily-loss limit allows only reducing orders and says so in its journal, once', async () => {
    const { id, tripped, later } = await overpay({ maxDrawdownPct: 50, maxDailyLossPct: 5 });
    expect(tripped).toMatchObject({ tradingState: 'REDUCING', halt: null, position: 900 });
    expect(later.tradingState).toBe('REDUCING');
    const journal = await riskEvents(id);
    expect(journal).toEqual([['DAILY_LOSS', expect.stringMatching(/^only reducing orders until the next UTC day: equity .* % below the day's start/)]]);
  });

  it('a venue error that is journaled or logged carries no signature, API key or timestamp of the signed request', async () => {
    const acts = activities();
    const id = await deployment(hold(5));
    await reconcile(acts, id);
    // The step's fill sync (a signed GET, its signature in the URL that ccxt quotes) loses its connection.
    await admin('/admin/faults', { kind: 'disconnect', method: 'GET', path: '/api/v3/myTrades' });
    clock = T0 + 1000;
    const err = (await step(acts, id).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/myTrades/);
    const secrets = /(signature|timestamp|apiKey)=[^&\s<]/i;
    // What the worker logs and workflow history keep: the message, the stack and the cause's.
    const chain = (e: unknown): string[] => (e instanceof Error ? [e.message, e.stack ?? '', ...chain(e.cause)] : []);
    expect(chain(err).join('\n')).not.toMatch(secrets);
    await acts.noteStepFailure(id, `${err.message}; trying again every 5–60 s`);
    const [noted] = (await events(id)).filter((e) => e.code === 'STEP_FAILED');
    expect(noted!.message).toMatch(/myTrades\?.*signature=<redacted>/);
    expect(noted!.message).not.toMatch(secrets);
  });

  it('fat finger: 1000× the size is refused before sending, with its reason recorded', async () => {
    const id = await deployment(hold(5000), { maxOrderQuantity: 5 });
    clock = T0 + 1000;
    const r = await step(activities(), id);
    expect(r.processed).toBe(1);
    const [row] = await rows(id);
    expect(row).toMatchObject({ status: 'denied', reasonCode: 'MAX_ORDER_QUANTITY', quantity: 5000 });
    expect(row!.message).toMatch(/exceeds the maximum order size 5/);
    expect((await events(id)).filter((e) => e.kind === 'denial').map((e) => e.code)).toEqual(['MAX_ORDER_QUANTITY']);
    expect((await venue()).orderRequests).toBe(0);
  });

  it('fat finger: a limit price 50 % away from the reference is refused by the collar', async () => {
    const id = await deployment(limitAway(50));
    clock = T0 + 1000;
    await step(activities(), id);
    const [row] = await rows(id);
    expect(row).toMatchObject({ status: 'denied', reasonCode: 'PRICE_COLLAR', type: 'limit' });
    expect(row!.limitPrice! / row!.referencePrice!).toBeCloseTo(0.5, 9);
    expect((await venue()).orderRequests).toBe(0);
  });

  it('a stale reference price is refused', async () => {
    // Bars are only treated as an outage after an hour, but prices older than 10 s are not traded on.
    const id = await deployment(hold(5), { maxReferenceAgeMs: 10_000 }, { staleAfterMs: 3_600_000 });
    clock = T0 + 60_000; // bar 0 was due at T0 + 1 s: its close is 59 s old
    await step(activities(), id);
    const first = (await rows(id))[0]!;
    expect(first).toMatchObject({ status: 'denied', reasonCode: 'STALE_REFERENCE' });
    expect((await venue()).orderRequests).toBe(0);
  });

  it('bars that arrive after an outage are not traded (catch-up policy skip) and the outage is recorded', async () => {
    const id = await deployment(hold(5));
    clock = T0 + 300_000; // five minutes of bars at once
    await step(activities(), id);
    expect(await rows(id)).toEqual([]);
    const codes = (await events(id)).map((e) => e.code);
    expect(codes).toContain('STALE_BAR');
    expect((await venue()).orderRequests).toBe(0);
  });

  it('unknown exposure on the venue halts the deployment: a position nobody can explain is not flat', async () => {
    const acts = activities();
    const id = await deployment(hold(5));
    // As the workflow does at start: the first reconciliation fixes the venue balance the deployment starts from.
    expect((await reconcile(acts, id)).tradingState).toBe('ACTIVE');
    clock = T0 + 1000;
    await step(acts, id);
    // Someone trades the account behind the deployment's back.
    await admin('/admin/reset', { apiKey: 'k', secret: 's', symbols: [{ symbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT', price: 100 }], balances: { USDT: 10_000_000, BTC: 7 } });
    const s = await reconcile(acts, id);
    expect(s.tradingState).toBe('HALTED');
    expect(s.halt).toMatch(/UNKNOWN_EXPOSURE/);
  });

  /**
   * Issue #4: a NaN (or infinite, zero, negative) price from the feed. The market data comes from the
   * fake venue's klines through the ccxt feed: the first candle's close is corrupt, the next is good.
   */
  for (const bad of ['NaN', 'Infinity', '-Infinity', 0, -5] as const) {
    it(`a feed bar whose close is ${bad} prices no order: the reason is recorded and the deployment stays healthy`, async () => {
      const minute = 60_000;
      const k = (i: number, close: number | string) => ({ openTime: T0 + i * minute, open: 100, high: 101, low: 99, close, volume: 10, closeTime: T0 + (i + 1) * minute - 1 });
      await admin('/admin/klines', { symbol: 'BTCUSDT', klines: [k(0, bad), k(1, 100.5), k(2, 100.2)] });
      const acts = activities();
      const id = await deployment(hold(5), {}, { feed: { kind: 'ccxt', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m', sandbox: true, baseUrl: ex.url } });
      expect((await reconcile(acts, id)).tradingState).toBe('ACTIVE');
      // Only the corrupt candle has closed.
      clock = T0 + minute + 500;
      const r = await step(acts, id);
      expect(r.processed).toBe(1);
      expect(await rows(id)).toEqual([]);
      expect((await venue()).orderRequests).toBe(0);
      const [badBar] = (await events(id)).filter((e) => e.kind === 'feed');
      expect(badBar).toMatchObject({ code: 'BAD_BAR' });
      expect(badBar!.message).toMatch(/has an unusable price \(open 100, high 101, low 99, close .+\): skipped, no order is priced on it/);
      expect(r.summary).toMatchObject({ tradingState: 'ACTIVE', status: 'running', halt: null, barsProcessed: 1, lastPrice: null, position: 0 });
      expect(Number.isFinite(r.summary.equity)).toBe(true);
      // The next good candle trades as usual: one order, priced against a good reference.
      clock = T0 + 2 * minute + 500;
      const next = await step(acts, id);
      expect(next.processed).toBe(1);
      const placed = await rows(id);
      expect(placed.map((o) => [o.side, o.quantity, o.status, o.referencePrice])).toEqual([['buy', 5, 'filled', 100.5]]);
      expect((await venue()).orderRequests).toBe(1);
      expect(next.summary).toMatchObject({ tradingState: 'ACTIVE', lastPrice: 100.5 });
      expect((await venue()).balances.BTC).toBe(5);
    });
  }

  it('a corrupt first bar after an outage prices nothing: the flatten waits for the next good bar', async () => {
    // The flatten after an outage is priced against the first fresh bar; a NaN one is no reference at all.
    const minute = 60_000;
    const k = (i: number, close: number | string) => ({ openTime: T0 + i * minute, open: 100, high: 101, low: 99, close, volume: 10, closeTime: T0 + (i + 1) * minute - 1 });
    await admin('/admin/klines', { symbol: 'BTCUSDT', klines: [k(0, 100), ...Array.from({ length: 6 }, (_, i) => k(i + 1, 100)), k(7, 'NaN'), k(8, 100.4)] });
    const acts = activities();
    const id = await deployment(hold(5), {}, { catchUp: 'flatten', feed: { kind: 'ccxt', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m', sandbox: true, baseUrl: ex.url } });
    await reconcile(acts, id);
    clock = T0 + minute + 500;
    await step(acts, id); // bar 0: buy 5
    expect((await venue()).balances.BTC).toBe(5);
    // The worker is away: bars 1–6 arrive late (an outage), bar 7 is fresh but corrupt, bar 8 fresh and good.
    clock = T0 + 8 * minute + 500;
    const late = await step(acts, id);
    expect(late.summary.barsProcessed).toBe(8);
    expect((await rows(id)).length).toBe(1); // nothing was priced on the corrupt bar
    clock = T0 + 9 * minute + 500;
    const after = await step(acts, id);
    const orders = await rows(id);
    expect(orders.map((o) => [o.side, o.quantity, o.status])).toEqual([['buy', 5, 'filled'], ['sell', 5, 'filled']]);
    expect(orders[1]!.referencePrice).toBe(100.4);
    expect(after.summary.tradingState).toBe('ACTIVE');
    expect((await venue()).balances.BTC).toBe(0);
    expect((await events(id)).map((e) => e.code)).toEqual(expect.arrayContaining(['STALE_BAR', 'BAD_BAR', 'CAUGHT_UP']));
  });

  /** Bar every 10 s; the worker is away from 10 s to 300 s, then steps until it has caught up. */
  async function outage(catchUp: 'flatten' | 'halt') {
    const acts = activities();
    const id = await deployment(hold(5), {}, { catchUp, barsPerSecond: 0.1 });
    await reconcile(acts, id);
    clock = T0 + 10_000;
    await step(acts, id);
    expect((await venue()).balances.BTC).toBe(5);
    clock = T0 + 300_000;
    let last: StepResult;
    do last = await step(acts, id);
    while (last.processed > 0);
    return { id, last };
  }

  it('catch-up policy flatten: after the outage the position is closed once and the deployment stays active', async () => {
    const { id, last } = await outage('flatten');
    expect(last.summary.barsProcessed).toBe(30);
    const orders = await rows(id);
    expect(orders.map((o) => [o.side, o.quantity, o.status])).toEqual([['buy', 5, 'filled'], ['sell', 5, 'filled']]);
    expect(orders[1]!.message).toMatch(/flatten/);
    expect((await venue()).balances.BTC).toBe(0);
    expect(last.summary.position).toBe(0);
    expect(last.summary.tradingState).toBe('ACTIVE');
    expect((await events(id)).map((e) => e.code)).toEqual(expect.arrayContaining(['STALE_BAR', 'CAUGHT_UP']));
  });

  it('catch-up policy halt: the deployment halts on the first late bar and asks a person', async () => {
    const { id, last } = await outage('halt');
    expect(last.summary.tradingState).toBe('HALTED');
    expect(last.summary.halt).toMatch(/^OUTAGE/);
    expect((await rows(id)).length).toBe(1);
    expect((await venue()).orderRequests).toBe(1);
  });
  describe('webhook alerts from the outbox', () => {
    const secret = 'alert-secret-0123456789abcdef';
    const allowed = { TRADELOOM_WEBHOOK_SECRET: secret, TRADELOOM_WEBHOOK_ALLOW_PRIVATE: 'true' };
    let replies: ((res: ServerResponse) => void)[] = [];
    const received: IncomingHttpHeaders[] = [];
    const receiver = createServer((req, res) => {
      received.push(req.headers);
      req.resume().on('end', () => (replies.shift() ?? ((r: ServerResponse) => r.writeHead(204).end()))(res));
    });
    beforeAll(() => new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve)));
    afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
    beforeEach(() => {
      replies = [];
      received.length = 0;
    });
    /** Holds 5 units, and alerts once, on the first bar (an unwired condition reads true; onRise fires once). */
    const holdAndAlert = () => {
      const g = hold(5);
      g.nodes.push(node('alert', 'output.webhookAlert', { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook` }));
      return g;
    };
    const alertRows = (id: string) => orm.em.fork().find(DeploymentAlert, { deployment: id });
    const alertEvents = async (id: string) => (await events(id)).filter((e) => e.kind === 'alert').map((e) => [e.code, e.message]);

    it('a receiver that fails is tried again on a later step, after a pause, under the same delivery id; trading does not wait', async () => {
      const acts = activities(skipWaits, allowed);
      const id = await deployment(holdAndAlert());
      await reconcile(acts, id);
      replies = [(res) => res.writeHead(503).end('busy')];
      clock = T0 + 1000;
      expect((await step(acts, id)).processed).toBe(1);
      expect((await venue()).orders).toHaveLength(1);
      let [row] = await alertRows(id);
      expect(row).toMatchObject({ status: 'pending', attempts: 1, receiverStatus: 503, nextAttemptAt: clock + 5000 });
      // Not due yet: the next step leaves it alone.
      clock = T0 + 3000;
      await step(acts, id);
      expect(received).toHaveLength(1);
      clock = T0 + 6000;
      await step(acts, id);
      [row] = await alertRows(id);
      expect(row).toMatchObject({ status: 'sent', attempts: 2, receiverStatus: 204, lastError: null });
      expect(received.map((h) => h['x-tradeloom-delivery'])).toEqual([row!.deliveryId, row!.deliveryId]);
      expect(await alertEvents(id)).toEqual([['ALERT_SENT', expect.stringMatching(/^alert of "alert" for the bar of .* delivered \(HTTP 204\)$/)]]);
    });

    it('a 4xx, a missing secret or an internal address fails the alert at once, journaled with the reason; the order still goes out', async () => {
      const cases: [NodeJS.ProcessEnv, ((res: ServerResponse) => void)[], RegExp][] = [
        [allowed, [(res) => res.writeHead(400).end('bad signature')], /the receiver answered 400: bad signature/],
        [{ TRADELOOM_WEBHOOK_ALLOW_PRIVATE: 'true' }, [], /no signing secret configured: set TRADELOOM_WEBHOOK_SECRET/],
        [{ TRADELOOM_WEBHOOK_SECRET: secret }, [], /internal|refused/i],
      ];
      for (const [env, reply, reason] of cases) {
        clock = T0;
        await admin('/admin/reset', { apiKey: 'k', secret: 's', symbols: [{ symbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT', price: 100 }], balances: { USDT: 10_000_000, BTC: 0 } });
        received.length = 0;
        const asked = reply.length;
        replies = [...reply];
        const acts = activities(skipWaits, env);
        const id = await deployment(holdAndAlert());
        await reconcile(acts, id);
        clock = T0 + 1000;
        await step(acts, id);
        expect((await venue()).orders).toHaveLength(1);
        expect(await alertRows(id)).toEqual([expect.objectContaining({ status: 'failed', attempts: 1 })]);
        expect(await alertEvents(id)).toEqual([['ALERT_FAILED', expect.stringMatching(reason)]]);
        expect(received).toHaveLength(asked);
        // Failed for good: later steps do not try it again.
        clock = T0 + 60_000;
        await step(acts, id);
        expect(received).toHaveLength(asked);
      }
    });
  });
});

