import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import { runBacktest, type BacktestResult } from '../engine/backtest.ts';
import { compile } from '../engine/compile.ts';
import { chooseData, DataChoice, loadMarket } from '../engine/data.ts';
import { DataRequest } from '../nodes/contract.ts';
import type { Registry } from '../nodes/registry.ts';
import type { CustomNodeHost } from '../server/custom-registry.ts';
import { isDatabaseUnavailable, whileUnavailable } from '../server/db/availability.ts';
import { datasetReader } from '../server/db/dataset-reader.ts';
import { Run, RunResult, terminalStatuses, type RunStatus } from '../server/db/entities.ts';
import type { Orm } from '../server/db/orm.ts';
import { SandboxError } from '../sandbox/errors.ts';


export interface ActivityDeps {
  orm: Orm;
  registry: Registry;
  /** Compiles graphs with the run owner's custom nodes; without it only built-in nodes compile. */
  customNodes?: CustomNodeHost;
  log: Logger;
  /** How often progress is written to the database for the SSE stream; heartbeats go as often as chunks. */
  progressIntervalMs?: number;
}

/**
 * Backtest activities, built from their dependencies so tests and workers wire them the same way.
 * Both are idempotent: Temporal runs an activity at least once, and a retried or duplicated attempt
 * must never store a second result or flip a finished run's status.
 */
export function createActivities(deps: ActivityDeps) {
  const { orm, registry, log } = deps;
  const progressInterval = deps.progressIntervalMs ?? 300;

  return {
    async executeBacktest(runId: string): Promise<void> {
      const ctx = Context.current();
      const em = orm.em.fork();
      const run = await em.findOne(Run, { id: runId });
      if (!run) throw ApplicationFailure.create({ type: 'RunGone', message: 'The run was deleted before it could finish.', nonRetryable: true });
      if (terminalStatuses.includes(run.status)) return;
      const attempt = ctx.info.attempt;
      await em.nativeUpdate(Run, { id: runId }, { status: 'running', attempts: attempt, startedAt: run.startedAt ?? new Date() });
      log.info({ runId, attempt }, 'backtest started');

      const compiled = deps.customNodes ? await deps.customNodes.compile(em, run.owner, run.graph) : compile(run.graph, registry);
      if (!compiled.ok) {
        const detail = compiled.errors.map((e) => (e.nodeId ? `${e.nodeId}: ${e.message}` : e.message)).join('; ');
        throw ApplicationFailure.create({ type: 'CompileFailed', message: `The strategy does not compile: ${detail}`, nonRetryable: true });
      }
      // Runs store the data they resolved at start; a bare choice (older rows) is resolved against the graph.
      const stored = DataRequest.safeParse(run.data);
      const request = stored.success ? stored.data : chooseData(compiled.plan.data.request, run.data ? DataChoice.parse(run.data) : undefined);
      const market = await loadMarket(request, datasetReader(em, run.owner));
      const total = market.lanes[0]!.close.length;
      await em.nativeUpdate(Run, { id: runId }, { barsTotal: total });

      let lastWrite = 0;
      let result: BacktestResult;
      try {
        result = await runBacktest(compiled.plan, market, {
          chunkBars: 50_000,
          onProgress: async (done) => {
            ctx.heartbeat({ done });
            // Let the SDK flush heartbeats and deliver a cancellation between CPU-bound chunks.
            await yieldToEventLoop();
            if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason;
            const now = Date.now();
            if (now - lastWrite >= progressInterval && done < total) {
              lastWrite = now;
              // Progress is advisory (the heartbeat is what proves the engine alive): a database outage
              // skips it rather than failing hours of work.
              await em.nativeUpdate(Run, { id: runId, status: 'running' }, { barsDone: done }).catch((err: unknown) => {
                if (!isDatabaseUnavailable(err)) throw err;
              });
            }
          },
        });
      } catch (err) {
        // A custom node's own code threw: the sandbox has no clock and a seeded random generator, so a
        // retry throws again (five of them took 16–26 s before the run failed).
        if (err instanceof SandboxError && err.code === 'NodeError') {
          // The run's progress is written every few seconds; the bar the node threw on is where it stopped.
          const at = /\bstep threw at bar (\d+):/.exec(err.message);
          if (at) await em.nativeUpdate(Run, { id: runId, status: 'running' }, { barsDone: Math.min(total, Number(at[1])) }).catch(() => undefined);
          throw ApplicationFailure.create({ type: 'NodeError', message: err.message, nonRetryable: true });
        }
        throw err;
      }

      // A result is expensive to recompute: while the database is down, wait (heartbeating) for it.
      await storeRunResult(orm, runId, result, { onWait: () => ctx.heartbeat({ done: total }) });
      log.info({ runId, attempt, bars: total }, 'backtest finished');
    },

    /** Record a failed or cancelled outcome, unless the run already reached a terminal status. */
    async finishRun(runId: string, status: Extract<RunStatus, 'failed' | 'cancelled'>, error: string): Promise<void> {
      const em = orm.em.fork();
      await em.nativeUpdate(Run, { id: runId, status: { $nin: [...terminalStatuses] } }, { status, error, finishedAt: new Date() });
      log.info({ runId, status, error }, 'backtest ended without a result');
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;

/**
 * Store a finished backtest: the run's status and metrics and its result row, in one transaction. While
 * the database is unavailable the transaction is tried again (`whileUnavailable`, up to `maxWaitMs`).
 * Only the first attempt to commit wins; a duplicate (a retry racing a slow worker) changes nothing.
 *
 * Each try starts from a fresh entity manager. Reusing one lost results: when the connection died after
 * the result's INSERT but before the COMMIT, the next try's `create` found that row in the identity map
 * as if stored, wrote nothing, and the status went in alone (reproduced, and tested in
 * workflows/store-result.integration.test.ts).
 */
export async function storeRunResult(orm: Orm, runId: string, result: BacktestResult, options: { maxWaitMs?: number; intervalMs?: number; onWait?: () => void } = {}): Promise<void> {
  const { metrics, ...rest } = result;
  await whileUnavailable(() => orm.em.fork().transactional(async (tx) => {
    const updated = await tx.nativeUpdate(
      Run,
      { id: runId, status: { $nin: [...terminalStatuses] } },
      { status: 'succeeded', barsDone: result.bars, metrics: metrics as unknown as Record<string, unknown>, finishedAt: new Date(), error: null },
    );
    if (updated === 1) tx.create(RunResult, { run: runId, result: rest as unknown as Record<string, unknown> });
  }), { maxWaitMs: options.maxWaitMs ?? 5 * 60_000, intervalMs: options.intervalMs, onWait: options.onWait });
}
