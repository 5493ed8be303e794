import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedTemporal, type EmbeddedTemporal } from '../server/embedded/temporal.ts';
import { call, createHarness, waitFor, type Harness } from '../server/testing/harness.ts';
import { fastCross, roomyLimits } from './deployment-fixtures.ts';

/**
 * Restarting the Temporal server under a running deployment. This test starts its OWN dev server (with a
 * SQLite file, so its state survives the restart) instead of touching the shared one, stops it mid-run,
 * starts it again on the same port, and expects the deployment to carry on by itself.
 */
describe('a Temporal server restart mid-run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tradeloom-temporal-'));
  const log = { info() {}, warn() {} };
  let temporal: EmbeddedTemporal | undefined;
  let h: Harness | undefined;
  const sharedAddress = process.env.TEST_TEMPORAL_ADDRESS;

  afterAll(async () => {
    await h?.close().catch(() => undefined);
    await temporal?.stop();
    process.env.TEST_TEMPORAL_ADDRESS = sharedAddress;
    rmSync(dir, { recursive: true, force: true });
  });

  it('the deployment resumes by itself once the server is back', async () => {
    temporal = await startEmbeddedTemporal({ dataDir: dir, port: 0, log });
    const port = Number(temporal.address.split(':').at(-1));
    process.env.TEST_TEMPORAL_ADDRESS = temporal.address;
    h = await createHarness();
    await h.startWorker();
    const strategy = await call(h.app, 'POST', '/api/strategies', { name: 'restart', graph: fastCross });
    const created = await call(h.app, 'POST', '/api/deployments', { strategyId: strategy.json.id, mode: 'paper', symbol: 'SYN/USD', feed: { kind: 'replay', data: { kind: 'synthetic', seed: 8, bars: 5000 }, barsPerSecond: 10 }, riskLimits: roomyLimits });
    expect(created.status).toBe(201);
    const id = created.json.id;
    const bars = async () => (await call(h!.app, 'GET', `/api/deployments/${id}`)).json.barsProcessed as number;
    await waitFor('the deployment to trade', async () => ((await bars()) >= 20 ? true : undefined), 90_000);

    await temporal.stop();
    const during = await bars();
    await new Promise((r) => setTimeout(r, 3000));
    // Nothing steps the deployment while Temporal is down (at most the step that was already running ends).
    expect((await bars()) - during).toBeLessThanOrEqual(20);
    temporal = await startEmbeddedTemporal({ dataDir: dir, port, log });
    expect(temporal.address.endsWith(`:${port}`)).toBe(true);

    const resumed = await bars();
    await waitFor('the deployment to carry on after the restart', async () => ((await bars()) >= resumed + 30 ? true : undefined), 120_000);
    const detail = (await call(h.app, 'GET', `/api/deployments/${id}`)).json;
    expect(detail.status).toBe('running');
    expect(detail.tradingState).toBe('ACTIVE');
    // Every order the deployment decided on has one row and one unique client order id.
    expect(new Set(detail.orders.map((o: { clientOrderId: string }) => o.clientOrderId)).size).toBe(detail.orders.length);
    expect((await call(h.app, 'POST', `/api/deployments/${id}/stop`)).json.status).toBe('stopped');
  });
});
