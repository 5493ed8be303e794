import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  continueAsNew,
  isCancellation,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { Phase } from '../engine/research/plan.ts';
import type { ResearchActivities } from './research-activities.ts';

const { planResearch } = proxyActivities<ResearchActivities>({
  // Planning loads the run's bars (a large CSV can take a while) but runs no trial.
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '1 second', maximumAttempts: 5, nonRetryableErrorTypes: ['ResearchGone', 'ResearchPlanFailed'] },
});

const { runResearchTrials } = proxyActivities<ResearchActivities>({
  startToCloseTimeout: '6 hours',
  // Trials heartbeat between engine chunks and between trials; a silent worker is presumed dead and its
  // batch goes to another worker, which skips the trials already stored.
  heartbeatTimeout: '20 seconds',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { initialInterval: '1 second', maximumAttempts: 5, nonRetryableErrorTypes: ['ResearchGone', 'ResearchPlanFailed'] },
});

const { finishResearch, failResearch } = proxyActivities<ResearchActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumAttempts: 20, nonRetryableErrorTypes: ['ResearchGone'] },
});

export interface ResearchInput {
  researchRunId: string;
  /** Where a continued execution picks up: set only by continue-as-new. */
  resume?: { phases: Phase[]; concurrency: number; phase: number; nextTrial: number };
  /**
   * Activities one execution dispatches before it continues as new, keeping each history far below
   * Temporal's limits (every activity adds a handful of events). Tests lower it to exercise the hand-over.
   */
  batchesPerExecution?: number;
}

const DEFAULT_BATCHES_PER_EXECUTION = 500;

/**
 * One research run. Trials are named by index, so the workflow only hands out index ranges: results go
 * to the database from the activities, and the history stays small however many trials there are.
 * Phases run in order; within one, up to `concurrency` activities are in flight on the task queue, so
 * every worker polling it takes a share.
 */
export async function researchWorkflow(input: ResearchInput): Promise<void> {
  const { researchRunId } = input;
  // Activities run in their own scope, so a failing batch can cancel its siblings before the run is marked failed.
  const trials = new CancellationScope();
  try {
    const plan = input.resume ?? (await planNew(researchRunId));
    if (!plan) return;
    const budget = input.batchesPerExecution ?? DEFAULT_BATCHES_PER_EXECUTION;
    const stoppedAt = await trials.run(() => dispatch(researchRunId, plan, budget));
    if (stoppedAt) {
      await continueAsNew<typeof researchWorkflow>({ researchRunId, resume: { ...plan, ...stoppedAt }, batchesPerExecution: input.batchesPerExecution });
    }
    await finishResearch(researchRunId);
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(() => failResearch(researchRunId, 'cancelled', 'Cancelled by the user.'));
      throw err;
    }
    if (!(err instanceof ActivityFailure) && !(err instanceof ApplicationFailure)) throw err;
    trials.cancel();
    await failResearch(researchRunId, 'failed', failureMessage(err));
  }
}

async function planNew(researchRunId: string): Promise<NonNullable<ResearchInput['resume']> | null> {
  const plan = await planResearch(researchRunId);
  if (!plan) return null;
  return { phases: plan.phases, concurrency: plan.concurrency, phase: 0, nextTrial: plan.phases[0]?.start ?? 0 };
}

/**
 * Fan the phases out from where `plan` says. Returns where to resume when the batch budget runs out
 * (after letting the batches in flight finish), or undefined when every phase is done.
 */
async function dispatch(researchRunId: string, plan: NonNullable<ResearchInput['resume']>, budget: number): Promise<{ phase: number; nextTrial: number } | undefined> {
  let dispatched = 0;
  const inFlight = new Set<Promise<void>>();
  try {
    return await fanOut();
  } catch (err) {
    // Settle every batch before the run is marked cancelled or failed: a cancelled batch settles only
    // once its worker has stopped (WAIT_CANCELLATION_COMPLETED), so no trial is stored after that mark.
    if (!isCancellation(err)) CancellationScope.current().cancel();
    await Promise.allSettled(inFlight);
    throw err;
  }

  async function fanOut(): Promise<{ phase: number; nextTrial: number } | undefined> {
    for (let p = plan.phase; p < plan.phases.length; p++) {
      const phase = plan.phases[p]!;
      let next = p === plan.phase ? plan.nextTrial : phase.start;
      while (next < phase.end || inFlight.size > 0) {
        while (next < phase.end && inFlight.size < plan.concurrency && dispatched < budget && !workflowInfo().continueAsNewSuggested) {
          const to = Math.min(phase.end, next + phase.batch);
          const batch: Promise<void> = runResearchTrials(researchRunId, next, to).then(() => {
            inFlight.delete(batch);
          });
          // Marks the rejection handled: the race below still sees it, and batches left behind when another
          // fails never surface as unhandled rejections.
          batch.catch(() => undefined);
          inFlight.add(batch);
          dispatched++;
          next = to;
        }
        if (inFlight.size === 0) return { phase: p, nextTrial: next };
        await Promise.race(inFlight);
      }
    }
    return undefined;
  }
}

function failureMessage(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure || cause instanceof Error) return cause.message;
  return 'The research run failed for an unknown reason.';
}
