import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, type NativeConnectionOptions } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { Registry } from '../nodes/registry.ts';
import type { Orm } from '../server/db/orm.ts';
import { createActivities } from './activities.ts';
import { BACKTEST_TASK_QUEUE } from './backtest.ts';

export interface WorkerOptions {
  connection: NativeConnectionOptions;
  namespace: string;
  orm: Orm;
  registry: Registry;
  log: Logger;
  taskQueue?: string;
}

/** A worker for backtests: the workflow bundle plus activities wired to this process's database. */
export async function createBacktestWorker(options: WorkerOptions): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect(options.connection);
  const worker = await Worker.create({
    connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue ?? BACKTEST_TASK_QUEUE,
    workflowsPath: fileURLToPath(new URL('./index.ts', import.meta.url)),
    activities: createActivities({ orm: options.orm, registry: options.registry, log: options.log }),
    // Backtests are CPU-bound: more concurrent ones than cores only slows each down.
    maxConcurrentActivityTaskExecutions: Math.max(1, availableParallelism()),
  });
  return { worker, connection };
}
