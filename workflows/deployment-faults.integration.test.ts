import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Deployment, DeploymentFill, DeploymentOrder } from '../server/db/entities.ts';
import { call, createHarness, waitFor, type Harness } from '../server/testing/harness.ts';
import { startFakeExchange, type FakeExchange } from '../trading/fake-exchange/server.ts';
import { holdFive } from './deployment-fixtures.ts';

/**
 * Crash tests for live trading: real Temporal, real PostgreSQL, standalone worker processes killed with
 * SIGKILL at the worst moments, and the fake Binance over real HTTP. After each crash a second worker
 * takes over; the venue must end with exactly one order for the intent, and the deployment's position
 * must equal what the venue holds.
 */

const root = fileURLToPath(new URL('..', import.meta.url));

const limits = { maxOrderQuantity: 100, maxOrderNotional: 1_000_000, maxPosition: 100, maxGrossExposure: 1_000_000, maxDrawdownPct: 90, maxDailyLossPct: 90 };

function startWorker(h: Harness, name: string): ChildProcess {
  const child = spawn(process.execPath, ['workflows/standalone.ts'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: h.databaseUrl, TEMPORAL_ADDRESS: h.temporalAddress, TEMPORAL_TASK_QUEUE: h.taskQueue, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => process.env.TEST_LOG_LEVEL === 'debug' && process.stderr.write(`[${name}] ${d}`));
  child.stderr!.on('data', (d) => process.env.TEST_LOG_LEVEL === 'debug' && process.stderr.write(`[${name}] ${d}`));
  return child;
}

async function sigkill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('live deployments survive SIGKILL of the worker (fake exchange, real Temporal and PostgreSQL)', () => {
  let h: Harness;
  let ex: FakeExchange;
  const children: ChildProcess[] = [];
  const admin = async (path: string, body?: unknown, method = 'POST') => (await fetch(`${ex.url}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) })).json();
  const venue = () => admin('/admin/state', undefined, 'GET');

  beforeAll(async () => {
    process.env.TRADELOOM_MASTER_KEY ??= randomBytes(32).toString('base64');
    h = await createHarness();
    ex = await startFakeExchange();
  });
  afterEach(async () => {
    for (const c of children.splice(0)) await sigkill(c);
  });
  afterAll(async () => {
    await ex?.close();
    await h?.close();
  });

  const deploy = async (options: { liquidity?: number; faults?: unknown[] } = {}) => {
    await admin('/admin/reset', { apiKey: 'live-key', secret: 'live-secret', symbols: [{ symbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT', price: 100 }], balances: { USDT: 1_000_000, BTC: 0 }, ...(options.liquidity ? { liquidity: options.liquidity } : {}) });
    if (options.faults) await admin('/admin/faults', options.faults);
    const strategy = await call(h.app, 'POST', '/api/strategies', { name: 'hold five', graph: holdFive });
    const created = await call(h.app, 'POST', '/api/deployments', {
      strategyId: strategy.json.id,
      mode: 'live',
      confirm: 'LIVE',
      symbol: 'BTC/USDT',
      feed: { kind: 'replay', barsPerSecond: 4 },
      venue: { kind: 'ccxt', exchange: 'binance', sandbox: true, baseUrl: ex.url, timeoutMs: 30_000 },
      credentials: { apiKey: 'live-key', secret: 'live-secret' },
      riskLimits: limits,
      staleAfterMs: 120_000,
    });
    expect(created.status).toBe(201);
    expect(JSON.stringify(created.json)).not.toContain('live-secret');
    return created.json.id as string;
  };

  /** Exactly one venue order, matching our one order row, and the position the venue holds. */
  const expectExactlyOnce = async (id: string) => {
    const settled = await waitFor('the deployment to account for every fill', async () => {
      const v = await venue();
      const d = (await call(h.app, 'GET', `/api/deployments/${id}`)).json;
      return d.position === 5 && v.balances.BTC === 5 && d.orders[0]?.status === 'filled' ? { v, d } : undefined;
    }, 90_000);
    expect(settled.v.orders).toHaveLength(1);
    expect(settled.d.orders).toHaveLength(1);
    expect(settled.v.orders[0].clientOrderId).toBe(settled.d.orders[0].clientOrderId);
    expect(settled.d.orders[0].venueOrderId).toBe(String(settled.v.orders[0].orderId));
    const em = h.orm.em.fork();
    const fills = await em.find(DeploymentFill, { deployment: id });
    expect(fills.map((f) => f.tradeId).sort()).toEqual(settled.v.trades.map((t: { id: number }) => String(t.id)).sort());
    expect(settled.d.tradingState).toBe('ACTIVE');
    return settled;
  };

  const stop = async (id: string) => {
    const r = await call(h.app, 'POST', `/api/deployments/${id}/stop`);
    expect(r.status).toBe(200);
  };

  it('killed before the order reached the venue: the next worker sends it once', async () => {
    const first = startWorker(h, 'w1');
    children.push(first);
    // The venue holds the first order request unprocessed, as a slow network would.
    const id = await deploy({ faults: [{ kind: 'hold', method: 'POST', path: '/api/v3/order', ms: 120_000 }] });
    await waitFor('the order request to be in flight', async () => ((await venue()).held === 1 ? true : undefined), 90_000);
    const row = await h.orm.em.fork().findOneOrFail(DeploymentOrder, { deployment: id });
    // Written before it was sent, and unknown from the moment its request left.
    expect(row.status).toBe('unknown');
    expect(row.sentAt).toBeGreaterThan(0);
    await sigkill(first);
    await waitFor('the venue to drop the dead connection', async () => ((await venue()).held === 0 ? true : undefined), 10_000);
    expect((await venue()).orders).toHaveLength(0); // it never reached the matching engine

    children.push(startWorker(h, 'w2'));
    const { v } = await expectExactlyOnce(id);
    expect(v.orderRequests).toBe(1);
    await stop(id);
  });

  it('killed after the venue accepted the order but before the answer arrived: the retry finds it, no second order', async () => {
    const first = startWorker(h, 'w1');
    children.push(first);
    const id = await deploy({ faults: [{ kind: 'holdAfterAccept', method: 'POST', path: '/api/v3/order', ms: 120_000 }] });
    await waitFor('the venue to accept the order and hold the answer', async () => {
      const v = await venue();
      return v.orders.length === 1 && v.held === 1 ? true : undefined;
    }, 90_000);
    expect((await h.orm.em.fork().findOneOrFail(DeploymentOrder, { deployment: id })).venueOrderId).toBeNull(); // we never heard back
    await sigkill(first);

    children.push(startWorker(h, 'w2'));
    const { v } = await expectExactlyOnce(id);
    // The second worker reconciled (found the order by its client order id) or asked again under the same
    // id and was refused as a duplicate: either way one order.
    expect(v.orderRequests).toBeLessThanOrEqual(2);
    await stop(id);
  });

  it('killed while the order was filling in parts: fills are neither lost nor doubled', async () => {
    const first = startWorker(h, 'w1');
    children.push(first);
    const id = await deploy({ liquidity: 2 }); // the venue fills at most 2 units per matching event
    await waitFor('a partial fill to be stored', async () => {
      const n = await h.orm.em.fork().count(DeploymentFill, { deployment: id });
      return n >= 1 ? true : undefined;
    }, 90_000);
    const v0 = await venue();
    expect(v0.orders[0].status).toBe('PARTIALLY_FILLED');
    // Hold the fill query so the worker dies in the middle of syncing fills.
    await admin('/admin/faults', { kind: 'hold', method: 'GET', path: '/api/v3/myTrades', ms: 120_000 });
    await admin('/admin/price', { symbol: 'BTCUSDT', price: 100.5 });
    await waitFor('the worker to be syncing fills', async () => ((await venue()).held === 1 ? true : undefined), 30_000);
    await sigkill(first);
    // The rest fills while no worker is alive.
    await admin('/admin/price', { symbol: 'BTCUSDT', price: 101 });
    expect((await venue()).orders[0].status).toBe('FILLED');

    children.push(startWorker(h, 'w2'));
    const { v } = await expectExactlyOnce(id);
    expect(v.trades).toHaveLength(3);
    const d = await h.orm.em.fork().findOneOrFail(Deployment, { id });
    expect(d.venueBaseline).toBe(0);
    await stop(id);
  });
});
