import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import type pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseData, loadBars } from '../engine/data.ts';
import { compile } from '../engine/compile.ts';
import { Graph } from '../engine/graph.ts';
import { registry } from '../nodes/index.ts';
import { initPostgresCluster, type PostgresCluster } from '../scripts/postgres-cluster.ts';
import { Deployment, DeploymentEvent, DeploymentFill, DeploymentOrder, Run, RunResult, Strategy, StrategyVersion } from '../server/db/entities.ts';
import { sameDocument } from '../server/strategy-store.ts';
import { call, createHarness, waitFor, type Harness } from '../server/testing/harness.ts';
import { slowGraph } from '../server/testing/slow-graph.ts';
import { PaperState } from '../trading/adapters/paper.ts';
import { bookFromFills } from '../trading/book.ts';
import { fastCross, roomyLimits } from './deployment-fixtures.ts';

/**
 * Restarting PostgreSQL under a running system: a paper deployment trading on a replay feed, a backtest
 * in flight and strategy saves in flight. The test starts its OWN cluster (never the shared one) so it can
 * stop it (fast shutdown: every session is terminated) and start it again on the same port. Meanwhile the
 * API must answer 503 problem+json naming the database, promptly, and the process must stay up; after the
 * restart everything must carry on by itself, with no partial writes anywhere.
 */

const smaCross = JSON.parse(readFileSync(new URL('../docs/examples/sma-crossover.json', import.meta.url), 'utf8'));
const SYMBOL = 'SYN/USD';
const feed = { kind: 'replay' as const, data: { kind: 'synthetic' as const, seed: 8, bars: 5000 }, barsPerSecond: 20 };
/** How long PostgreSQL stays down: within the 10–20 s a deployment must ride out without halting. */
const OUTAGE_MS = 12_000;
/** A request during the outage must end within the pool's connect timeout (5 s) plus slack. */
const MAX_REQUEST_MS = 6_500;

/** Send a request and time it; the body is parsed whatever its type. */
async function timed(h: Harness, method: string, path: string, body?: unknown) {
  const started = Date.now();
  const res = await h.app.request(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': typeof body === 'string' ? 'text/csv' : 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, type: res.headers.get('content-type') ?? '', retryAfter: res.headers.get('retry-after'), json, ms: Date.now() - started };
}

/**
 * Strategy saves running in a loop (create, then a second version), as an editor autosaving would.
 * Every attempt is recorded with its answers, so the data can be checked against them afterwards.
 */
function startSavers(h: Harness, count: number) {
  const attempts: { name: string; graph: unknown; created: number; id?: string; updated?: number; updatedGraph?: unknown }[] = [];
  let running = true;
  const loop = async (k: number) => {
    for (let i = 0; running; i++) {
      const name = `saver ${k}-${i}`;
      const graph = { ...fastCross, nodes: fastCross.nodes.map((n: { id: string; params: object }) => (n.id === 'fast' ? { ...n, params: { period: 2 + (i % 5) } } : n)) };
      const attempt: (typeof attempts)[number] = { name, graph, created: 0 };
      attempts.push(attempt);
      const created = await call(h.app, 'POST', '/api/strategies', { name, graph });
      attempt.created = created.status;
      if (created.status === 201) {
        attempt.id = created.json.id;
        const updatedGraph = { ...graph, nodes: graph.nodes.map((n: { id: string; params: object }) => (n.id === 'slow' ? { ...n, params: { period: 9 + (i % 7) } } : n)) };
        attempt.updatedGraph = updatedGraph;
        attempt.updated = (await call(h.app, 'PUT', `/api/strategies/${attempt.id}`, { graph: updatedGraph, message: 'autosave' })).status;
      }
      await sleep(60);
    }
  };
  const loops = Array.from({ length: count }, (_, k) => loop(k));
  return {
    attempts,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

describe('a PostgreSQL restart mid-run', () => {
  let cluster: PostgresCluster | undefined;
  let h: Harness | undefined;
  let savers: ReturnType<typeof startSavers> | undefined;
  const sharedDatabaseUrl = process.env.TEST_DATABASE_URL;

  afterAll(async () => {
    process.env.TEST_DATABASE_URL = sharedDatabaseUrl;
    await savers?.stop();
    // The harness drops its database on our cluster: it must be up for that.
    if (cluster && !cluster.running) await cluster.start().catch(() => undefined);
    await h?.close().catch(() => undefined);
    await cluster?.destroy();
  });

  it('answers 503 while it is down, then recovers by itself with no partial writes', async () => {
    cluster = await initPostgresCluster();
    await cluster.start();
    const port = cluster.port!;
    // The harness makes its database on TEST_DATABASE_URL's server: point it at our cluster, only for that.
    process.env.TEST_DATABASE_URL = cluster.url;
    try {
      h = await createHarness();
    } finally {
      process.env.TEST_DATABASE_URL = sharedDatabaseUrl;
    }
    await h.startWorker();
    const stack = h;
    const graphOf = (g: unknown) => Graph.parse(g); // as the API stores it (defaults filled in)

    // 1. A paper deployment trading, and a backtest in flight.
    const strategy = await call(stack.app, 'POST', '/api/strategies', { name: 'pg restart', graph: fastCross });
    expect(strategy.status).toBe(201);
    const created = await call(stack.app, 'POST', '/api/deployments', { strategyId: strategy.json.id, mode: 'paper', symbol: SYMBOL, feed, riskLimits: roomyLimits });
    expect(created.status).toBe(201);
    const deploymentId: string = created.json.id;
    const detail = async () => (await call(stack.app, 'GET', `/api/deployments/${deploymentId}`)).json;
    await waitFor('the deployment to trade', async () => {
      const d = await detail();
      return d.barsProcessed >= 20 && d.fills.length > 0 ? true : undefined;
    }, 90_000);

    // Slow on purpose (about 12 s for these bars): the plain crossover would finish before the outage.
    const btStrategy = await call(stack.app, 'POST', '/api/strategies', { name: 'pg restart backtest', graph: slowGraph(smaCross) });
    const runStarted = await call(stack.app, 'POST', '/api/runs', { strategyId: btStrategy.json.id, data: { kind: 'synthetic', seed: 5, bars: 1_000_000 } });
    expect(runStarted.status).toBe(201);
    const runId: string = runStarted.json.id;
    await waitFor('the backtest to be mid-run', async () => {
      const r = (await call(stack.app, 'GET', `/api/runs/${runId}`)).json;
      return r.status === 'running' && r.barsDone > 0 ? true : undefined;
    }, 90_000);

    // 2. Saves in flight, then a fast shutdown under them.
    savers = startSavers(stack, 4);
    await sleep(400);
    const before = await detail();
    // The backtest is still computing when the database goes: it has to ride out the outage.
    expect((await call(stack.app, 'GET', `/api/runs/${runId}`)).json.status).toBe('running');
    const stoppedAt = Date.now();
    await cluster.stop();

    // 3. While it is down: every route that needs the database answers 503 problem+json, promptly.
    const health = await timed(stack, 'GET', '/api/health');
    expect(health.status).toBe(503);
    expect(health.json.status).toBe('degraded');
    expect(health.json.database.ok).toBe(false);
    expect(health.json.temporal.ok).toBe(true);
    expect(health.ms).toBeLessThan(MAX_REQUEST_MS);

    const sid = strategy.json.id;
    const needsDatabase: [string, string, unknown?][] = [
      ['GET', '/api/strategies'],
      ['POST', '/api/strategies', { name: 'during the outage', graph: fastCross }],
      ['GET', `/api/strategies/${sid}`],
      ['PUT', `/api/strategies/${sid}`, { graph: smaCross }],
      ['GET', `/api/strategies/${sid}/versions`],
      ['GET', `/api/strategies/${sid}/export`],
      ['POST', `/api/strategies/${sid}/duplicate`, {}],
      ['POST', '/api/strategies/from-template', { templateId: 'breakout' }],
      ['GET', '/api/runs'],
      ['POST', '/api/runs', { strategyId: sid }],
      ['GET', `/api/runs/${runId}`],
      ['GET', `/api/runs/${runId}/result`],
      ['GET', `/api/runs/${runId}/events`],
      ['GET', '/api/deployments'],
      ['POST', '/api/deployments', { strategyId: sid, mode: 'paper', symbol: SYMBOL, feed, riskLimits: roomyLimits }],
      ['GET', `/api/deployments/${deploymentId}`],
      ['POST', `/api/deployments/${deploymentId}/pause`, {}],
      ['GET', `/api/deployments/${deploymentId}/events`],
      ['GET', '/api/datasets'],
      ['POST', '/api/datasets?name=outage', 'time,open,high,low,close\n2024-01-01T00:00:00Z,1,2,0.5,1.5\n2024-01-01T01:00:00Z,1.5,2,1,1.8\n'],
      ['GET', '/api/research'],
      ['GET', '/api/custom-nodes'],
      // The catalog holds the owner's custom nodes.
      ['GET', '/api/nodes'],
    ];
    for (const [method, path, body] of needsDatabase) {
      const r = await timed(stack, method, path, body);
      expect({ route: `${method} ${path}`, status: r.status, type: r.type, title: r.json?.title, code: r.json?.code }).toEqual({
        route: `${method} ${path}`,
        status: 503,
        type: 'application/problem+json',
        title: 'Database unavailable',
        code: 'DATABASE_UNAVAILABLE',
      });
      expect(r.json.detail).toMatch(/database/i);
      expect(r.json.detail).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|at /); // no internals
      expect(Number(r.retryAfter)).toBeGreaterThan(0);
      expect(r.ms, `${method} ${path} took ${r.ms} ms`).toBeLessThan(MAX_REQUEST_MS);
    }
    // The process is up and serves what needs no database (a graph of built-in nodes compiles without it).
    expect((await timed(stack, 'GET', '/api/templates')).status).toBe(200);
    expect((await timed(stack, 'GET', '/api/openapi.json')).status).toBe(200);
    expect((await timed(stack, 'POST', '/api/compile', { graph: fastCross })).json.ok).toBe(true);

    // Stay down long enough that the worker's activities fail and back off, as in a real restart.
    await sleep(Math.max(0, stoppedAt + OUTAGE_MS - Date.now()));
    expect(savers.attempts.filter((a) => a.created === 503).length).toBeGreaterThan(0);
    await cluster.start(port);
    const downMs = Date.now() - stoppedAt;
    const savesBeforeRestart = savers.attempts.length;

    // 4. The API recovers by itself: same app, same ORM, same pool.
    await waitFor('the API to recover', async () => ((await timed(stack, 'GET', '/api/health')).status === 200 ? true : undefined), 30_000);
    expect((await call(stack.app, 'GET', `/api/strategies/${sid}`)).status).toBe(200);
    // Saves succeed again without a server restart.
    const saving = savers;
    await waitFor('a whole save after the restart', async () => (saving.attempts.slice(savesBeforeRestart).some((a) => a.created === 201 && a.updated === 200) ? true : undefined), 30_000);
    await savers.stop();

    // 5. The deployment resumes by itself (Temporal retried its step) and did not halt.
    const resumed = await waitFor('the deployment to carry on', async () => {
      const d = await detail();
      return d.barsProcessed >= before.barsProcessed + 40 ? d : undefined;
    }, 90_000);
    expect(resumed.status).toBe('running');
    expect(resumed.tradingState).toBe('ACTIVE');
    expect(resumed.halt ?? null).toBeNull();

    // 6. The backtest finished once, despite the outage, without a retry.
    const run = await waitFor('the backtest to finish', async () => {
      const r = (await call(stack.app, 'GET', `/api/runs/${runId}`)).json;
      return ['succeeded', 'failed', 'cancelled'].includes(r.status) ? r : undefined;
    }, 90_000);
    expect(run.status).toBe('succeeded');
    expect(run.error ?? null).toBeNull();
    expect(run.barsDone).toBe(run.barsTotal);
    expect(run.attempts).toBe(1);
    const em = stack.orm.em.fork();
    expect(await em.count(RunResult, { run: runId })).toBe(1);
    expect((await em.findOneOrFail(Run, { id: runId })).metrics).not.toBeNull();

    // 7. Stop the deployment and check its books: every bar once, orders and fills and positions agree.
    expect((await call(stack.app, 'POST', `/api/deployments/${deploymentId}/stop`)).json.status).toBe('stopped');
    const d = await em.findOneOrFail(Deployment, { id: deploymentId }, { refresh: true });
    const orders = await em.find(DeploymentOrder, { deployment: deploymentId });
    const fills = await em.find(DeploymentFill, { deployment: deploymentId }, { orderBy: { time: 'asc', tradeId: 'asc' } });
    const events = await em.find(DeploymentEvent, { deployment: deploymentId }, { orderBy: { seq: 'asc' } });

    // Every bar from the start of the replay to the cursor was processed exactly once.
    const compiled = compile(fastCross, registry);
    if (!compiled.ok) throw new Error('the fixture must compile');
    const series = await loadBars(chooseData(compiled.plan.data.request, feed.data), async () => undefined);
    const cursorIndex = Array.from(series.time).indexOf(d.cursor!);
    expect(cursorIndex).toBeGreaterThanOrEqual(0);
    expect(d.barsProcessed).toBe(cursorIndex + 1);

    // One row per client order id, one per bar decision; nothing left pending after the stop.
    expect(new Set(orders.map((o) => o.clientOrderId)).size).toBe(orders.length);
    expect(orders.filter((o) => o.status === 'pending' || o.status === 'unknown')).toEqual([]);
    // Fills: unique, each of an order we made, and each filled order fully accounted for by its fills.
    expect(new Set(fills.map((f) => f.tradeId)).size).toBe(fills.length);
    const byOrder = new Map(orders.map((o) => [o.clientOrderId, o]));
    for (const f of fills) expect(byOrder.has(f.clientOrderId!), `fill ${f.tradeId} has no order`).toBe(true);
    for (const o of orders) {
      const filled = fills.filter((f) => f.clientOrderId === o.clientOrderId).reduce((sum, f) => sum + f.quantity, 0);
      expect(filled, `order ${o.clientOrderId} (${o.status})`).toBeCloseTo(o.filled, 8);
      if (o.status === 'filled') expect(filled).toBeCloseTo(o.quantity, 8);
    }
    // The position the deployment reports, the one its fills add up to, and the paper venue's agree.
    const book = bookFromFills(d.initialCash, fills.map((f) => ({ side: f.side === 'sell' ? 'sell' : 'buy', quantity: f.quantity, price: f.price, fee: f.fee })));
    expect(d.position).toBeCloseTo(book.position, 8);
    const paper = PaperState.parse(d.paperState);
    expect(paper.positions[SYMBOL] ?? 0).toBeCloseTo(book.position, 8);
    expect(paper.cash).toBeCloseTo(book.cash, 6);
    // Events: one gap-free sequence, no halt, and the control history intact.
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.kind === 'risk')).toEqual([]);
    expect(events.at(-1)!.code).toBe('STOP');

    // 8. Strategies: every save that was in flight either exists whole (strategy + its versions, the
    // newest equal to the strategy) or not at all; every acknowledged save is there.
    const strategies = await em.find(Strategy, {});
    const versions = await em.find(StrategyVersion, {}, { orderBy: { number: 'asc' } });
    for (const s of strategies) {
      const own = versions.filter((v) => v.strategy.id === s.id);
      expect(own.map((v) => v.number), `versions of ${s.name}`).toEqual(Array.from({ length: s.latestVersion }, (_, i) => i + 1));
      expect(sameDocument(own.at(-1)!.graph, s.graph), `newest version of ${s.name} is its graph`).toBe(true);
      expect(own.at(-1)!.name).toBe(s.name);
    }
    const byName = new Map(strategies.map((s) => [s.name, s]));
    for (const a of savers.attempts) {
      const s = byName.get(a.name);
      if (a.created === 201) {
        expect(s?.id, `${a.name} was acknowledged`).toBe(a.id);
        if (a.updated === 200) {
          expect(s!.latestVersion).toBe(2);
          expect(sameDocument(s!.graph, graphOf(a.updatedGraph))).toBe(true);
        } else expect([1, 2]).toContain(s!.latestVersion); // a 503 on the update: committed whole or not at all
      } else {
        expect([503], `${a.name} answered ${a.created}`).toContain(a.created);
        if (s) expect(sameDocument(s.graph, graphOf(a.graph))).toBe(true); // committed before the connection died
      }
      if (a.updated !== undefined) expect([200, 503], `update of ${a.name}`).toContain(a.updated);
    }
    expect(strategies.some((s) => s.name === 'during the outage')).toBe(false);

    // The pool came back whole: no connection that died mid-transaction is still checked out.
    const pool = (await stack.orm.em.getConnection().getNativeClient()) as pg.Pool;
    await waitFor('every pooled connection to be back', async () => (pool.totalCount === pool.idleCount && pool.waitingCount === 0 ? true : undefined), 10_000);

    // The workflow never gave up: its execution is still the one we started (now completed by the stop).
    const connection = await Connection.connect({ address: stack.temporalAddress });
    try {
      const handle = new Client({ connection }).workflow.getHandle(d.workflowId);
      await handle.result();
      const history = await handle.fetchHistory();
      expect(history.events!.some((e) => e.workflowExecutionFailedEventAttributes)).toBe(false);
    } finally {
      await connection.close();
    }
    console.info(`[postgres-restart] PostgreSQL was down ${downMs} ms; ${savers.attempts.length} saves attempted, ${savers.attempts.filter((a) => a.created === 503).length} refused with 503`);
  });
});
