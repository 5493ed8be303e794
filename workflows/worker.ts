import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker, type LogLevel, type NativeConnectionOptions } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { Registry } from '../nodes/registry.ts';
import { createCustomNodeHost, type CustomNodeHost } from '../server/custom-registry.ts';
import type { Orm } from '../server/db/orm.ts';
import { createActivities } from './activities.ts';
import { BACKTEST_TASK_QUEUE } from './backtest.ts';
import { createDeploymentActivities } from './deployment-activities.ts';
import { createResearchActivities } from './research-activities.ts';

export interface WorkerOptions {
  connection: NativeConnectionOptions;
  namespace: string;
  orm: Orm;
  registry: Registry;
  log: Logger;
  taskQueue?: string;
  /** Custom nodes and their sandbox; a worker process without one gets its own, started on first use. */
  customNodes?: CustomNodeHost;
}

let processCustomNodes: CustomNodeHost | undefined;

let runtimeInstalled = false;

/**
 * Route the SDK's own logs (worker state, bundler output) through our logger at warn level and up, so
 * operators see one log stream and routine chatter stays out of it. The runtime is process-wide and
 * can be installed once, before the first connection.
 */
function installRuntime(log: Logger): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };
  const child = log.child({ component: 'temporal-sdk' });
  Runtime.install({ logger: new DefaultLogger('WARN', (entry) => child[levels[entry.level]]({ ...entry.meta }, entry.message)) });
}

/** A worker for backtests: the workflow bundle plus activities wired to this process's database. */
export async function createBacktestWorker(options: WorkerOptions): Promise<{ worker: Worker; connection: NativeConnection }> {
  installRuntime(options.log);
  const connection = await NativeConnection.connect(options.connection);
  // The sandbox process exits with this one (its socket closes), so a standalone worker needs no cleanup.
  const customNodes = options.customNodes ?? (processCustomNodes ??= createCustomNodeHost({ base: options.registry, log: options.log }));
  const worker = await Worker.create({
    connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue ?? BACKTEST_TASK_QUEUE,
    workflowsPath: fileURLToPath(new URL('./index.ts', import.meta.url)),
    activities: {
      ...createActivities({ orm: options.orm, registry: options.registry, customNodes, log: options.log }),
      ...createResearchActivities({ orm: options.orm, registry: options.registry, customNodes, log: options.log }),
      ...createDeploymentActivities({ orm: options.orm, registry: options.registry, customNodes, log: options.log }),
    },
    // Backtests are CPU-bound: more concurrent ones than cores only slows each down.
    maxConcurrentActivityTaskExecutions: Math.max(1, availableParallelism()),
    // Cancellation reaches an activity only with a heartbeat reply: a short throttle makes Cancel prompt.
    maxHeartbeatThrottleInterval: '1 second',
  });
  return { worker, connection };
}
