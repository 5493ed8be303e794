/**
 * Records real workflow histories for the replay test (workflows/replay.test.ts): a backtest that
 * succeeds, one cancelled mid-run, and one that fails on bad data. Run it after changing a workflow on
 * purpose (and version the change), never to make a failing replay pass:
 *
 *   node scripts/record-workflow-histories.ts            # every history
 *   node scripts/record-workflow-histories.ts research   # only the research workflow's (research-*.json)
 *   node scripts/record-workflow-histories.ts backtest   # only the backtest workflow's
 *   node scripts/record-workflow-histories.ts deployment # only the deployment workflow's (deployment-queue-*.json)
 *   node scripts/record-workflow-histories.ts rounds     # deployments whose step fails (deployment-rounds-*.json)
 */
import { writeFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { call, createHarness, waitFor } from '../server/testing/harness.ts';
import { LOCAL_OWNER, ResearchRun, Strategy } from '../server/db/entities.ts';
import { startFakeExchange } from '../trading/fake-exchange/server.ts';
import { startDeploymentOfMissingData, startLiveOnFakeExchange } from '../workflows/deployment-fixtures.ts';
import type { researchWorkflow } from '../workflows/research.ts';
import { ensureServices } from './test-services.ts';

const services = await ensureServices();
process.env.TEST_DATABASE_URL = services.databaseUrl;
process.env.TEST_TEMPORAL_ADDRESS = services.temporalAddress;
const h = await createHarness();
await h.startWorker();
const graph = (await import('../docs/examples/sma-crossover.json', { with: { type: 'json' } })).default;
const connection = await Connection.connect({ address: services.temporalAddress });
const client = new Client({ connection });

async function record(name: string, data: unknown, act?: (runId: string) => Promise<void>) {
  const s = await call(h.app, 'POST', '/api/strategies', { name, graph });
  const run = await call(h.app, 'POST', '/api/runs', { strategyId: s.json.id, data });
  await act?.(run.json.id);
  const handle = client.workflow.getHandle(`backtest-${run.json.id}`);
  await handle.result().catch(() => undefined);
  const file = new URL(`../workflows/histories/${name}.json`, import.meta.url);
  writeFileSync(file, historyToJSON(await handle.fetchHistory()) + '\n');
  console.log(`recorded ${name}`);
}

const only = process.argv[2];

/** A research run through the API, or (with `direct`) a row started with workflow options the API does not expose. */
async function recordResearch(name: string, body: Record<string, unknown>, act?: (id: string) => Promise<void>) {
  const s = await call(h.app, 'POST', '/api/strategies', { name, graph: optimisable });
  const started = await call(h.app, 'POST', '/api/research', { ...body, strategyId: s.json.id });
  if (started.status !== 201) throw new Error(`${name}: ${JSON.stringify(started.json)}`);
  await act?.(started.json.id);
  await saveHistory(name, `research-${started.json.id}`);
}

async function recordResearchDirect(name: string, spec: Record<string, unknown>, input: Partial<Parameters<typeof researchWorkflow>[0]>) {
  const em = h.orm.em.fork();
  const strategy = em.create(Strategy, { owner: LOCAL_OWNER, name, graph: optimisable });
  const id = crypto.randomUUID();
  em.create(ResearchRun, {
    id, owner: LOCAL_OWNER, strategy, kind: spec.kind as 'sweep', graph: optimisable, spec,
    data: { kind: 'synthetic', seed: 4, bars: 3000, startPrice: 100, drift: 0.05, volatility: 0.6, intervalMinutes: 60, startTime: Date.parse('2024-01-01T00:00:00Z') },
    execution: { concurrency: 2, trialsPerActivity: 1 }, workflowId: `research-${id}`,
  });
  await em.flush();
  await client.workflow.start<typeof researchWorkflow>('researchWorkflow', { taskQueue: h.taskQueue, workflowId: `research-${id}`, args: [{ researchRunId: id, ...input }] });
  await saveHistory(name, `research-${id}`);
}

async function saveHistory(name: string, workflowId: string) {
  // The first execution: for a run that continued as new, that is the history with the hand-over in it.
  const first = client.workflow.getHandle(workflowId);
  const firstRunId = (await first.describe()).runId;
  await first.result().catch(() => undefined);
  const handle = client.workflow.getHandle(workflowId, firstRunId);
  const file = new URL(`../workflows/histories/${name}.json`, import.meta.url);
  writeFileSync(file, historyToJSON(await handle.fetchHistory()) + '\n');
  console.log(`recorded ${name}`);
}

const optimisable = structuredClone(graph) as { nodes: { id: string; optimize?: unknown }[] };
optimisable.nodes.find((n) => n.id === 'fast')!.optimize = { period: { values: [5, 10, 20] } };
optimisable.nodes.find((n) => n.id === 'slow')!.optimize = { period: { values: [40, 80] } };

/**
 * A paper deployment on a replay feed driven through every control (pause, resume, kill switch, release,
 * re-enable, stop), and one started with a tiny step budget so its first run continues as new.
 *
 * Written as `deployment-queue-*.json`: recorded after the deployment activities moved to their own task
 * queue and the workflow stopped stepping again right after a bar (the `DEPLOYMENT_PATCHES` in
 * workflows/deployment.ts). The older `deployment-controls.json` and `deployment-continued.json` were
 * recorded before those patches and are kept: in-flight runs of that code must still replay.
 */
async function recordDeployments() {
  const limits = { maxOrderQuantity: 10_000, maxOrderNotional: 1e7, maxPosition: 10_000, maxGrossExposure: 1e7 };
  const s = await call(h.app, 'POST', '/api/strategies', { name: 'deployment', graph });
  const feed = { kind: 'replay', data: { kind: 'synthetic', seed: 5, bars: 400 }, barsPerSecond: 20 };
  const created = await call(h.app, 'POST', '/api/deployments', { strategyId: s.json.id, mode: 'paper', symbol: 'SYN/USD', feed, riskLimits: limits });
  if (created.status !== 201) throw new Error(`deployment: ${JSON.stringify(created.json)}`);
  const id = created.json.id;
  const bars = async (n: number) => waitFor(`${n} bars`, async () => ((await call(h.app, 'GET', `/api/deployments/${id}`)).json.barsProcessed >= n ? true : undefined));
  await bars(60);
  for (const action of ['pause', 'resume', 'kill', 'release-kill', 'reenable']) {
    await call(h.app, 'POST', `/api/deployments/${id}/${action}`, { by: 'recorder' });
    await new Promise((r) => setTimeout(r, 300));
  }
  await bars(100);
  await call(h.app, 'POST', `/api/deployments/${id}/stop`, { by: 'recorder' });
  await saveHistory('deployment-queue-controls', `deployment-${id}`);

  const c = await call(h.app, 'POST', '/api/deployments', { strategyId: s.json.id, mode: 'paper', symbol: 'SYN/USD', feed, riskLimits: limits });
  const workflowId = `deployment-${c.json.id}`;
  // The API started it with the default budget; restart it with three steps per run to record a hand-over.
  await client.workflow.getHandle(workflowId).terminate('re-started by the history recorder with a small step budget');
  await client.workflow.start('deploymentWorkflow', { taskQueue: h.taskQueue, workflowId, args: [{ deploymentId: c.json.id, stepsBeforeContinue: 3 }] });
  const first = client.workflow.getHandle(workflowId);
  const firstRunId = (await first.describe()).runId;
  await waitFor('the continue-as-new', async () => ((await first.describe()).runId !== firstRunId ? true : undefined));
  await call(h.app, 'POST', `/api/deployments/${c.json.id}/stop`, { by: 'recorder' });
  const file = new URL('../workflows/histories/deployment-queue-continued.json', import.meta.url);
  writeFileSync(file, historyToJSON(await client.workflow.getHandle(workflowId, firstRunId).fetchHistory()) + '\n');
  console.log('recorded deployment-queue-continued');
}

/**
 * Deployments whose step fails (`stepRounds` in workflows/deployment.ts): one whose replay dataset is gone
 * (the step fails for good, and the workflow fails the deployment), and a live one whose venue goes down
 * (failed rounds with pauses, then a stop applied between them). Written as `deployment-rounds-*.json`.
 */
async function recordDeploymentRounds() {
  const id = await startDeploymentOfMissingData(h, graph);
  await saveHistory('deployment-rounds-failed', `deployment-${id}`);

  const ex = await startFakeExchange();
  const live = await startLiveOnFakeExchange(h, ex.url, graph);
  await waitFor('a first bar', async () => ((await call(h.app, 'GET', `/api/deployments/${live}`)).json.barsProcessed > 0 ? true : undefined));
  await ex.close();
  // Two failed rounds (the second after the first pause), then the stop.
  await new Promise((r) => setTimeout(r, 25_000));
  await call(h.app, 'POST', `/api/deployments/${live}/stop`, { by: 'recorder' });
  await saveHistory('deployment-rounds-stopped', `deployment-${live}`);
}

try {
  if (!only || only === 'rounds') await recordDeploymentRounds();
  if (!only || only === 'research') {
    const data = { kind: 'synthetic', seed: 1, bars: 3000 };
    await recordResearch('research-walk-forward', { kind: 'walkForward', data, config: { inSampleBars: 1000, outOfSampleBars: 1000 }, execution: { trialsPerActivity: 3, concurrency: 2 } });
    await recordResearch('research-monte-carlo', { kind: 'monteCarlo', data, config: { paths: 300 }, execution: { trialsPerActivity: 1 } });
    await recordResearch('research-cancelled', { kind: 'sweep', data: { kind: 'synthetic', seed: 2, bars: 400_000 }, execution: { trialsPerActivity: 1, concurrency: 2 } }, async (id) => {
      await waitFor('research progress', async () => ((await call(h.app, 'GET', `/api/research/${id}`)).json.trialsDone > 0 ? true : undefined));
      await call(h.app, 'POST', `/api/research/${id}/cancel`);
    });
    await recordResearchDirect('research-continued', { kind: 'sweep', config: { sampling: { kind: 'grid' }, metric: 'sharpe' } }, { batchesPerExecution: 3 });
    // No walk-forward window fits 3000 bars: the plan activity fails without retrying and the run is marked failed.
    await recordResearchDirect('research-failed', { kind: 'walkForward', config: { mode: 'rolling', inSampleBars: 2900, outOfSampleBars: 500, sampling: { kind: 'grid' }, metric: 'sharpe' } }, {});
  }
  if (!only || only === 'deployment') await recordDeployments();
  if (!only || only === 'backtest') {
    await record('succeeded', { kind: 'synthetic', seed: 1, bars: 20_000 });
    await record('cancelled', { kind: 'synthetic', seed: 2, bars: 12_000_000 }, async (runId) => {
      await waitFor('progress', async () => ((await call(h.app, 'GET', `/api/runs/${runId}`)).json.barsDone > 0 ? true : undefined));
      await call(h.app, 'POST', `/api/runs/${runId}/cancel`);
    });
    // A graph whose data is too short to warm up fails in the activity with a non-retryable DataError.
    await record('failed', { kind: 'synthetic', seed: 3, bars: 20 });
  }
} finally {
  await connection.close();
  await h.close();
  await services.stop();
}
