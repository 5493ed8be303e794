/**
 * Records real workflow histories for the replay test (workflows/replay.test.ts): a backtest that
 * succeeds, one cancelled mid-run, and one that fails on bad data. Run it after changing a workflow on
 * purpose (and version the change), never to make a failing replay pass:
 *
 *   node scripts/record-workflow-histories.ts
 */
import { writeFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { call, createHarness, waitFor } from '../server/testing/harness.ts';
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

try {
  await record('succeeded', { kind: 'synthetic', seed: 1, bars: 20_000 });
  await record('cancelled', { kind: 'synthetic', seed: 2, bars: 12_000_000 }, async (runId) => {
    await waitFor('progress', async () => ((await call(h.app, 'GET', `/api/runs/${runId}`)).json.barsDone > 0 ? true : undefined));
    await call(h.app, 'POST', `/api/runs/${runId}/cancel`);
  });
  // A graph whose data is too short to warm up fails in the activity with a non-retryable DataError.
  await record('failed', { kind: 'synthetic', seed: 3, bars: 20 });
} finally {
  await connection.close();
  await h.close();
  await services.stop();
}
