import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { pino } from 'pino';
import { registry } from '../nodes/index.ts';
import { createBacktestWorker } from '../workflows/worker.ts';
import { createApp } from './app.ts';
import { createCustomNodeHost } from './custom-registry.ts';
import { loadConfig } from './config.ts';
import { LOCAL_OWNER } from './db/entities.ts';
import { openDatabase } from './db/orm.ts';
import { ensureEditorBuilt } from './editor-build.ts';
import { startEmbeddedTemporal, type EmbeddedTemporal } from './embedded/temporal.ts';
import { connectionOptions, connectTemporal } from './temporal.ts';

/**
 * `npm start`: the whole product in one process. With no settings it embeds everything (PGlite and a
 * local Temporal dev server under ./data); DATABASE_URL and TEMPORAL_ADDRESS switch to real services,
 * and then nothing is started here besides the API and (unless disabled) one worker.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const config = loadConfig();
const log = pino({ level: config.logLevel });
const cleanups: (() => Promise<unknown>)[] = [];

async function shutdown(code: number): Promise<never> {
  // Reverse order: stop taking requests, drain the worker, then close connections and embedded servers.
  for (const cleanup of cleanups.reverse()) await cleanup().catch((err) => log.warn({ err }, 'shutdown step failed'));
  process.exit(code);
}
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    void shutdown(0);
  });
}

try {
  let temporalAddress = config.temporal.address;
  if (!temporalAddress) {
    const embedded: EmbeddedTemporal = await startEmbeddedTemporal({ dataDir: config.dataDir, log: { info: (m) => log.info(m), warn: (m) => log.warn(m) } });
    cleanups.push(() => embedded.stop());
    temporalAddress = embedded.address;
    log.info({ address: temporalAddress }, 'embedded Temporal dev server running');
  }
  const temporalSettings = { address: temporalAddress, namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue, tls: config.temporal.tls };

  const { orm, kind } = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  cleanups.push(() => orm.close());
  log.info({ database: kind }, 'database ready, migrations applied');

  const temporal = await connectTemporal(temporalSettings);
  cleanups.push(() => temporal.close());

  // One sandbox pool for this process (the API and the embedded worker); it starts on first use.
  const customNodes = createCustomNodeHost({ base: registry, log });
  cleanups.push(() => customNodes.close());

  if (config.embeddedWorker) {
    const { worker, connection } = await createBacktestWorker({ connection: connectionOptions(temporalSettings), namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue, orm, registry, customNodes, log });
    const running = worker.run();
    cleanups.push(async () => {
      // The SDK drains the worker by itself on SIGINT/SIGTERM; shut it down here only if it still runs.
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
    });
    running.catch((err) => {
      log.error({ err }, 'worker stopped unexpectedly');
      void shutdown(1);
    });
    log.info('backtest worker running');
  }

  const editorDir = await ensureEditorBuilt(root, log);
  const app = createApp({ orm, dbKind: kind, registry, customNodes, temporal, log, editorDir, owner: LOCAL_OWNER });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host });
  cleanups.push(() => new Promise((done) => server.close(done)));
  server.once('listening', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    log.info(`Tradeloom is running at http://localhost:${port} (API reference at /api/docs)`);
  });
  server.once('error', (err) => {
    log.fatal({ err }, `cannot listen on ${config.host}:${config.port}; set PORT to another port`);
    void shutdown(1);
  });
} catch (err) {
  log.fatal(err instanceof Error ? err.message : String(err));
  await shutdown(1);
}
