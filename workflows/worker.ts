import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker, type LogLevel, type NativeConnectionOptions, type State } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { Registry } from '../nodes/registry.ts';
import { createCustomNodeHost, type CustomNodeHost } from '../server/custom-registry.ts';
import type { Orm } from '../server/db/orm.ts';
import { createActivities } from './activities.ts';
import { BACKTEST_TASK_QUEUE } from './backtest.ts';
import { createDeploymentActivities } from './deployment-activities.ts';
import { deploymentTaskQueue } from './deployment.ts';
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
  /** Deployment activities run at once on the deployment queue; default `DEPLOYMENT_ACTIVITY_SLOTS` or 64. */
  deploymentSlots?: number;
}

/** Default number of deployment steps one worker process runs at once. */
export const DEFAULT_DEPLOYMENT_SLOTS = 64;

/**
 * `DEPLOYMENT_ACTIVITY_SLOTS`: how many deployment activities one worker process runs at once. They
 * mostly wait on PostgreSQL (10 pooled connections per process) and the venue, so tens overlap well;
 * raise it for hundreds of deployments per worker, lower it if the database is the bottleneck.
 */
export function deploymentSlotsFromEnv(value = process.env.DEPLOYMENT_ACTIVITY_SLOTS): number {
  if (value === undefined || value.trim() === '') return DEFAULT_DEPLOYMENT_SLOTS;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error(`DEPLOYMENT_ACTIVITY_SLOTS must be a whole number from 1 to 1000, not "${value}"`);
  return n;
}

/** The Temporal workers of one process, run and stopped together. */
export interface WorkerGroup {
  /** Runs until every worker has shut down; if one fails, the others are shut down and the error thrown. */
  run(): Promise<void>;
  /** Starts a graceful shutdown of every worker still running (in-flight tasks drain). */
  shutdown(): void;
  /** RUNNING while any worker runs, else the backtest worker's state. */
  getState(): State;
  /** The queues polled: the workflow queue (workflows, backtests, research) and the deployment queue. */
  taskQueues: { workflows: string; deployments: string };
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

/**
 * The workers of one process, on one connection:
 * - the workflow queue: every workflow, and the CPU-bound activities (backtests, research trials) at one
 *   slot per core, since more concurrent ones than cores only slows each down;
 * - the deployment queue (`deploymentTaskQueue`): deployment activities only, with many slots
 *   (`deploymentSlots`), since a deployment step mostly waits on the database and the venue.
 * Deployment activities are also registered on the workflow queue, for runs that scheduled them there
 * before the deployment queue existed (see `DEPLOYMENT_PATCHES` in workflows/deployment.ts).
 */
export async function createBacktestWorker(options: WorkerOptions): Promise<{ worker: WorkerGroup; connection: NativeConnection }> {
  installRuntime(options.log);
  const deploymentSlots = options.deploymentSlots ?? deploymentSlotsFromEnv();
  const connection = await NativeConnection.connect(options.connection);
  // The sandbox process exits with this one (its socket closes), so a standalone worker needs no cleanup.
  const customNodes = options.customNodes ?? (processCustomNodes ??= createCustomNodeHost({ base: options.registry, log: options.log }));
  const taskQueue = options.taskQueue ?? BACKTEST_TASK_QUEUE;
  // One set of deployment activities for both workers: they share per-process caches (plans, series, venues).
  const deploymentActivities = createDeploymentActivities({ orm: options.orm, registry: options.registry, customNodes, log: options.log });
  const common = {
    connection,
    namespace: options.namespace,
    // Cancellation reaches an activity only with a heartbeat reply: a short throttle makes Cancel prompt.
    maxHeartbeatThrottleInterval: '1 second',
  } as const;
  const workflows = await Worker.create({
    ...common,
    taskQueue,
    workflowsPath: fileURLToPath(new URL('./index.ts', import.meta.url)),
    activities: {
      ...createActivities({ orm: options.orm, registry: options.registry, customNodes, log: options.log }),
      ...createResearchActivities({ orm: options.orm, registry: options.registry, customNodes, log: options.log }),
      ...deploymentActivities,
    },
    // Backtests are CPU-bound: more concurrent ones than cores only slows each down.
    maxConcurrentActivityTaskExecutions: Math.max(1, availableParallelism()),
  });
  const deployments = await Worker.create({
    ...common,
    taskQueue: deploymentTaskQueue(taskQueue),
    activities: deploymentActivities,
    maxConcurrentActivityTaskExecutions: deploymentSlots,
  });
  const all = [workflows, deployments];
  const shutdown = () => {
    for (const w of all) if (w.getState() === 'RUNNING') w.shutdown();
  };
  const worker: WorkerGroup = {
    async run() {
      const runs = all.map((w) =>
        w.run().catch((err: unknown) => {
          shutdown();
          throw err;
        }),
      );
      const results = await Promise.allSettled(runs);
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
    shutdown,
    getState: () => (all.some((w) => w.getState() === 'RUNNING') ? 'RUNNING' : workflows.getState()),
    taskQueues: { workflows: taskQueue, deployments: deploymentTaskQueue(taskQueue) },
  };
  options.log.debug({ taskQueue, deploymentTaskQueue: deploymentTaskQueue(taskQueue), deploymentSlots }, 'workers created');
  return { worker, connection };
}
