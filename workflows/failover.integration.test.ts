import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../engine/backtest.ts';
import { compile } from '../engine/compile.ts';
import { chooseData, loadBars } from '../engine/data.ts';
import { registry } from '../nodes/index.ts';
import { RunResult } from '../server/db/entities.ts';
import { call, createHarness, waitFor, type Harness } from '../server/testing/harness.ts';
import { slowGraph } from '../server/testing/slow-graph.ts';

const smaCross = JSON.parse(readFileSync(new URL('../docs/examples/sma-crossover.json', import.meta.url), 'utf8'));
const root = fileURLToPath(new URL('..', import.meta.url));

/** A standalone worker process (`npm run worker`) on the harness's queue, as an operator would start one. */
function startWorkerProcess(h: Harness, name: string): ChildProcess {
  const child = spawn(process.execPath, ['workflows/standalone.ts'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: h.databaseUrl, TEMPORAL_ADDRESS: h.temporalAddress, TEMPORAL_TASK_QUEUE: h.taskQueue, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => process.env.TEST_LOG_LEVEL === 'debug' && process.stderr.write(`[${name}] ${d}`));
  child.stderr!.on('data', (d) => process.env.TEST_LOG_LEVEL === 'debug' && process.stderr.write(`[${name}] ${d}`));
  return child;
}

describe('a worker killed mid-backtest', () => {
  let h: Harness;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await h?.close();
  });

  it('is replaced by another worker and the run completes exactly once', async () => {
    // Slow on purpose (about 12 s for these bars): the plain crossover would finish before the kill.
    const graph = slowGraph(smaCross);
    const strategy = await call(h.app, 'POST', '/api/strategies', { name: 'failover', graph });
    const data = { kind: 'synthetic' as const, seed: 5, bars: 1_000_000 };
    const first = startWorkerProcess(h, 'worker-1');
    children.push(first);
    const started = await call(h.app, 'POST', '/api/runs', { strategyId: strategy.json.id, data });
    expect(started.status).toBe(201);
    const runId = started.json.id;

    // Kill the worker once the engine is demonstrably inside the backtest.
    const midway = await waitFor('the first worker to be mid-backtest', async () => {
      const r = await call(h.app, 'GET', `/api/runs/${runId}`);
      return r.json.barsDone > 0 && r.json.status === 'running' ? r.json : undefined;
    }, 90_000);
    expect(midway.barsDone).toBeLessThan(data.bars);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));

    const second = startWorkerProcess(h, 'worker-2');
    children.push(second);
    const done = await waitFor('the second worker to finish the run', async () => {
      const r = await call(h.app, 'GET', `/api/runs/${runId}`);
      return ['succeeded', 'failed', 'cancelled'].includes(r.json.status) ? r.json : undefined;
    }, 150_000);
    expect(done.status).toBe('succeeded');
    expect(done.attempts).toBe(2);

    // Exactly one stored result, and the workflow history shows one completed backtest activity.
    expect(await h.orm.em.fork().count(RunResult, { run: runId })).toBe(1);
    const connection = await Connection.connect({ address: h.temporalAddress });
    try {
      const client = new Client({ connection });
      const handle = client.workflow.getHandle(`backtest-${runId}`);
      // The run row turns 'succeeded' inside the activity; the workflow completes just after.
      await handle.result();
      const history = await handle.fetchHistory();
      const completed = history.events!.filter((e) => e.activityTaskCompletedEventAttributes);
      const scheduled = history.events!.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'executeBacktest');
      expect(scheduled).toHaveLength(1);
      expect(completed).toHaveLength(1);
      expect(history.events!.some((e) => e.workflowExecutionCompletedEventAttributes)).toBe(true);
    } finally {
      await connection.close();
    }

    // And the result is the one the engine computes without any crash.
    const compiled = compile(graph, registry);
    if (!compiled.ok) throw new Error('fixture must compile');
    const expected = await runBacktest(compiled.plan, await loadBars(chooseData(compiled.plan.data.request, data), async () => undefined));
    const stored = await call(h.app, 'GET', `/api/runs/${runId}/result`);
    expect(stored.json.metrics).toEqual(JSON.parse(JSON.stringify(expected.metrics)));
    second.kill('SIGTERM');
  });
});
