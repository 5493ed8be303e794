import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { runBacktest, type BacktestResult } from '../engine/backtest.ts';
import { compile } from '../engine/compile.ts';
import { customNodeDefinition } from '../engine/custom.ts';
import { chooseData, loadBars } from '../engine/data.ts';
import { fixture } from '../engine/testing.ts';
import { registry } from '../nodes/index.ts';
import { createRegistry } from '../nodes/registry.ts';
import { Sandbox, SandboxPool, type InstanceHandle } from '../sandbox/client.ts';
import { createCustomNodeHost } from '../server/custom-registry.ts';
import { DeploymentFill, DeploymentOrder } from '../server/db/entities.ts';
import { call, createHarness, useHarness, waitFor, type Harness } from '../server/testing/harness.ts';
import { customCross, jitterEmaSource } from '../trading/testing/custom-node-fixtures.ts';
import { roomyLimits } from './deployment-fixtures.ts';

/**
 * Deployments of a strategy that uses a saved custom node (real Temporal, real PostgreSQL, real sandbox
 * processes): it must trade exactly as the backtest of the same bars does, also when its sandbox dies
 * mid-bar and when a different worker process (with a sandbox of its own) takes over half-way.
 */

const graph = customCross(1);
const reference = new Sandbox();
afterAll(() => reference.close());

/** The backtest of the bars a replay deployment plays, with the same custom node in a sandbox of its own. */
async function backtestOf(data: { kind: 'synthetic'; seed: number; bars: number }): Promise<BacktestResult> {
  const loaded = await reference.load(jitterEmaSource);
  const compiled = compile(graph, createRegistry([...registry.definitions, customNodeDefinition(loaded, 1, reference)]));
  if (!compiled.ok) throw new Error(compiled.errors.map((e) => e.message).join('; '));
  const bars = await loadBars(chooseData(compiled.plan.data.request, data), async () => undefined);
  return runBacktest(compiled.plan, bars);
}

/** Save the custom node and a strategy using it, and deploy it on paper over a replay of `data`. */
async function deploy(h: Harness, data: { kind: 'synthetic'; seed: number; bars: number }, barsPerSecond: number): Promise<string> {
  const node = await call(h.app, 'POST', '/api/custom-nodes', { source: jitterEmaSource });
  expect(node.status).toBe(201);
  expect(node.json.node).toMatchObject({ type: 'custom.jitterEma', latestVersion: 1 });
  const strategy = await call(h.app, 'POST', '/api/strategies', { name: `custom cross ${Math.random()}`, graph });
  expect(strategy.status).toBe(201);
  const created = await call(h.app, 'POST', '/api/deployments', { strategyId: strategy.json.id, mode: 'paper', symbol: 'SYN/USD', feed: { kind: 'replay', data, barsPerSecond }, riskLimits: roomyLimits });
  expect(created.status).toBe(201);
  return created.json.id;
}

/** Wait until every bar is processed and the last bar's order has left `pending`. */
const finished = (h: Harness, id: string, bars: number, timeoutMs: number) =>
  waitFor(
    'the replay to finish',
    async () => {
      const r = await call(h.app, 'GET', `/api/deployments/${id}?limit=1000`);
      return r.json.barsProcessed === bars && !r.json.orders.some((o: { status: string }) => o.status === 'pending') ? r.json : undefined;
    },
    timeoutMs,
  );

/** Same fills as the backtest's trades (time, side, price), same final equity, one order per client order id. */
async function expectBacktestTrading(h: Harness, id: string, detail: { equity: number; denials: unknown[] }, expected: BacktestResult) {
  expect(detail.denials).toEqual([]);
  const em = h.orm.em.fork();
  const fills = await em.find(DeploymentFill, { deployment: id }, { orderBy: { time: 'asc', tradeId: 'asc' } });
  const wanted = expected.trades.flatMap((t) => [
    { time: t.entryTime, side: t.side === 'long' ? 'buy' : 'sell', price: t.entryPrice },
    ...(t.open ? [] : [{ time: t.exitTime, side: t.side === 'long' ? 'sell' : 'buy', price: t.exitPrice }]),
  ]);
  expect(expected.trades.length).toBeGreaterThan(3);
  expect(fills.map((f) => ({ time: f.time, side: f.side }))).toEqual(wanted.map(({ time, side }) => ({ time, side })));
  fills.forEach((f, i) => expect(f.price).toBeCloseTo(wanted[i]!.price, 8));
  expect(detail.equity).toBeCloseTo(expected.equity.at(-1)!.value, 6);
  const orders = await em.find(DeploymentOrder, { deployment: id });
  expect(new Set(orders.map((o) => o.clientOrderId)).size).toBe(orders.length);
}

describe('a paper deployment of a strategy with a custom node', () => {
  const stack = useHarness();

  it('trades on a replay feed exactly as the backtest of the same bars', async () => {
    const h = stack();
    const data = { kind: 'synthetic' as const, seed: 9, bars: 120 };
    const id = await deploy(h, data, 40);
    const done = await finished(h, id, data.bars, 120_000);
    expect(done).toMatchObject({ status: 'running', tradingState: 'ACTIVE' });
    await expectBacktestTrading(h, id, done, await backtestOf(data));
    // The strategy state in the database carries both custom nodes' sandbox state.
    const [row] = await h.orm.em.getConnection().execute<{ snapshot: { version: number; batch: Record<string, unknown> } }[]>('select snapshot from deployments where id = ?', [id]);
    expect(row!.snapshot.version).toBe(3); // docs/trading.md: version 3 also keeps every output as the bar left it
    expect(Object.keys(row!.snapshot.batch).sort()).toEqual(['fast', 'slow']);
    expect((await call(h.app, 'POST', `/api/deployments/${id}/stop`)).json.status).toBe('stopped');
  });

  it('a node whose code throws on a bar fails that bar, then the deployment, instead of retrying forever', async () => {
    const h = stack();
    const brittle = `
import { defineNode, z } from 'tradeloom/node';
export default defineNode({
  type: 'brittle',
  title: 'Brittle',
  description: 'Passes its input through, and throws on one bar.',
  inputs: { source: { kind: 'number', description: 'Any series.' } },
  outputs: { value: { kind: 'number', description: 'The input.' } },
  params: z.object({ failAt: z.number().int().min(0).max(100000).default(25).describe('The bar it throws on.') }),
  init: () => ({}),
  step(s, p, input, out, ctx) {
    if (ctx.bar === p.failAt) throw new Error('cannot handle this bar');
    out.value = input.source;
  },
});`;
    expect((await call(h.app, 'POST', '/api/custom-nodes', { source: brittle })).status).toBe(201);
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        fast: { type: 'indicator.sma', params: { period: 3 } },
        slow: { type: 'custom.brittle', version: 1 },
        cross: { type: 'logic.crossover' },
        order: { type: 'order.targetPercent', params: { percent: 100 } },
      },
      ['data.close -> fast.source', 'data.close -> slow.source', 'fast.value -> cross.a', 'slow.value -> cross.b', 'cross.above -> order.enter', 'cross.below -> order.exit'],
    );
    const strategy = await call(h.app, 'POST', '/api/strategies', { name: 'brittle', graph });
    const created = await call(h.app, 'POST', '/api/deployments', { strategyId: strategy.json.id, mode: 'paper', symbol: 'SYN/USD', feed: { kind: 'replay', data: { kind: 'synthetic', seed: 3, bars: 60 }, barsPerSecond: 40 }, riskLimits: roomyLimits });
    expect(created.status).toBe(201);
    const id = created.json.id;
    const failed = await waitFor('the deployment to fail', async () => {
      const r = await call(h.app, 'GET', `/api/deployments/${id}?limit=1000`);
      return r.json.status === 'failed' ? r.json : undefined;
    }, 60_000);
    // Bars 0…24 were traded; bar 25 was never committed.
    expect(failed.barsProcessed).toBe(25);
    // The reason is on the deployment itself (detail and list), not only in its journal.
    expect(failed.error).toMatch(/failed on the bar of .* again .*cannot handle this bar.*deploy again/);
    const listed = (await call(h.app, 'GET', `/api/deployments?strategyId=${strategy.json.id}`)).json.items;
    expect(listed).toEqual([expect.objectContaining({ id, status: 'failed', error: failed.error })]);
    const strategyEvents = (failed.events as { seq: number; kind: string; code: string; message: string }[])
      .filter((e) => e.kind === 'strategy')
      .sort((a, b) => a.seq - b.seq)
      .map((e) => [e.code, e.message]);
    expect(strategyEvents).toEqual([
      ['NodeError', expect.stringMatching(/failed on the bar of .*step threw at bar \d+: Error: cannot handle this bar.*the step is retried/)],
      ['FAILED', expect.stringMatching(/failed on the bar of .* again .*cannot handle this bar.*fix the node, save a new version and deploy again/)],
    ]);
    expect(failed.orders.filter((o: { status: string }) => ['pending', 'open', 'unknown'].includes(o.status))).toEqual([]);
    // Stays failed: the workflow ended rather than stepping the same bar again.
    await new Promise((r) => setTimeout(r, 2000));
    expect((await call(h.app, 'GET', `/api/deployments/${id}`)).json).toMatchObject({ status: 'failed', barsProcessed: 25 });
  });
});

/** A real sandbox pool that can be told to kill its process while the next batch is in flight. */
class CrashablePool extends SandboxPool {
  armed = false;
  crashes = 0;
  override runBatch(handle: InstanceHandle, inputs: Readonly<Record<string, Float64Array>>, length: number) {
    const reply = super.runBatch(handle, inputs, length);
    if (this.armed) {
      this.armed = false;
      this.crashes++;
      for (const s of this.sandboxes) s.kill();
    }
    return reply;
  }
}

describe('a custom-node deployment across a sandbox crash and a worker restart', () => {
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'warn' });
  let h: Harness | undefined;
  const stops: (() => Promise<void>)[] = [];
  const pools: SandboxPool[] = [];
  afterAll(async () => {
    for (const stop of stops) await stop().catch(() => undefined);
    await h?.close();
    await Promise.all(pools.map((p) => p.close()));
  });

  /** A worker as a separate process would have it: its own custom-node host and sandbox pool. */
  async function startWorker(pool: SandboxPool): Promise<() => Promise<void>> {
    pools.push(pool);
    const stop = await h!.startWorker({ customNodes: createCustomNodeHost({ base: registry, log, pool }) });
    stops.push(stop);
    return stop;
  }

  it('fails the bar the sandbox died in, retries it, and a second worker finishes it: trades as the backtest', async () => {
    h = await createHarness();
    const first = new CrashablePool(1);
    const stopFirst = await startWorker(first);
    // The replay paces itself by the wall clock: it must still be playing when the first worker stops,
    // after a cold sandbox start, a crash, a retry and a restart: 30 s of it (it was 20 s), for a slower
    // machine than this one.
    const data = { kind: 'synthetic' as const, seed: 21, bars: 480 };
    const id = await deploy(h, data, 16);
    const bars = async () => (await call(h!.app, 'GET', `/api/deployments/${id}`)).json.barsProcessed as number;
    await waitFor('a few bars', async () => ((await bars()) >= 20 ? true : undefined), 90_000);

    // The sandbox dies while a bar's batch is in flight: that attempt fails, says why, and is retried.
    first.armed = true;
    const crashed = await waitFor(
      'the crash to be reported',
      async () => {
        const events = (await call(h!.app, 'GET', `/api/deployments/${id}?limit=1000`)).json.events as { kind: string; code: string; message: string }[];
        return events.find((e) => e.kind === 'strategy');
      },
      60_000,
    );
    expect(first.crashes).toBe(1);
    expect(crashed.code).toBe('SandboxCrashed');
    expect(crashed.message).toMatch(/a custom node failed on the bar of .*SandboxCrashed: .*nothing of that bar was committed and the step is retried/);
    const afterCrash = await bars();
    await waitFor('bars after the crash', async () => ((await bars()) >= afterCrash + 10 ? true : undefined), 60_000);

    // The worker goes away mid-run; another one, with a sandbox process of its own, carries on.
    await stopFirst();
    const handedOver = await bars();
    expect(handedOver).toBeLessThan(data.bars);
    await startWorker(new SandboxPool(1));
    const done = await finished(h, id, data.bars, 150_000);
    expect(done).toMatchObject({ status: 'running', tradingState: 'ACTIVE' });
    await expectBacktestTrading(h, id, done, await backtestOf(data));
    // One crash, one report; no outage (no bar went stale), no reconciliation problem.
    expect(done.events.filter((e: { kind: string }) => e.kind === 'strategy')).toHaveLength(1);
    expect(done.events.filter((e: { code: string }) => ['STALE_BAR', 'MISMATCH'].includes(e.code))).toEqual([]);
    expect((await call(h.app, 'POST', `/api/deployments/${id}/stop`)).json.status).toBe('stopped');
  });
});
