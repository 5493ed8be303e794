import {
  ActivityFailure,
  type ActivityOptions,
  ApplicationFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineUpdate,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { DeploymentControl, DeploymentSummary } from '../trading/config.ts';
import type { DeploymentActivities } from './deployment-activities.ts';

/**
 * One long-running workflow per paper, shadow or live deployment. The workflow holds almost nothing: the
 * strategy's node states, the book, the risk state and the paper venue live in PostgreSQL and are read
 * and written by the activities, so history stays small (a few events per step, no bars, no state) and
 * a continue-as-new carries only counters.
 *
 * Per step: process the bars that arrived (fills, strategy, risk gate, orders), then wait for the next
 * bar or a control. Controls (pause, resume, kill switch, re-enable, stop) arrive as updates and are
 * applied between steps, so a control never races an order being sent. A step that keeps failing is
 * tried in rounds with pauses between them, where controls are applied too (`stepRounds`).
 */

/**
 * Deployment activities run on a task queue of their own, `<workflow's queue>-deployments`: they mostly
 * wait on PostgreSQL and the venue, so a worker runs tens of them at once there (workflows/worker.ts),
 * while backtests and research trials, which need a core each, keep the workflow's queue at one slot per
 * core. Derived from the workflow's own queue, so every deployment of one installation (or one test's
 * queue) finds the same workers.
 */
export const deploymentTaskQueue = (workflowQueue: string): string => `${workflowQueue}-deployments`;

/**
 * Patch ids (Temporal's `patched`): histories recorded before a change replay the old way, runs started
 * after it (and old runs once they have caught up) take the new one. Never rename or reuse them.
 */
export const DEPLOYMENT_PATCHES = {
  /** Deployment activities are scheduled on `deploymentTaskQueue` instead of the workflow's queue. */
  ownTaskQueue: 'deployment-activities-own-task-queue',
  /** After a step that processed bars, wait for the next bar (the step says when) instead of stepping again at once. */
  waitAfterBars: 'deployment-wait-after-bars',
  /**
   * A step is tried a few times (`stepRoundOptions`), not for ever: between rounds controls are applied,
   * and a step that fails for good (bad data, a strategy that no longer compiles) fails the deployment.
   */
  stepRounds: 'deployment-step-rounds',
} as const;

const nonRetryableErrorTypes = ['DeploymentGone', 'CompileFailed', 'NoCredentials', 'MasterKeyMissing'];
/** Failures a retry cannot mend: the step ends the deployment with their message (`stepRounds`). */
const stepFailsForGood = [...nonRetryableErrorTypes.filter((t) => t !== 'DeploymentGone'), 'DataError'];

const stepOptions: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  // A worker killed mid-step is noticed within seconds and the step moves to another worker.
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', nonRetryableErrorTypes },
};

/**
 * Since `stepRounds`: a round of at most four tries (about 7 s of backoff). Retried without a bound, a
 * step that kept failing (a replay of a deleted dataset, a venue down for an hour) held the workflow in
 * that step, where no control is applied: not even the kill switch or a stop.
 */
const stepRoundOptions: ActivityOptions = {
  ...stepOptions,
  retry: { initialInterval: '1 second', maximumInterval: '4 seconds', maximumAttempts: 4, nonRetryableErrorTypes: [...nonRetryableErrorTypes, 'DataError'] },
};

/** The wait after the k-th failed round in a row (k ≥ 1): 5 s, doubling, at most a minute. Controls end it. */
export const stepRoundPauseMs = (k: number): number => Math.min(60_000, 5_000 * 2 ** (k - 1));

const reconcileOptions: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  // Bounded: a venue that cannot confirm our exposure halts the deployment rather than be retried forever.
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 8, nonRetryableErrorTypes },
};

const controlOptions: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds' },
};

/** The deployment activities, scheduled on `taskQueue` (undefined: the workflow's own queue). */
function deploymentActivities(taskQueue?: string, step: ActivityOptions = stepOptions) {
  const { stepDeployment } = proxyActivities<DeploymentActivities>({ ...step, taskQueue });
  const { reconcileDeployment } = proxyActivities<DeploymentActivities>({ ...reconcileOptions, taskQueue });
  const { controlDeployment, haltDeployment, failDeployment, noteStepFailure } = proxyActivities<DeploymentActivities>({ ...controlOptions, taskQueue });
  return { stepDeployment, reconcileDeployment, controlDeployment, haltDeployment, failDeployment, noteStepFailure };
}

export interface DeploymentInput {
  deploymentId: string;
  /** Steps taken before the next continue-as-new; a new run starts at 0. */
  stepsBeforeContinue?: number;
  /** Carried across continue-as-new: the last summary, so queries answer before the first step. */
  summary?: DeploymentSummary;
}

/** Continue-as-new after this many steps (a step is ~6–8 history events): far below the 10k warning. */
export const STEPS_PER_RUN = 500;

export const deploymentStateQuery = defineQuery<DeploymentSummary | undefined>('deploymentState');
export const deploymentControlUpdate = defineUpdate<DeploymentSummary, [DeploymentControl]>('deploymentControl');

export async function deploymentWorkflow(input: DeploymentInput): Promise<DeploymentSummary | undefined> {
  let summary = input.summary;
  const sameQueue = deploymentActivities();
  const ownQueue = deploymentActivities(deploymentTaskQueue(workflowInfo().taskQueue));
  // Asked before every schedule: a run replaying an old history keeps the workflow's queue for the
  // activities it scheduled there, then moves to the deployment queue once it is past them.
  const activities = () => (patched(DEPLOYMENT_PATCHES.ownTaskQueue) ? ownQueue : sameQueue);
  const rounds = deploymentActivities(deploymentTaskQueue(workflowInfo().taskQueue), stepRoundOptions);
  const controls: { control: DeploymentControl; done?: DeploymentSummary; failed?: unknown }[] = [];

  setHandler(deploymentStateQuery, () => summary);
  setHandler(
    deploymentControlUpdate,
    async (control) => {
      const entry: (typeof controls)[number] = { control };
      controls.push(entry);
      await condition(() => entry.done !== undefined || entry.failed !== undefined);
      if (entry.failed) throw entry.failed;
      return entry.done!;
    },
    {
      validator: (control) => {
        // Validators do not run on replay, so a new action here is replay-safe.
        if (!control || !['pause', 'resume', 'kill', 'releaseKill', 'reenable', 'stop', 'params'].includes(control.action)) throw new Error(`unknown control ${String(control?.action)}`);
        if (control.action === 'params' && (!control.change || typeof control.change !== 'object')) throw new Error('the params control needs a change');
      },
    },
  );

  const applyControls = async () => {
    while (controls.length) {
      const entry = controls[0]!;
      try {
        entry.done = summary = await activities().controlDeployment(input.deploymentId, entry.control);
      } catch (err) {
        entry.failed = ApplicationFailure.create({ message: `the control could not be applied: ${(err as Error).message}`, nonRetryable: true });
      }
      controls.shift();
    }
  };

  // Reconcile at every start: a new deployment, a worker or server outage, or a continue-as-new (cheap,
  // and it catches anything that changed on the venue while nobody was looking).
  try {
    summary = await activities().reconcileDeployment(input.deploymentId);
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    summary = await activities().haltDeployment(input.deploymentId, 'UNKNOWN_EXPOSURE', `could not reconcile with the venue: ${err.cause?.message ?? err.message}`);
  }

  let steps = 0;
  // Failed rounds in a row (`stepRounds`).
  let failedRounds = 0;
  for (;;) {
    await applyControls();
    if (summary?.status === 'stopped' || summary?.status === 'failed') return summary;
    // Undefined after a failed round (`stepRounds`), which counts as a step towards continue-as-new: an
    // outage of hours must not grow one history without bound.
    let r: Awaited<ReturnType<DeploymentActivities['stepDeployment']>> | undefined;
    if (patched(DEPLOYMENT_PATCHES.stepRounds)) {
      try {
        r = await rounds.stepDeployment(input.deploymentId);
        failedRounds = 0;
      } catch (err) {
        if (!(err instanceof ActivityFailure)) throw err;
        // A timeout (a lost worker) has no type: like any other failure not in the list, it may mend.
        const cause = err.cause ?? err;
        const type = cause instanceof ApplicationFailure ? cause.type : undefined;
        if (type === 'DeploymentGone') throw err;
        if (type && stepFailsForGood.includes(type)) {
          summary = await rounds.failDeployment(input.deploymentId, `the deployment cannot go on: ${cause.message}`);
          await applyControls();
          return summary;
        }
        // Still failing (a venue or database outage, a worker lost): controls go through now, while no
        // step is running, and the step is tried again after a pause.
        failedRounds++;
        const pauseMs = stepRoundPauseMs(failedRounds);
        if (failedRounds === 1) await rounds.noteStepFailure(input.deploymentId, `${cause.message}; trying again every ${pauseMs / 1000}–60 s (pause, stop and the kill switch still apply)`);
        await condition(() => controls.length > 0, pauseMs);
      }
    } else r = await activities().stepDeployment(input.deploymentId);
    steps++;
    if (r) {
      summary = r.summary;
      if (r.summary.status === 'stopped' || r.summary.status === 'failed') {
        await applyControls();
        return summary;
      }
      // Nothing processed, or (since the patch) bars processed and the next one not due yet: wait for it.
      // Before the patch a step that processed bars was always followed by another at once, which mostly
      // found nothing due: one more activity per bar. A step that left due bars behind (waitMs 0) still
      // steps again at once, so a backlog is worked off without pauses.
      const idle = r.processed === 0 || ((r.ended || r.waitMs > 0) && patched(DEPLOYMENT_PATCHES.waitAfterBars));
      if (idle) {
        // A finished replay waits for controls only; a live feed waits for its next bar or a control.
        await condition(() => controls.length > 0, r.ended ? '1 hour' : Math.max(100, r.waitMs));
      }
    }
    if (steps >= (input.stepsBeforeContinue ?? STEPS_PER_RUN) || workflowInfo().continueAsNewSuggested) {
      // Controls already accepted must be answered by this run: updates do not cross continue-as-new.
      await applyControls();
      await continueAsNew<typeof deploymentWorkflow>({ deploymentId: input.deploymentId, stepsBeforeContinue: input.stepsBeforeContinue, summary });
    }
  }
}
