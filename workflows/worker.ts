import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker, type LogLevel, type NativeConnectionOptions, type State } from '@temporalio/worker';
import type { Logger } from 'pino';
import { TrialPool } from '../engine/research/pool.ts';
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
  /** Threads for research trials (0: none, on the activities' thread); default `RESEARCH_THREADS` or the cores. */
  researchThreads?: number;
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

/**
 * `RESEARCH_THREADS`: how many threads one worker process runs research trials on (engine/research/pool.ts).
 * Default: one per core. 0 runs them on the activities' thread, as before the pool: one core per process.
 */
export function researchThreadsFromEnv(value = process.env.RESEARCH_THREADS): number {
  if (value === undefined || value.trim() === '') return availableParallelism();
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 256) throw new Error(`RESEARCH_THREADS must be a whole number from 0 to 256, not "${value}"`);
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
 *   slot per core. The activities share this process's one JavaScript thread: a backtest's slots
 *   interleave on it, while research trials run on a pool of threads (`researchThreads`), so the
 *   research activities in flight keep every core busy;
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
  // Research trials on threads, one per core by default; its threads start with the first trial. A
  // worker with a registry of its own (tests) runs every trial on the activities' thread: the threads
  // compile with the built-in one.
  const threads = options.researchThreads ?? researchThreadsFromEnv();
  const pool = threads > 0 ? new TrialPool({ threads }) : undefined;
  const trialPool = pool && pool.registry === options.registry ? pool : undefined;
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
      ...createResearchActivities({ orm: options.orm, registry: options.registry, customNodes, log: options.log, trialPool }),
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
      // Every activity has drained: no trial is left for the threads.
      await pool?.close();
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
    shutdown,
    getState: () => (all.some((w) => w.getState() === 'RUNNING') ? 'RUNNING' : workflows.getState()),
    taskQueues: { workflows: taskQueue, deployments: deploymentTaskQueue(taskQueue) },
  };
  options.log.debug({ taskQueue, deploymentTaskQueue: deploymentTaskQueue(taskQueue), deploymentSlots, researchThreads: trialPool?.size ?? 0 }, 'workers created');
  return { worker, connection };
}
