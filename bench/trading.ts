/**
 * `node bench/trading.ts` (and `npm run bench`, unless BENCH_TRADING=0): issue #4's trading performance,
 * measured end to end on real services started here as on a fresh machine.
 *
 * Services: a PostgreSQL 15 cluster of its own (a standalone worker needs a real PostgreSQL: the embedded
 * PGlite is single-process), the local Temporal dev server from the cached CLI with its SQLite file (what
 * `npm start` embeds), the API app (`createApp`, served on a free port in this process: `npm start` would
 * also rebuild the editor, which has nothing to do with trading) and standalone worker processes
 * (`node workflows/standalone.ts`, i.e. `npm run worker`). Everything is created through the HTTP API.
 *
 * 1. Latency: bar arrival → order at the paper venue. Clock start: the moment the replay feed makes the
 *    bar available (`observedAt`: the replay's schedule, startedAt + (i + 1) / barsPerSecond; for a live
 *    feed, the candle's close). Clock stop: the step activity hands the order to the paper broker adapter
 *    (`placeOrder`), logged by the worker at debug level as "order sent". In between: the workflow's
 *    timer, a workflow task, the step activity's dispatch, reading the deployment, fills, the strategy,
 *    the risk gate, committing the bar, and the send. A strategy that re-sizes on every bar gives
 *    hundreds of events; the first bars of each deployment (cold plan and series caches) are left out.
 * 2. Concurrency: BENCH_DEPLOYMENTS paper deployments (an SMA 3/8 cross) on replay feeds, ONE worker:
 *    bars/s all together, each deployment's lag behind its feed, worker CPU and RSS, Temporal history
 *    per deployment, and a check that every one of them traded.
 * 3. Sweep: the same parameter sweep through Temporal with one worker process, then two.
 *
 * Environment: BENCH_TRADING_PHASES (latency,deployments,sweep), BENCH_LAT_DEPLOYMENTS (4), BENCH_LAT_BPS
 * (2 bars/s each), BENCH_LAT_BARS (60), BENCH_LAT_WARMUP_BARS (2), BENCH_DEPLOYMENTS (100), BENCH_DEPLOY_BPS
 * (1 bar/s each), BENCH_DEPLOY_SECONDS (30, the measured window), BENCH_DEPLOY_STRATEGY (cross, or everybar for an order on every bar), BENCH_SWEEP_SETS (64), BENCH_SWEEP_BARS
 * (200000), BENCH_SWEEP_TRIALS_PER_ACTIVITY (4), BENCH_SWEEP_REPEATS (2, best kept), BENCH_DOCS=1 (write
 * the results block of docs/benchmarks.md's Trading section).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { runBacktest } from '../engine/backtest.ts';
import { compile } from '../engine/compile.ts';
import { chooseData, loadBars } from '../engine/data.ts';
import type { GraphInput } from '../engine/graph.ts';
import { registry } from '../nodes/index.ts';
import { locateTemporalCli } from '../server/embedded/temporal.ts';
import { cpuSeconds, memoryMiB, treeCpuSeconds } from './lib/procstat.ts';
import { distribution, perSecond, type Distribution } from './lib/stats.ts';
import { historySize, workflowTimings, type WorkflowTimings } from './lib/temporal-history.ts';
import { api, startTradingStack, type TradingStack, type WorkerProcess } from './lib/trading-stack.ts';
import { everyBarGraph, fastCross, roomyLimits, sweepGraph } from './lib/trading-strategies.ts';

const env = process.env;
const int = (key: string, fallback: number) => {
  const v = Number(env[key] ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${key} must be a positive number`);
  return v;
};
const phases = new Set((env.BENCH_TRADING_PHASES ?? 'latency,deployments,sweep').split(',').map((s) => s.trim()));
const lat = { deployments: int('BENCH_LAT_DEPLOYMENTS', 4), bps: int('BENCH_LAT_BPS', 2), bars: int('BENCH_LAT_BARS', 60), warmup: Number(env.BENCH_LAT_WARMUP_BARS ?? 2) };
const dep = { count: int('BENCH_DEPLOYMENTS', 100), bps: int('BENCH_DEPLOY_BPS', 1), seconds: int('BENCH_DEPLOY_SECONDS', 30), everyBar: env.BENCH_DEPLOY_STRATEGY === 'everybar' };
const sweepCfg = { sets: int('BENCH_SWEEP_SETS', 64), bars: int('BENCH_SWEEP_BARS', 200_000), perActivity: int('BENCH_SWEEP_TRIALS_PER_ACTIVITY', 4), repeats: int('BENCH_SWEEP_REPEATS', 2), concurrency: 8 };

const out: string[] = [];
const md: string[] = [];
const say = (line = '') => {
  console.log(line);
  out.push(line);
};
const t00 = performance.now();
const progress = (s: string) => process.stderr.write(`  … [${((performance.now() - t00) / 1000).toFixed(1)} s] ${s}\n`);
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(0)} ms` : '—');
const fmt = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '—');
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const head = (cells: string[]) => [row(cells), `|${cells.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
const distCells = (d: Distribution) => [String(d.n), ms(d.p50), ms(d.p95), ms(d.p99), ms(d.max), ms(d.mean)];

// ---- Machine ----
function cpuModel(): string {
  try {
    return /Model name:\s*(.+)/.exec(spawnSync('lscpu', { encoding: 'utf8' }).stdout)?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown';
  } catch {
    return cpus()[0]?.model ?? 'unknown';
  }
}
const machine = `${cpuModel()}, ${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM`;
const cli = locateTemporalCli();
const temporalVersion = cli ? spawnSync(cli.path, ['--version'], { encoding: 'utf8' }).stdout.trim() : 'the SDK-downloaded dev server';

let stack: TradingStack | undefined;
let db: pg.Pool | undefined;
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    progress(`${signal}: stopping everything this benchmark started`);
    void (async () => {
      await db?.end().catch(() => undefined);
      await stack?.stop();
      process.exit(130);
    })();
  });
}

/** Poll `check` every `everyMs` until it returns a value or `timeoutMs` passes (then undefined). */
async function until<T>(check: () => Promise<T | undefined>, timeoutMs: number, everyMs = 250): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !interrupted) {
    const v = await check();
    if (v !== undefined) return v;
    await sleep(everyMs);
  }
  return undefined;
}

const rateLimited = { count: 0 };
async function createStrategy(s: TradingStack, name: string, graph: unknown): Promise<string> {
  const r = await api(s.url, 'POST', '/api/strategies', { name, graph });
  if (r.status !== 201) throw new Error(`could not save strategy ${name}: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json.id;
}
async function deploy(s: TradingStack, strategyId: string, seed: number, bars: number, bps: number): Promise<string> {
  const body = { strategyId, mode: 'paper', symbol: 'SYN/USD', feed: { kind: 'replay', data: { kind: 'synthetic', seed, bars }, barsPerSecond: bps }, riskLimits: roomyLimits };
  const r = await api(s.url, 'POST', '/api/deployments', body, rateLimited);
  if (r.status !== 201) throw new Error(`could not deploy: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json.id;
}

interface DeploymentRow {
  id: string;
  started_at: number;
  bars_processed: number;
  status: string;
  halted: boolean;
  pending: number;
}
async function deploymentRows(ids: string[]): Promise<DeploymentRow[]> {
  const r = await db!.query<DeploymentRow>(
    `select d.id, d.started_at, d.bars_processed, d.status, d.risk_state->>'halt' is not null as halted,
       (select count(*)::int from deployment_orders o where o.deployment_id = d.id and o.status = 'pending') as pending
     from deployments d where d.id = any($1::uuid[])`,
    [ids],
  );
  return r.rows;
}

// ---- 1. Latency ----
interface LatencyResult {
  steady: Distribution;
  committed: Distribution;
  send: Distribution;
  warmup: Distribution;
  bars: number;
  orders: number;
  timings: { [K in keyof WorkflowTimings]: Distribution };
  /** The worker's CPU over the phase, % of one core. */
  workerCpu: number;
  loadBefore: string;
  loadAfter: string;
}

async function latencyPhase(s: TradingStack, worker: WorkerProcess): Promise<LatencyResult> {
  const loadBefore = load();
  const cpuBefore = cpuSeconds(worker.pid);
  const tBefore = Date.now();
  const strategyId = await createStrategy(s, 'bench: re-size on every bar', everyBarGraph(lat.bars));
  // Spread the deployments' bar clocks evenly, so bars reach the worker one at a time rather than in bursts.
  const spacing = 1000 / lat.bps / lat.deployments;
  const t0 = Date.now();
  const ids: string[] = [];
  for (let k = 0; k < lat.deployments; k++) {
    await sleep(Math.max(0, t0 + k * spacing - Date.now()));
    ids.push(await deploy(s, strategyId, 100 + k, lat.bars, lat.bps));
  }
  progress(`latency: ${lat.deployments} deployments × ${lat.bars} bars at ${lat.bps} bars/s`);
  const done = await until(async () => {
    const rows = await deploymentRows(ids);
    return rows.every((r) => r.bars_processed >= lat.bars && r.pending === 0) ? rows : undefined;
  }, (lat.bars / lat.bps) * 1000 + 90_000, 500);
  const rows = done ?? (await deploymentRows(ids));
  const workerCpu = ((cpuSeconds(worker.pid) - cpuBefore) / ((Date.now() - tBefore) / 1000)) * 100;
  if (!done) progress(`latency: not every replay finished in time (${rows.map((r) => r.bars_processed).join(', ')} of ${lat.bars} bars)`);
  const startedAt = new Map(rows.map((r) => [r.id, Number(r.started_at)]));

  const orders = await db!.query<{ client_order_id: string; created_ms: number }>(
    `select client_order_id, extract(epoch from created_at) * 1000 as created_ms from deployment_orders where deployment_id = any($1::uuid[])`,
    [ids],
  );
  const createdAt = new Map(orders.rows.map((o) => [o.client_order_id, Number(o.created_ms)]));
  const steady: number[] = [], warm: number[] = [], committed: number[] = [], send: number[] = [];
  for (const r of s.records) {
    if (r.msg !== 'order sent' || !startedAt.has(r.deploymentId as string)) continue;
    const arrival = Number(r.barObservedAt);
    const sentAt = Number(r.sentAt);
    // Bar i is due at startedAt + (i + 1) / barsPerSecond.
    const index = Math.round(((arrival - startedAt.get(r.deploymentId as string)!) * lat.bps) / 1000) - 1;
    if (index < lat.warmup) {
      warm.push(sentAt - arrival);
      continue;
    }
    steady.push(sentAt - arrival);
    const created = createdAt.get(r.clientOrderId as string);
    if (created !== undefined) {
      committed.push(created - arrival);
      send.push(sentAt - created);
    }
  }
  const merged: WorkflowTimings = { timerLateMs: [], scheduleToStartMs: [], busyStepMs: [], idleStepMs: [] };
  for (const id of ids) {
    const t = await workflowTimings(s.client, `deployment-${id}`);
    for (const k of Object.keys(merged) as (keyof WorkflowTimings)[]) merged[k].push(...t[k]);
  }
  return {
    steady: distribution(steady),
    committed: distribution(committed),
    send: distribution(send),
    warmup: distribution(warm),
    bars: rows.reduce((a, r) => a + r.bars_processed, 0),
    orders: orders.rows.length,
    timings: { timerLateMs: distribution(merged.timerLateMs), scheduleToStartMs: distribution(merged.scheduleToStartMs), busyStepMs: distribution(merged.busyStepMs), idleStepMs: distribution(merged.idleStepMs) },
    workerCpu,
    loadBefore,
    loadAfter: load(),
  };
}

// ---- 2. Many deployments on one worker ----
interface Sample {
  at: number;
  processed: number;
  byId: Map<string, number>;
  lagS: number[];
  lagBars: number[];
  workerCpu: number;
  temporalCpu: number;
  postgresCpu: number;
  selfCpu: number;
  workerRss: number;
}
interface DeploymentsResult {
  created: number;
  createMs: number;
  /** Deployment requests the API answered 429 (retried after its Retry-After). */
  rateLimited: number;
  windowS: number;
  barsPerSecond: number;
  demand: number;
  lagStart: Distribution;
  lagEnd: Distribution;
  lagBarsEnd: Distribution;
  worstLagS: number;
  cpu: { worker: number; temporal: number; postgres: number; api: number };
  workerRssMax: number;
  workerRssPeak: number;
  history: { events: Distribution; kib: Distribution; eventsPerBar: number };
  traded: number;
  /** Deployments without a fill whose backtest over the same bars has no trade either. */
  quiet: number;
  /** Deployments without a fill whose bars all came too late to trade (lag over staleAfterMs). */
  lateOnly: number;
  advanced: number;
  /** Deployments that had processed no bar at all by the window's end. */
  never: number;
  /** Deployments that fell more than staleAfterMs (60 s) behind: their late bars' signals were skipped. */
  stale: number;
  healthy: number;
  problems: string[];
  fills: number;
  orders: number;
  loadBefore: string;
  loadAfter: string;
}

async function deploymentsPhase(s: TradingStack, worker: WorkerProcess): Promise<{ result: DeploymentsResult; ids: string[] }> {
  const loadBefore = load();
  const graph: GraphInput = dep.everyBar ? everyBarGraph(5000) : fastCross;
  const strategyId = await createStrategy(s, dep.everyBar ? 'bench: re-size on every bar' : 'bench: SMA 3/8 cross', graph);
  // Long enough to outlast the creation (the API's rate limit may hold it up to a minute) and the window.
  const bars = Math.ceil((dep.seconds + 180) * dep.bps);
  const ids: string[] = [];
  const refusedBefore = rateLimited.count;
  const t0 = Date.now();
  // A few requests in flight, as several users (or a script) would send them; the API's rate limit still applies.
  const seeds = Array.from({ length: dep.count }, (_, k) => 1000 + k);
  const seedOf = new Map<string, number>();
  const lanes = Array.from({ length: 4 }, async () => {
    for (let seed = seeds.shift(); seed !== undefined && !interrupted; seed = seeds.shift()) {
      const id = await deploy(s, strategyId, seed, bars, dep.bps);
      ids.push(id);
      seedOf.set(id, seed);
      if (ids.length % 20 === 0) progress(`deployments: ${ids.length} of ${dep.count} created`);
    }
  });
  await Promise.all(lanes);
  const createMs = Date.now() - t0;
  // Let the last ones start (reconcile, first bars) before the window opens.
  await sleep(5000);

  const tempSeen = new Map<number, number>(), pgSeen = new Map<number, number>();
  const sample = async (): Promise<Sample> => {
    const rows = await deploymentRows(ids);
    const now = Date.now();
    const lagS: number[] = [], lagBars: number[] = [];
    for (const r of rows) {
      const start = Number(r.started_at);
      const due = Math.min(bars, Math.floor(((now - start) * dep.bps) / 1000));
      lagBars.push(Math.max(0, due - r.bars_processed));
      // Age of the oldest bar that is due and not yet processed.
      lagS.push(r.bars_processed < due ? (now - (start + ((r.bars_processed + 1) * 1000) / dep.bps)) / 1000 : 0);
    }
    const cpu = process.cpuUsage();
    return {
      at: now,
      processed: rows.reduce((a, r) => a + r.bars_processed, 0),
      byId: new Map(rows.map((r) => [r.id, r.bars_processed])),
      lagS,
      lagBars,
      workerCpu: cpuSeconds(worker.pid),
      temporalCpu: treeCpuSeconds(s.pids.temporal, tempSeen),
      postgresCpu: treeCpuSeconds(s.pids.postgres, pgSeen),
      selfCpu: (cpu.user + cpu.system) / 1e6,
      workerRss: memoryMiB(worker.pid).rss,
    };
  };
  progress(`deployments: measuring ${dep.seconds} s with ${ids.length} running`);
  const samples: Sample[] = [await sample()];
  const end = samples[0]!.at + dep.seconds * 1000;
  while (Date.now() < end && !interrupted) {
    await sleep(Math.min(2000, Math.max(0, end - Date.now())));
    samples.push(await sample());
  }
  const first = samples[0]!, last = samples.at(-1)!;
  const dt = (last.at - first.at) / 1000;
  const pct = (a: number, b: number) => ((b - a) / dt) * 100;

  // Did every deployment trade, keep going and stay healthy?
  const verify = await db!.query<{ id: string; fills: number; orders: number; outages: number; denials: number; unknown: number }>(
    `select d.id,
       (select count(*)::int from deployment_fills f where f.deployment_id = d.id) as fills,
       (select count(*)::int from deployment_orders o where o.deployment_id = d.id) as orders,
       (select count(*)::int from deployment_events e where e.deployment_id = d.id and e.kind = 'outage' and e.code = 'STALE_BAR') as outages,
       (select count(*)::int from deployment_events e where e.deployment_id = d.id and e.kind = 'denial') as denials,
       (select count(*)::int from deployment_orders o where o.deployment_id = d.id and o.status in ('unknown', 'rejected')) as unknown
     from deployments d where d.id = any($1::uuid[])`,
    [ids],
  );
  const endRows = await deploymentRows(ids);
  const problems: string[] = [];
  let traded = 0, advanced = 0, healthy = 0, quiet = 0, stale = 0, never = 0, lateOnly = 0;
  for (const v of verify.rows) {
    const r = endRows.find((x) => x.id === v.id)!;
    if (v.fills > 0) traded++;
    // Bars processed more than staleAfterMs late are not traded (catch-up policy "skip"): no fill is expected.
    else if (v.outages > 0) lateOnly++;
    // No fill is a fault only if the strategy's own backtest of the same bars trades: a young
    // deployment of a crossover may simply not have seen a cross yet.
    else if (await backtestTrades(graph, seedOf.get(v.id)!, r.bars_processed)) problems.push(`${v.id}: no fill although its backtest over the same ${r.bars_processed} bars trades (${v.orders} orders)`);
    else quiet++;
    // Alive: it kept processing bars during the window, not only before it.
    if (r.bars_processed > (first.byId.get(v.id) ?? 0)) advanced++;
    if (r.bars_processed === 0) never++;
    if (v.outages > 0) stale++;
    // Faults, as opposed to falling behind: a stopped, failed or halted deployment, a refused or unknown order.
    if (r.status === 'running' && !r.halted && v.denials === 0 && v.unknown === 0) healthy++;
    else problems.push(`${v.id}: ${r.status}${r.halted ? ', halted' : ''}${v.denials ? `, ${v.denials} risk denials` : ''}${v.unknown ? `, ${v.unknown} unknown/rejected orders` : ''}`);
  }

  progress('deployments: reading Temporal histories');
  const sizes: { events: number; bytes: number; bars: number }[] = [];
  for (let i = 0; i < ids.length; i += 10) {
    const chunk = ids.slice(i, i + 10);
    const got = await Promise.all(chunk.map((id) => historySize(s.client, `deployment-${id}`)));
    got.forEach((g, j) => sizes.push({ ...g, bars: endRows.find((r) => r.id === chunk[j])!.bars_processed }));
  }
  const totalBars = sizes.reduce((a, x) => a + x.bars, 0);
  const totals = verify.rows.reduce((a, v) => ({ fills: a.fills + v.fills, orders: a.orders + v.orders }), { fills: 0, orders: 0 });
  return {
    ids,
    result: {
      created: ids.length,
      createMs,
      rateLimited: rateLimited.count - refusedBefore,
      windowS: dt,
      barsPerSecond: (last.processed - first.processed) / dt,
      demand: ids.length * dep.bps,
      lagStart: distribution(first.lagS),
      lagEnd: distribution(last.lagS),
      lagBarsEnd: distribution(last.lagBars),
      worstLagS: Math.max(...samples.flatMap((x) => x.lagS)),
      cpu: { worker: pct(first.workerCpu, last.workerCpu), temporal: pct(first.temporalCpu, last.temporalCpu), postgres: pct(first.postgresCpu, last.postgresCpu), api: pct(first.selfCpu, last.selfCpu) },
      workerRssMax: Math.max(...samples.map((x) => x.workerRss)),
      workerRssPeak: memoryMiB(worker.pid).peak,
      // Each run continues as new after 500 steps (≈ 250 bars), so bars beyond that belong to earlier runs.
      history: { events: distribution(sizes.map((x) => x.events)), kib: distribution(sizes.map((x) => x.bytes / 1024)), eventsPerBar: sizes.reduce((a, x) => a + x.events, 0) / Math.max(1, totalBars) },
      traded,
      quiet,
      lateOnly,
      advanced,
      never,
      stale,
      healthy,
      problems,
      fills: totals.fills,
      orders: totals.orders,
      loadBefore,
      loadAfter: load(),
    },
  };
}

/** Whether a backtest of `graph` over the first `bars` bars of seed `seed` makes at least one trade. */
async function backtestTrades(graph: GraphInput, seed: number, bars: number): Promise<boolean> {
  if (bars < 10) return false;
  const compiled = compile(graph, registry);
  if (!compiled.ok) throw new Error('the benchmark strategy does not compile');
  const series = await loadBars(chooseData(compiled.plan.data.request, { kind: 'synthetic', seed, bars }), async () => undefined);
  return (await runBacktest(compiled.plan, series)).trades.length > 0;
}

/** Deployments of a finished phase stop here, so they take no worker time from the next phase. */
async function terminate(s: TradingStack, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 20) {
    await Promise.all(ids.slice(i, i + 20).map((id) => s.client.workflow.getHandle(`deployment-${id}`).terminate('benchmark phase over').catch(() => undefined)));
  }
}

// ---- 3. Sweeps ----
interface SweepRun {
  sets: number;
  ms: number;
  perWorker: Record<string, number>;
  computeMs: number;
  cpu: Record<string, number>;
  load: string;
}

function sweepValues(sets: number): { fast: number[]; slow: number[] } {
  const a = Math.max(1, Math.floor(Math.sqrt(sets)));
  const b = Math.ceil(sets / a);
  return { fast: Array.from({ length: a }, (_, i) => 5 + 2 * i), slow: Array.from({ length: b }, (_, i) => 40 + 10 * i) };
}

async function runSweep(s: TradingStack, strategyId: string, workers: WorkerProcess[], trialsPerActivity: number): Promise<SweepRun> {
  const cpuBefore = workers.map((w) => cpuSeconds(w.pid));
  const t0 = Date.now();
  const body = { kind: 'sweep', strategyId, execution: { trialsPerActivity, concurrency: sweepCfg.concurrency }, config: { sampling: { kind: 'grid' }, metric: 'sharpe' } };
  const r = await api(s.url, 'POST', '/api/research', body);
  if (r.status !== 201) throw new Error(`could not start the sweep: ${r.status} ${JSON.stringify(r.json)}`);
  const id = r.json.id as string;
  const done = await until(async () => {
    const g = await api(s.url, 'GET', `/api/research/${id}`);
    return ['succeeded', 'failed', 'cancelled'].includes(g.json.status) ? g.json : undefined;
  }, 600_000, 100);
  const elapsed = Date.now() - t0;
  if (!done || done.status !== 'succeeded') throw new Error(`the sweep did not succeed: ${done ? `${done.status} ${done.error}` : 'timed out'}`);
  const cpu = Object.fromEntries(workers.map((w, i) => [w.name, ((cpuSeconds(w.pid) - cpuBefore[i]!) / (elapsed / 1000)) * 100]));
  const trials = await api(s.url, 'GET', `/api/research/${id}/trials?limit=5000`);
  const items = trials.json.items as { worker: string; durationMs: number }[];
  // Trials name the worker as pid@host; map them back to our names.
  const byPid = new Map(workers.map((w) => [String(w.pid), w.name]));
  const perWorker: Record<string, number> = {};
  for (const t of items) {
    const name = byPid.get(t.worker.split('@')[0]!) ?? t.worker;
    perWorker[name] = (perWorker[name] ?? 0) + 1;
  }
  return { sets: done.trialsTotal, ms: elapsed, perWorker, computeMs: items.reduce((a, t) => a + t.durationMs, 0), cpu, load: load() };
}

async function sweepPhase(s: TradingStack, w1: WorkerProcess): Promise<{ one: SweepRun; two: SweepRun; runs: SweepRun[][] }> {
  const { fast, slow } = sweepValues(sweepCfg.sets);
  const strategyId = await createStrategy(s, 'bench: SMA sweep', sweepGraph(sweepCfg.bars, fast, slow));
  // Same data, fewer sets: warms the JIT and each worker's bars cache, one trial per activity so every worker gets some.
  const warmId = await createStrategy(s, 'bench: SMA sweep warm-up', sweepGraph(sweepCfg.bars, [5, 7], [40, 50]));
  const measure = async (workers: WorkerProcess[]) => {
    progress(`sweep: warm-up on ${workers.length} worker(s)`);
    await runSweep(s, warmId, workers, 1);
    const runs: SweepRun[] = [];
    for (let i = 0; i < sweepCfg.repeats && !interrupted; i++) {
      progress(`sweep: ${fast.length * slow.length} sets × ${sweepCfg.bars} bars on ${workers.length} worker(s), run ${i + 1}`);
      runs.push(await runSweep(s, strategyId, workers, sweepCfg.perActivity));
    }
    return runs;
  };
  const oneRuns = await measure([w1]);
  progress('sweep: starting a second worker process');
  const w2 = await s.startWorker('worker-2');
  const twoRuns = await measure([w1, w2]);
  const best = (runs: SweepRun[]) => runs.reduce((a, b) => (b.ms < a.ms ? b : a));
  return { one: best(oneRuns), two: best(twoRuns), runs: [oneRuns, twoRuns] };
}

// ---- Run ----
const startedAt = new Date();
const loadAtStart = load();
say(`Trading benchmark — ${startedAt.toISOString()}`);
say(`machine: ${machine}; load average at start ${loadAtStart} (1/5/15 min); node ${process.version}`);
let latency: LatencyResult | undefined;
let many: DeploymentsResult | undefined;
let sweep: Awaited<ReturnType<typeof sweepPhase>> | undefined;
let failure: unknown;
try {
  stack = await startTradingStack({ workerLogLevel: 'debug', keep: ['order sent'], progress });
  db = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
  say(
    `services: PostgreSQL 15 (own cluster, initdb in a temp dir: a standalone worker needs a PostgreSQL server, PGlite is single-process); ` +
      `Temporal dev server ${temporalVersion.replace(/^temporal version /, '')} with its SQLite file, as \`npm start\` embeds it; ` +
      `the API app on ${stack.url} (in this process); standalone worker processes (node workflows/standalone.ts)`,
  );
  progress('starting worker-1');
  const w1 = await stack.startWorker('worker-1');
  const leftovers: string[] = [];

  if (phases.has('latency')) {
    latency = await latencyPhase(stack, w1);
    leftovers.push(...(await db.query<{ id: string }>('select id from deployments')).rows.map((r) => r.id));
    await terminate(stack, leftovers.splice(0));
  }
  if (phases.has('deployments')) {
    const r = await deploymentsPhase(stack, w1);
    many = r.result;
    await terminate(stack, r.ids);
  }
  if (phases.has('sweep')) sweep = await sweepPhase(stack, w1);
} catch (err) {
  failure = err;
} finally {
  await db?.end().catch(() => undefined);
  await stack?.stop();
}

// ---- Report ----
const date = startedAt.toISOString().slice(0, 10);
const knobs = /^BENCH_(TRADING_PHASES|LAT_|DEPLOY|SWEEP_)/;
const command = `${Object.entries(env).filter(([k]) => knobs.test(k)).map(([k, v]) => `${k}=${v} `).join('')}node bench/trading.ts`;
md.push(`Measured ${date} with \`${command}\` on ${machine}; load average at start ${loadAtStart} (1/5/15 min).`, '');

if (latency) {
  const l = latency;
  say();
  say(`1. BAR ARRIVAL → ORDER AT THE PAPER VENUE, through Temporal (one worker) — load average ${l.loadBefore} → ${l.loadAfter}`);
  say(`   ${lat.deployments} paper deployments × ${lat.bars} bars at ${lat.bps} bars/s each (clocks staggered), re-sizing on every bar: ${l.bars} bars, ${l.orders} orders; first ${lat.warmup} bars of each left out; worker CPU ${fmt(l.workerCpu, 0)} % of a core`);
  const h = ['measure', 'events', 'p50', 'p95', 'p99', 'max', 'mean'];
  const lines: [string, Distribution][] = [
    ['bar arrival → order at the venue adapter', l.steady],
    ['  arrival → order committed with its bar', l.committed],
    ['  committed → handed to the adapter', l.send],
    ['cold start (first bars, not counted above)', l.warmup],
    ['Temporal: timer fired after its due time', l.timings.timerLateMs],
    ['Temporal: step scheduled → started on the worker', l.timings.scheduleToStartMs],
    ['step activity with a bar (DB, strategy, gate, send)', l.timings.busyStepMs],
    ['step activity with no bar due', l.timings.idleStepMs],
  ];
  const w0 = Math.max(...lines.map(([n]) => n.length));
  say(`   ${h[0]!.padEnd(w0)}  ${h.slice(1).map((x) => x.padStart(8)).join('')}`);
  for (const [name, d] of lines) say(`   ${name.padEnd(w0)}  ${distCells(d).map((x) => x.padStart(8)).join('')}`);
  if (l.steady.n < 200) say(`   note: only ${l.steady.n} events (< 200); raise BENCH_LAT_BARS or BENCH_LAT_DEPLOYMENTS`);
  md.push(`**Bar arrival → order at the paper venue** (${lat.deployments} deployments × ${lat.bars} bars at ${lat.bps} bars/s each, one worker; load average ${l.loadBefore} → ${l.loadAfter}):`, '');
  md.push(...head(h), ...lines.map(([name, d]) => row([name.trim(), ...distCells(d)])), '');
}

if (many) {
  const m = many;
  say();
  const what = dep.everyBar ? 're-sizing on every bar' : 'SMA 3/8 cross';
  say(`2. ${m.created} PAPER DEPLOYMENTS ON ONE WORKER, replay feeds at ${dep.bps} bar/s each (${what}) — load average ${m.loadBefore} → ${m.loadAfter}`);
  say(`   created through the API in ${(m.createMs / 1000).toFixed(1)} s, 4 requests at a time (${m.rateLimited} answered 429 by the API's limit of 60 deployment requests a minute, retried after Retry-After); measured for ${m.windowS.toFixed(0)} s once all ran`);
  const rows: [string, string][] = [
    ['bars processed, all deployments', `${fmt(m.barsPerSecond)} bars/s (the feeds deliver ${m.demand} bars/s)`],
    ['lag behind the feed at window start (p50 / max)', `${fmt(m.lagStart.p50)} s / ${fmt(m.lagStart.max)} s`],
    ['lag behind the feed at window end (p50 / p99 / max)', `${fmt(m.lagEnd.p50)} s / ${fmt(m.lagEnd.p99)} s / ${fmt(m.lagEnd.max)} s (${fmt(m.lagBarsEnd.max, 0)} bars)`],
    ['worst lag seen in the window', `${fmt(m.worstLagS)} s`],
    ['worker CPU / RSS (max in window, peak)', `${fmt(m.cpu.worker, 0)} % of a core / ${fmt(m.workerRssMax, 0)} MiB, peak ${fmt(m.workerRssPeak, 0)} MiB`],
    ['Temporal server / PostgreSQL / API process CPU', `${fmt(m.cpu.temporal, 0)} % / ${fmt(m.cpu.postgres, 0)} % / ${fmt(m.cpu.api, 0)} % of a core`],
    ['Temporal history per deployment (events p50 / max)', `${fmt(m.history.events.p50, 0)} / ${fmt(m.history.events.max, 0)} events, ${fmt(m.history.kib.p50)} / ${fmt(m.history.kib.max)} KiB; ${fmt(m.history.eventsPerBar)} events per bar`],
    ['deployments that traded (≥ 1 fill)', `${m.traded} of ${m.created} (${m.orders} orders, ${m.fills} fills)${m.quiet ? `; ${m.quiet} had no signal yet, as their backtests of the same bars confirm` : ''}${m.lateOnly ? `; ${m.lateOnly} got their bars too late to trade them (stale)` : ''}`],
    ['deployments that processed bars during the window', `${m.advanced} of ${m.created}${m.never ? ` (${m.never} had processed no bar at all)` : ''}`],
    ['deployments that fell > 60 s behind (stale bars skipped)', `${m.stale} of ${m.created}`],
    ['deployments running, not halted, no risk denial or unknown order', `${m.healthy} of ${m.created}`],
  ];
  const w0 = Math.max(...rows.map(([n]) => n.length));
  for (const [k, v] of rows) say(`   ${k.padEnd(w0)}  ${v}`);
  for (const p of m.problems.slice(0, 5)) say(`   problem: ${p}`);
  if (m.problems.length > 5) say(`   … and ${m.problems.length - 5} more problems`);
  md.push(`**${m.created} paper deployments on one worker** (replay feeds at ${dep.bps} bar/s each, ${what}; measured ${m.windowS.toFixed(0)} s; load average ${m.loadBefore} → ${m.loadAfter}):`, '');
  md.push(...head(['measure', 'value']), ...rows.map(([k, v]) => row([k, v])), '');
}

if (sweep) {
  const { one, two } = sweep;
  const setsPerS = (r: SweepRun) => perSecond(r.sets, r.ms);
  const ratio = setsPerS(two) / setsPerS(one);
  say();
  say(`3. SWEEP THROUGH TEMPORAL: ${one.sets} sets (SMA fast × slow) × ${sweepCfg.bars.toLocaleString('en-US')} bars, ${sweepCfg.perActivity} sets per activity, ${sweepCfg.concurrency} in flight; best of ${sweepCfg.repeats}`);
  const h = ['workers', 'wall s', 'sets/s', 'set-bars/s', 'trials per worker', 'worker CPU % of a core', 'load average after'];
  const cells = (n: number, r: SweepRun) => [String(n), (r.ms / 1000).toFixed(2), fmt(setsPerS(r), 2), perSecond(r.sets * sweepCfg.bars, r.ms).toExponential(2), Object.entries(r.perWorker).map(([k, v]) => `${k} ${v}`).join(', '), Object.entries(r.cpu).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', '), r.load];
  const t = [cells(1, one), cells(2, two)];
  const widths = h.map((x, i) => Math.max(x.length, ...t.map((c) => c[i]!.length)));
  say(`   ${h.map((x, i) => x.padEnd(widths[i]!)).join('  ')}`);
  for (const c of t) say(`   ${c.map((x, i) => x.padEnd(widths[i]!)).join('  ')}`);
  say(`   2 workers ÷ 1 worker: ${ratio.toFixed(2)}× (each worker runs as many activities as cores, so one worker already uses both cores here)`);
  say(`   all runs (wall s): 1 worker ${sweep.runs[0]!.map((r) => (r.ms / 1000).toFixed(2)).join(', ')}; 2 workers ${sweep.runs[1]!.map((r) => (r.ms / 1000).toFixed(2)).join(', ')}`);
  md.push(`**Sweep through Temporal** (${one.sets} sets × ${sweepCfg.bars.toLocaleString('en-US')} bars, ${sweepCfg.perActivity} sets per activity, best of ${sweepCfg.repeats}): 2 workers ÷ 1 worker = **${ratio.toFixed(2)}×**.`, '');
  md.push(...head(h), ...t.map((c) => row(c)), '');
}

say();
say(`load average at end ${load()}`);
md.push(`Load average at the end: ${load()}.`);
if (failure) {
  say(`FAILED: ${failure instanceof Error ? (failure.stack ?? failure.message) : String(failure)}`);
  process.exitCode = 1;
}

if (env.BENCH_DOCS === '1' && !failure) {
  const docs = join(import.meta.dirname, '..', 'docs', 'benchmarks.md');
  const text = readFileSync(docs, 'utf8');
  const begin = '<!-- bench:trading:begin -->';
  const end = '<!-- bench:trading:end -->';
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`${docs} has no ${begin} … ${end} block`);
  writeFileSync(docs, `${text.slice(0, i + begin.length)}\n${md.join('\n')}\n${text.slice(j)}`);
  console.error(`wrote the trading results into ${docs}`);
}
