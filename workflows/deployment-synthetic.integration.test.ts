import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { MockActivityEnvironment } from '@temporalio/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runBacktest } from '../engine/backtest.ts';
import { compile } from '../engine/compile.ts';
import { chooseData, loadBars } from '../engine/data.ts';
import { registry } from '../nodes/index.ts';
import { createTestDatabase } from '../scripts/test-services.ts';
import { Deployment, DeploymentEvent, DeploymentFill, DeploymentOrder, LOCAL_OWNER, Strategy } from '../server/db/entities.ts';
import { openDatabase, type Orm } from '../server/db/orm.ts';
import { call, useHarness, waitFor } from '../server/testing/harness.ts';
import type { DeploymentSummary } from '../trading/config.ts';
import { startFakeExchange, type FakeExchange } from '../trading/fake-exchange/server.ts';
import { initialRiskState, RiskLimits } from '../trading/risk-gate.ts';
import { encryptSecret } from '../trading/secrets.ts';
import { createDeploymentActivities, type StepResult } from './deployment-activities.ts';
import { roomyLimits } from './deployment-fixtures.ts';

/**
 * Stop entries and protective exits in deployments (trading/synthetic-orders.ts): a paper deployment with
 * an ATR stop-loss and take-profit trades exactly as its backtest (real Temporal, real PostgreSQL), and a
 * live one closes its position once when a bar crosses the stop, however often the bar is seen.
 */

const rsiWithStop = JSON.parse(readFileSync(new URL('../server/templates/rsi-with-stop.json', import.meta.url), 'utf8')).graph;

describe('paper: stop-loss and take-profit as in the backtest (real Temporal, real PostgreSQL)', () => {
  const stack = useHarness();

  it('the RSI-with-stop template trades fill for fill as its backtest, exits included', async () => {
    const h = stack();
    const data = { kind: 'synthetic' as const, seed: 1, bars: 250 };
    const strategy = await call(h.app, 'POST', '/api/strategies', { name: 'rsi with stop', graph: rsiWithStop });
    const created = await call(h.app, 'POST', '/api/deployments', { strategyId: strategy.json.id, mode: 'paper', symbol: 'SYN/USD', feed: { kind: 'replay', data, barsPerSecond: 40 }, riskLimits: roomyLimits });
    expect(created.status).toBe(201);
    const id = created.json.id;
    const done = await waitFor('the replay to finish', async () => {
      const r = await call(h.app, 'GET', `/api/deployments/${id}?limit=1000`);
      return r.json.barsProcessed === 250 && !r.json.orders.some((o: { status: string }) => o.status === 'pending') ? r.json : undefined;
    }, 120_000);
    expect(done.denials).toEqual([]);
    expect(done.events.filter((e: { code: string }) => e.code.startsWith('UNSUPPORTED'))).toEqual([]);

    const compiled = compile(rsiWithStop, registry);
    if (!compiled.ok) throw new Error('the template must compile');
    const bars = await loadBars(chooseData(compiled.plan.data.request, data), async () => undefined);
    const expected = await runBacktest(compiled.plan, bars);
    const reasons = expected.trades.map((t) => t.exitReason ?? (t.open ? 'open' : 'signal'));
    expect(reasons).toEqual(expect.arrayContaining(['stopLoss', 'takeProfit']));

    // Every trade's entry and exit is one fill, at the backtest's time and price.
    const em = h.orm.em.fork();
    const fills = await em.find(DeploymentFill, { deployment: id }, { orderBy: { time: 'asc', tradeId: 'asc' } });
    const legs = expected.trades.flatMap((t) => [
      { time: t.entryTime, side: t.side === 'long' ? 'buy' : 'sell', quantity: t.quantity, price: t.entryPrice },
      ...(t.open ? [] : [{ time: t.exitTime, side: t.side === 'long' ? 'sell' : 'buy', quantity: t.quantity, price: t.exitPrice }]),
    ]);
    expect(fills.map((f) => ({ time: f.time, side: f.side, quantity: f.quantity, price: f.price }))).toEqual(legs);
    expect(done.equity).toBeCloseTo(expected.equity.at(-1)!.value, 6);

    // The protective exits were sent by their levels, as reduce-only orders named by bar and level.
    const orders = await em.find(DeploymentOrder, { deployment: id }, { orderBy: { barTime: 'asc' } });
    const exits = orders.filter((o) => o.trigger !== null && o.trigger !== undefined);
    expect(exits.map((o) => o.trigger)).toEqual(expected.trades.filter((t) => t.exitReason).map((t) => t.exitReason));
    for (const o of exits) expect(o).toMatchObject({ status: 'filled', side: 'sell', type: 'market', message: expect.stringMatching(/(stop-loss|take-profit) at [\d.]+ crossed/) });
    expect(new Set(orders.map((o) => o.clientOrderId)).size).toBe(orders.length);
    await call(h.app, 'POST', `/api/deployments/${id}/stop`);
  });
});

describe('live: a crossed stop closes the position once (real PostgreSQL, fake exchange)', () => {
  let orm: Orm;
  let drop: () => Promise<void>;
  let ex: FakeExchange;
  const master = randomBytes(32);
  let clock = 0;
  const T0 = Date.parse('2026-11-22T10:00:00Z');
  const data = { seed: 3, bars: 500 };
  const stopPct = 1.5;
  const node = (id: string, type: string, params: object) => ({ id, type, params, position: { x: 0, y: 0 } });
  const edge = (id: string, from: [string, string], to: [string, string]) => ({ id, source: { node: from[0], port: from[1] }, target: { node: to[0], port: to[1] } });
  /** Holds 5 units from the first bar with a stop-loss `stopPct` % below the entry bar's close. */
  const graph = {
    schemaVersion: 1,
    nodes: [node('data', 'data.synthetic', data), node('qty', 'math.constant', { value: 5 }), node('order', 'order.targetPosition', {}), node('stop', 'risk.stopTakeProfit', { basis: 'percent', stopLoss: stopPct, takeProfit: 0 })],
    edges: [edge('e1', ['qty', 'value'], ['order', 'units']), edge('e2', ['order', 'order'], ['stop', 'order'])],
  };
  // The wait before an unknown order is looked up is measured on `clock`, which only the tests move: skipped here.
  const activities = () => createDeploymentActivities({ orm, registry, log: pino({ level: 'silent' }), now: () => clock, masterKey: () => master, sleep: async () => undefined });
  const admin = async (path: string, body?: unknown, method = 'POST') => (await fetch(`${ex.url}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) })).json();
  const venue = () => admin('/admin/state', undefined, 'GET');
  const step = (acts: ReturnType<typeof activities>, id: string, attempt = 1) => new MockActivityEnvironment({ attempt }).run(acts.stepDeployment, id) as Promise<StepResult>;
  const control = (acts: ReturnType<typeof activities>, id: string, action: string) => new MockActivityEnvironment().run(acts.controlDeployment, id, { action, by: 'test' } as never) as Promise<DeploymentSummary>;
  const rows = (id: string) => orm.em.fork().find(DeploymentOrder, { deployment: id }, { orderBy: { createdAt: 'asc' } });
  const events = (id: string) => orm.em.fork().find(DeploymentEvent, { deployment: id }, { orderBy: { seq: 'asc' } });

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
    await admin('/admin/reset', { apiKey: 'k', secret: 's', symbols: [{ symbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT', price: 100 }], balances: { USDT: 10_000_000, BTC: 0 } });
  });

  async function deployment() {
    const em = orm.em.fork();
    const strategy = em.create(Strategy, { owner: LOCAL_OWNER, name: 'stop', graph });
    const id = crypto.randomUUID();
    em.create(Deployment, {
      id, owner: LOCAL_OWNER, strategy, name: 'stop', mode: 'live', graph, symbol: 'BTC/USDT',
      feed: { kind: 'replay', barsPerSecond: 1, startBar: 0 },
      venue: { kind: 'ccxt', exchange: 'binance', sandbox: true, baseUrl: ex.url, recvWindow: 60_000, timeoutMs: 5000 },
      credentials: encryptSecret(master, id, { apiKey: 'k', secret: 's' }) as unknown as Record<string, unknown>,
      riskLimits: RiskLimits.parse({ ...roomyLimits, maxOrderQuantity: 100 }) as unknown as Record<string, unknown>,
      riskState: initialRiskState(100_000, T0) as unknown as Record<string, unknown>,
      initialCash: 100_000, startedAt: T0, staleAfterMs: 60_000, catchUp: 'skip', workflowId: `deployment-${id}`,
    });
    await em.flush();
    return id;
  }

  /** The bar the stop is crossed on, by the backtest of the same bars (held from bar 1's open). */
  async function crossing() {
    const compiled = compile(graph, registry);
    if (!compiled.ok) throw new Error('the graph must compile');
    const bars = await loadBars(chooseData(compiled.plan.data.request, undefined), async () => undefined);
    const result = await runBacktest(compiled.plan, bars);
    const trade = result.trades[0]!;
    expect(trade.exitReason).toBe('stopLoss');
    const bar = Array.from(bars.time).indexOf(trade.exitTime);
    expect(bar).toBeGreaterThan(1);
    expect(bar).toBeLessThan(60);
    return { bar, time: trade.exitTime };
  }

  /** Step bar by bar until the replay clock's bars are all in. */
  async function stepTo(acts: ReturnType<typeof activities>, id: string, bar: number) {
    clock = T0 + (bar + 1) * 1000;
    let last: StepResult;
    do last = await step(acts, id);
    while (last.processed > 0);
    return last;
  }

  it('one reduce-only market order at the crossing bar, not repeated by a duplicate bar, a retried step or later bars', async () => {
    const { bar, time } = await crossing();
    const acts = activities();
    const id = await deployment();
    await new MockActivityEnvironment().run(acts.reconcileDeployment, id);
    const before = await stepTo(acts, id, bar - 1);
    expect(before.summary.position).toBe(5);
    expect((await venue()).orders).toHaveLength(1);

    const at = await stepTo(acts, id, bar);
    expect(at.summary.barsProcessed).toBe(bar + 1);
    let orders = await rows(id);
    expect(orders.map((o) => [o.side, o.quantity, o.type, o.trigger, o.status, o.barTime])).toEqual([['buy', 5, 'market', null, 'filled', orders[0]!.barTime], ['sell', 5, 'market', 'stopLoss', 'filled', time]]);
    expect(orders[1]!.message).toMatch(/^stop-loss at [\d.]+ crossed$/);
    let v = await venue();
    expect(v.orders).toHaveLength(2);
    expect(v.balances.BTC).toBe(0);

    // The same bar again: nothing new.
    expect((await step(acts, id)).processed).toBe(0);
    // A retried attempt after the worker died having sent the exit but before it wrote the answer down.
    await orm.em.fork().nativeUpdate(DeploymentOrder, { deployment: id, trigger: 'stopLoss' }, { status: 'unknown', venueOrderId: null, filled: 0, sentAt: clock });
    const retried = await step(acts, id, 2);
    expect(retried.summary).toMatchObject({ tradingState: 'ACTIVE', position: 0 });
    v = await venue();
    expect(v.orders).toHaveLength(2);
    expect(v.orderRequests).toBe(2); // the retry reconciled and found the exit by its client order id
    // And a fresh round (no reconciliation): the unknown exit is looked up before any resend, and found.
    await orm.em.fork().nativeUpdate(DeploymentOrder, { deployment: id, trigger: 'stopLoss' }, { status: 'unknown', venueOrderId: null, sentAt: clock });
    await step(acts, id, 1);
    v = await venue();
    expect(v.orders).toHaveLength(2);
    expect(v.orderRequests).toBe(2);
    expect(v.balances.BTC).toBe(0);

    // Thirty more bars: the position is flat, the unchanged instruction does not re-enter, nothing is sent.
    const later = await stepTo(acts, id, bar + 30);
    expect(later.summary).toMatchObject({ position: 0, tradingState: 'ACTIVE' });
    orders = await rows(id);
    expect(orders).toHaveLength(2);
    expect(orders[1]!.status).toBe('filled');
    expect((await venue()).orders).toHaveLength(2);
    // A live deployment that uses exits says how they are worked (shown in the deployment's journal).
    expect((await events(id)).filter((e) => e.code === 'BAR_BASED_LEVELS').map((e) => e.message)).toEqual([expect.stringContaining('not at the level')]);
  });

  it('under the kill switch (reduce-only) the stop-loss still closes the position', async () => {
    const { bar } = await crossing();
    const acts = activities();
    const id = await deployment();
    await new MockActivityEnvironment().run(acts.reconcileDeployment, id);
    await stepTo(acts, id, bar - 1);
    expect((await control(acts, id, 'kill')).tradingState).toBe('REDUCING');
    await stepTo(acts, id, bar);
    // A live exit fills after the bar's commit: the next bar's step stores its fill.
    const after = await stepTo(acts, id, bar + 1);
    expect(after.summary).toMatchObject({ position: 0, tradingState: 'REDUCING', killSwitch: true });
    const orders = await rows(id);
    expect(orders.map((o) => [o.side, o.trigger, o.status])).toEqual([['buy', null, 'filled'], ['sell', 'stopLoss', 'filled']]);
    expect((await venue()).balances.BTC).toBe(0);
  });
});
