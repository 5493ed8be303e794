import { ActivityCancellationType, ActivityFailure, ApplicationFailure, CancellationScope, isCancellation, proxyActivities } from '@temporalio/workflow';
import type { Activities } from './activities.ts';

/** Task queue every backtest worker polls; adding workers on it adds throughput. */
export const BACKTEST_TASK_QUEUE = 'tradeloom-backtests';

const { executeBacktest } = proxyActivities<Activities>({
  startToCloseTimeout: '6 hours',
  // The engine heartbeats between chunks; a silent worker is presumed dead and the run moves on.
  heartbeatTimeout: '10 seconds',
  // A cancelled run ends only once the engine has actually stopped, so no CPU is spent after "cancelled".
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: {
    initialInterval: '1 second',
    maximumAttempts: 5,
    // Bad data or a bad graph fails the same way every time: retrying would only delay the message.
    nonRetryableErrorTypes: ['DataError', 'CompileFailed', 'RunGone'],
  },
});

const { finishRun } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 20 },
});

export interface BacktestInput {
  runId: string;
}

/**
 * One backtest run. The history runs inside a single heartbeating activity; the workflow's job is the
 * outcome: exactly one terminal status per run, whatever workers die on the way.
 */
export async function backtestWorkflow({ runId }: BacktestInput): Promise<void> {
  try {
    await executeBacktest(runId);
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(() => finishRun(runId, 'cancelled', 'Cancelled by the user.'));
      throw err;
    }
    await finishRun(runId, 'failed', failureMessage(err));
  }
}

function failureMessage(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure || cause instanceof Error) return cause.message;
  return 'The backtest failed for an unknown reason.';
}
