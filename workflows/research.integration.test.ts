import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { compile } from '../engine/compile.ts';
import { chooseData } from '../engine/data.ts';
import { ResearchSpec } from '../engine/research/config.ts';
import { TrialPool } from '../engine/research/pool.ts';
import { registry } from '../nodes/index.ts';
import { LOCAL_OWNER, ResearchRun, ResearchTrial, Strategy } from '../server/db/entities.ts';
import { call, createHarness, waitFor, type Harness } from '../server/testing/harness.ts';
import { createResearchActivities, type ResearchPlanOut } from './research-activities.ts';
import type { researchWorkflow } from './research.ts';

const smaCross = JSON.parse(readFileSync(new URL('../docs/examples/sma-crossover.json', import.meta.url), 'utf8'));
const root = fileURLToPath(new URL('..', import.meta.url));

function optimisable(fastValues: number[], slowValues: number[]) {
  const g = structuredClone(smaCross);
  g.nodes.find((n: { id: string }) => n.id === 'fast').optimize = { period: { values: fastValues } };
  g.nodes.find((n: { id: string }) => n.id === 'slow').optimize = { period: { values: slowValues } };
  return g;
}

/** A standalone worker process (`npm run worker`) on the harness's queue; resolves once it polls. */
function startWorkerProcess(h: Harness, name: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['workflows/standalone.ts'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: h.databaseUrl, TEMPORAL_ADDRESS: h.temporalAddress, TEMPORAL_TASK_QUEUE: h.taskQueue, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      if (process.env.TEST_LOG_LEVEL === 'debug') process.stderr.write(`[${name}] ${d}`);
      if (String(d).includes('standalone backtest worker running')) resolve(child);
    });
    child.stderr!.on('data', (d) => process.env.TEST_LOG_LEVEL === 'debug' && process.stderr.write(`[${name}] ${d}`));
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before it started`)));
  });
}

describe('two worker processes sharing one sweep', () => {
  let h: Harness;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await h?.close();
  });

  it('splits the trials between both workers and stores every trial exactly once', async () => {
    const workers = await Promise.all([startWorkerProcess(h, 'worker-1'), startWorkerProcess(h, 'worker-2')]);
    children.push(...workers);
    // 8 × 6 = 48 trials, 2 per activity, 6 activities in flight: more than one worker holds at once
    // (a worker runs as many activities as it has cores), so both processes take a share.
    const strategy = await call(h.app, 'POST', '/api/strategies', { name: 'shared sweep', graph: optimisable([3, 5, 8, 12, 16, 20, 25, 30], [40, 60, 80, 100, 150, 200]) });
    const started = await call(h.app, 'POST', '/api/research', {
      kind: 'sweep',
      strategyId: strategy.json.id,
      data: { kind: 'synthetic', seed: 21, bars: 30_000 },
      execution: { trialsPerActivity: 2, concurrency: 6 },
    });
    expect(started.status).toBe(201);
    const run = await waitFor('the sweep to finish', async () => {
      const r = await call(h.app, 'GET', `/api/research/${started.json.id}`);
      return ['succeeded', 'failed', 'cancelled'].includes(r.json.status) ? r.json : undefined;
    }, 170_000);
    expect(run).toMatchObject({ status: 'succeeded', trialsTotal: 48, trialsDone: 48 });

    const trials = await h.orm.em.fork().find(ResearchTrial, { researchRun: run.id }, { orderBy: { trialIndex: 'asc' }, exclude: ['detail'] });
    expect(trials.map((t) => t.trialIndex)).toEqual(Array.from({ length: 48 }, (_, i) => i));
    const byWorker = new Map<string, number>();
    for (const t of trials) byWorker.set(t.worker, (byWorker.get(t.worker) ?? 0) + 1);
    const identities = workers.map((w) => `${w.pid}@${hostname()}`);
    expect([...byWorker.keys()].sort()).toEqual([...identities].sort());
    for (const id of identities) expect(byWorker.get(id)).toBeGreaterThan(0);
    for (const w of workers) w.kill('SIGTERM');
  }, 240_000);
});

describe('the research workflow and activities', () => {
  let h: Harness;
  let connection: Connection;
  beforeAll(async () => {
    h = await createHarness();
    await h.startWorker();
    connection = await Connection.connect({ address: h.temporalAddress });
  });
  afterAll(async () => {
    await connection?.close();
    await h?.close();
  });

  /** A queued research run row, as POST /api/research would store it, without starting a workflow. */
  async function queuedRun(graph: unknown, spec: unknown, execution: Record<string, unknown>): Promise<string> {
    const em = h.orm.em.fork();
    const strategy = em.create(Strategy, { owner: LOCAL_OWNER, name: 'direct', graph });
    const compiled = compile(graph, registry);
    if (!compiled.ok) throw new Error('fixture must compile');
    const id = crypto.randomUUID();
    em.create(ResearchRun, {
      id,
      owner: LOCAL_OWNER,
      strategy,
      kind: ResearchSpec.parse(spec).kind,
      graph,
      data: chooseData(compiled.plan.data.request, { kind: 'synthetic', seed: 4, bars: 2000 }) as Record<string, unknown>,
      spec: ResearchSpec.parse(spec) as unknown as Record<string, unknown>,
      execution,
      workflowId: `research-${id}`,
    });
    await em.flush();
    return id;
  }

  it('continues as new when a run needs more activities than one execution may dispatch', async () => {
    const id = await queuedRun(optimisable([5, 10, 15, 20], [40, 60, 80]), { kind: 'sweep', config: { sampling: { kind: 'grid' }, metric: 'sharpe' } }, { trialsPerActivity: 1, concurrency: 2 });
    const client = new Client({ connection });
    const handle = await client.workflow.start<typeof researchWorkflow>('researchWorkflow', { taskQueue: h.taskQueue, workflowId: `research-${id}`, args: [{ researchRunId: id, batchesPerExecution: 4 }] });
    await handle.result();
    const run = await h.orm.em.fork().findOneOrFail(ResearchRun, { id });
    expect(run.status).toBe('succeeded');
    expect(run.trialsDone).toBe(12);
    expect((run.summary as { best: unknown }).best).not.toBeNull();
    // 12 activities at 4 per execution: the first execution handed over to a continued one.
    const first = await client.workflow.getHandle(`research-${id}`, handle.firstExecutionRunId).fetchHistory();
    expect(first.events!.some((e) => e.workflowExecutionContinuedAsNewEventAttributes)).toBe(true);
    const scheduled = first.events!.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'runResearchTrials');
    expect(scheduled).toHaveLength(4);
  });

  it('never stores a trial twice when an activity is retried, and resumes where an earlier attempt stopped', async () => {
    const id = await queuedRun(optimisable([5, 10, 15], [40, 60]), { kind: 'sweep', config: { sampling: { kind: 'grid' }, metric: 'sharpe' } }, { concurrency: 1 });
    const log = pino({ level: 'silent' });
    const first = createResearchActivities({ orm: h.orm, registry, log, identity: 'first' });
    const second = createResearchActivities({ orm: h.orm, registry, log, identity: 'second' });
    const env = new MockActivityEnvironment({ attempt: 1 });
    const plan = await env.run(first.planResearch, id);
    expect(plan).toMatchObject({ total: 6, concurrency: 1, phases: [{ name: 'sweep', start: 0, end: 6, batch: 10 }] });

    await env.run(first.runResearchTrials, id, 0, 4);
    // The same batch again (a retry after a lost completion), and an overlapping one from another worker.
    await new MockActivityEnvironment({ attempt: 2 }).run(second.runResearchTrials, id, 0, 4);
    await new MockActivityEnvironment({ attempt: 1 }).run(second.runResearchTrials, id, 0, 6);
    const trials = await h.orm.em.fork().find(ResearchTrial, { researchRun: id }, { orderBy: { trialIndex: 'asc' } });
    expect(trials.map((t) => [t.trialIndex, t.worker, t.attempt])).toEqual([[0, 'first', 1], [1, 'first', 1], [2, 'first', 1], [3, 'first', 1], [4, 'second', 1], [5, 'second', 1]]);
    const run = await h.orm.em.fork().findOneOrFail(ResearchRun, { id });
    expect(run.trialsDone).toBe(6);

    await env.run(first.finishResearch, id);
    await env.run(second.finishResearch, id);
    const done = await h.orm.em.fork().findOneOrFail(ResearchRun, { id });
    expect(done.status).toBe('succeeded');
    // A late failure report does not overwrite the finished run.
    await env.run(() => second.failResearch(id, 'failed', 'late'));
    expect((await h.orm.em.fork().findOneOrFail(ResearchRun, { id })).status).toBe('succeeded');
  });

  it('runs sweep, in-sample and cost trials on a trial pool, storing what the activity’s own thread stores', async () => {
    const pool = new TrialPool({ threads: 2 });
    const runs = vi.spyOn(pool, 'run');
    const log = pino({ level: 'silent' });
    const pooled = createResearchActivities({ orm: h.orm, registry, log, identity: 'pooled', trialPool: pool });
    const plain = createResearchActivities({ orm: h.orm, registry, log, identity: 'plain' });
    const graph = optimisable([5, 10], [40, 60]);
    const specs = [
      { kind: 'sweep', config: { sampling: { kind: 'grid' }, metric: 'sharpe' } },
      { kind: 'walkForward', config: { inSampleBars: 800, outOfSampleBars: 400 } },
      { kind: 'costSensitivity', config: { params: {}, commissionMultipliers: [0, 2], slippageMultipliers: [1, 3] } },
    ];
    const rows = async (id: string) =>
      (await h.orm.em.fork().find(ResearchTrial, { researchRun: id }, { orderBy: { trialIndex: 'asc' } })).map((t) => ({ index: t.trialIndex, phase: t.phase, params: t.params, metrics: t.metrics, detail: t.detail, error: t.error }));
    try {
      let pooledTrials = 0;
      for (const spec of specs) {
        const [a, b] = [await queuedRun(graph, spec, { concurrency: 1 }), await queuedRun(graph, spec, { concurrency: 1 })];
        const env = new MockActivityEnvironment({ attempt: 1 });
        const plan = (await env.run<[string], ResearchPlanOut | null, typeof pooled.planResearch>(pooled.planResearch, a))!;
        await env.run(plain.planResearch, b);
        await env.run(pooled.runResearchTrials, a, 0, plan.total);
        await env.run(plain.runResearchTrials, b, 0, plan.total);
        const [there, here] = [await rows(a), await rows(b)];
        expect(there).toHaveLength(plan.total);
        expect(there).toEqual(here);
        expect(there.every((t) => t.error === null && t.metrics !== null)).toBe(true);
        pooledTrials += there.filter((t) => t.phase !== 'outOfSample').length;
      }
      // Every trial but the out-of-sample windows went to the pool.
      expect(runs).toHaveBeenCalledTimes(pooledTrials);
    } finally {
      await pool.close();
    }
  });

  it('stops a pooled trial when its activity is cancelled, and stores nothing for it', async () => {
    const pool = new TrialPool({ threads: 1 });
    try {
      const activities = createResearchActivities({ orm: h.orm, registry, log: pino({ level: 'silent' }), trialPool: pool });
      const em = h.orm.em.fork();
      const id = await queuedRun(optimisable([5, 10], [40]), { kind: 'sweep', config: { sampling: { kind: 'grid' }, metric: 'sharpe' } }, { concurrency: 1 });
      // Long enough to be mid-trial when the cancel comes.
      const { data } = await em.findOneOrFail(ResearchRun, { id });
      await em.nativeUpdate(ResearchRun, { id }, { data: { ...data, bars: 3_000_000 } });
      const env = new MockActivityEnvironment({ attempt: 1 });
      await env.run(activities.planResearch, id);
      const running = env.run(activities.runResearchTrials, id, 0, 2);
      await waitFor('a trial on the pool', async () => (busy() > 0 ? true : undefined));
      // The mock's own promise of the cancel, which a real worker handles.
      env.context.cancelled.catch(() => {});
      env.cancel();
      await expect(running).rejects.toThrow('CANCELLED');
      expect(await h.orm.em.fork().count(ResearchTrial, { researchRun: id })).toBe(0);
      // Its thread stopped at a chunk and takes the next trial.
      await new MockActivityEnvironment({ attempt: 2 }).run(activities.runResearchTrials, id, 1, 2);
      expect((await h.orm.em.fork().find(ResearchTrial, { researchRun: id })).map((t) => t.trialIndex)).toEqual([1]);
      function busy() {
        return (pool as unknown as { threads: ({ busy: unknown } | null)[] }).threads.filter((t) => t?.busy).length;
      }
    } finally {
      await pool.close();
    }
  });

  it('fails the run with the reason when the activity cannot lay it out', async () => {
    const id = await queuedRun(optimisable([5], [40]), { kind: 'walkForward', config: { inSampleBars: 1900, outOfSampleBars: 500 } }, { concurrency: 2 });
    const client = new Client({ connection });
    const handle = await client.workflow.start<typeof researchWorkflow>('researchWorkflow', { taskQueue: h.taskQueue, workflowId: `research-${id}`, args: [{ researchRunId: id }] });
    await handle.result();
    const run = await h.orm.em.fork().findOneOrFail(ResearchRun, { id });
    expect(run.status).toBe('failed');
    expect(run.error).toContain('no window');
  });
});
