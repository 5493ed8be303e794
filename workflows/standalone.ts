import { pino } from 'pino';
import { registry } from '../nodes/index.ts';
import { loadConfig } from '../server/config.ts';
import { openDatabase } from '../server/db/orm.ts';
import { connectionOptions } from '../server/temporal.ts';
import { createBacktestWorker } from './worker.ts';

/**
 * `npm run worker`: one more worker process against the same Temporal and database as the server, for
 * scale-out. It polls the workflow queue (workflows, backtests and research at one slot per core) and the
 * deployment queue (deployment steps, `DEPLOYMENT_ACTIVITY_SLOTS` at once, 64 by default). It embeds
 * nothing: TEMPORAL_ADDRESS is required, and DATABASE_URL unless it shares the server's ./data (PGlite is
 * single-process, so a second process needs a real PostgreSQL).
 */
const config = loadConfig();
const log = pino({ level: config.logLevel, base: { role: 'worker' } });
if (!config.temporal.address) {
  log.fatal('TEMPORAL_ADDRESS is not set: a standalone worker joins an existing Temporal (host:port), it does not start one.');
  process.exit(1);
}
if (!config.databaseUrl) {
  log.fatal('DATABASE_URL is not set: a standalone worker needs the PostgreSQL the server uses (the embedded PGlite cannot be shared between processes).');
  process.exit(1);
}
const settings = { address: config.temporal.address, namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue, tls: config.temporal.tls };
const { orm } = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
const { worker, connection } = await createBacktestWorker({ connection: connectionOptions(settings), namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue, orm, registry, log });
// Temporal's worker drains in-flight tasks on SIGINT/SIGTERM by itself (shutdownSignals default).
log.info({ address: settings.address, namespace: settings.namespace, taskQueues: worker.taskQueues }, 'standalone backtest worker running');
await worker.run();
await connection.close();
await orm.close();
