import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { pino } from 'pino';
import { registry } from '../../nodes/index.ts';
import type { Registry } from '../../nodes/registry.ts';
import { createTestDatabase } from '../../scripts/test-services.ts';
import { createBacktestWorker } from '../../workflows/worker.ts';
import { createApp } from '../app.ts';
import { createCustomNodeHost } from '../custom-registry.ts';
import { LOCAL_OWNER } from '../db/entities.ts';
import { openDatabase, type Orm } from '../db/orm.ts';
import { connectTemporal, type TemporalGateway } from '../temporal.ts';

export interface Harness {
  app: ReturnType<typeof createApp>;
  orm: Orm;
  temporal: TemporalGateway;
  databaseUrl: string;
  temporalAddress: string;
  taskQueue: string;
  /**
   * Start an in-process worker on this harness's task queue. `customNodes`: a host of its own (its own
   * sandbox pool), as a separate worker process would have; by default the app's.
   */
  startWorker(options?: { customNodes?: ReturnType<typeof createCustomNodeHost> }): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/**
 * A real stack for integration tests: a fresh database on the test PostgreSQL, the test Temporal server,
 * and a task queue of its own so concurrent suites never take each other's work.
 */
export async function createHarness(options: { registry?: Registry } = {}): Promise<Harness> {
  const temporalAddress = process.env.TEST_TEMPORAL_ADDRESS;
  if (!temporalAddress) throw new Error('TEST_TEMPORAL_ADDRESS is not set: run integration tests with `npm test`, which starts Temporal and PostgreSQL.');
  const db = await createTestDatabase();
  const { orm } = await openDatabase({ databaseUrl: db.url, dataDir: '/nonexistent' });
  const taskQueue = `test-${randomBytes(4).toString('hex')}`;
  const temporal = await connectTemporal({ address: temporalAddress, namespace: 'default', taskQueue });
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'warn' });
  const reg = options.registry ?? registry;
  const customNodes = createCustomNodeHost({ base: reg, log });
  const app = createApp({ orm, dbKind: 'postgresql', registry: reg, customNodes, temporal, log, owner: LOCAL_OWNER });
  const workers: (() => Promise<void>)[] = [];
  return {
    app,
    orm,
    temporal,
    databaseUrl: db.url,
    temporalAddress,
    taskQueue,
    async startWorker(options = {}) {
      const { worker, connection } = await createBacktestWorker({ connection: { address: temporalAddress }, namespace: 'default', taskQueue, orm, registry: reg, customNodes: options.customNodes ?? customNodes, log });
      const running = worker.run();
      let stopped: Promise<void> | undefined;
      const stop = () =>
        (stopped ??= (async () => {
          if (worker.getState() === 'RUNNING') worker.shutdown();
          await running;
          await connection.close();
        })());
      workers.push(stop);
      return stop;
    },
    async close() {
      for (const stop of workers) await stop();
      await customNodes.close();
      await temporal.close();
      await orm.close();
      await db.drop();
    },
  };
}

/**
 * Register a harness with a running worker for the enclosing test file, closed after it.
 *
 * @example
 * const stack = useHarness();
 * it('…', async () => { await call(stack().app, 'GET', '/api/health'); });
 */
export function useHarness(): () => Harness {
  let h: Harness | undefined;
  beforeAll(async () => {
    h = await createHarness();
    await h.startWorker();
  });
  afterAll(async () => {
    await h?.close();
  });
  return () => {
    if (!h) throw new Error('the harness is not ready: call useHarness() at the top of a describe block');
    return h;
  };
}

/** Send JSON to the in-process app and parse the reply. */
export async function call(app: Harness['app'], method: string, path: string, body?: unknown): Promise<{ status: number; type: string; json: any }> {
  const res = await app.request(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': typeof body === 'string' ? 'text/csv' : 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', json: text ? JSON.parse(text) : null };
}

/** Poll until `check` returns a value, or fail with what was last seen. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    const value = await check().catch((err) => {
      last = err;
      return undefined;
    });
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
