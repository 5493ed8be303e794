import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common';

/**
 * Where a deployment workflow's time goes, read from its Temporal history (server timestamps, so
 * nothing in the worker is instrumented): how late its timers fire, how long a scheduled step
 * activity waits for a worker, and how long steps take.
 */
export interface WorkflowTimings {
  /** Timer fired − (timer started + its duration), ms: the server's timer lateness plus the workflow task. */
  timerLateMs: number[];
  /** Step activity started − scheduled, ms: the wait for a free activity slot on a worker. */
  scheduleToStartMs: number[];
  /** Step activity completed − started, ms, for steps that processed at least one bar. */
  busyStepMs: number[];
  /** The same for steps that found no bar due (the poll after a bar). */
  idleStepMs: number[];
}

const num = (x: unknown) => Number(String(x));

/** Timings of one workflow execution (the current run of `workflowId`). */
export async function workflowTimings(client: Client, workflowId: string): Promise<WorkflowTimings> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const out: WorkflowTimings = { timerLateMs: [], scheduleToStartMs: [], busyStepMs: [], idleStepMs: [] };
  const timerDue = new Map<number, number>();
  const scheduled = new Map<number, { at: number; step: boolean }>();
  const started = new Map<number, number>();
  for (const e of history.events ?? []) {
    const at = tsToMs(e.eventTime);
    const id = num(e.eventId);
    if (e.timerStartedEventAttributes) timerDue.set(id, at + tsToMs(e.timerStartedEventAttributes.startToFireTimeout));
    else if (e.timerFiredEventAttributes) {
      const due = timerDue.get(num(e.timerFiredEventAttributes.startedEventId));
      if (due !== undefined) out.timerLateMs.push(at - due);
    } else if (e.activityTaskScheduledEventAttributes) {
      scheduled.set(id, { at, step: e.activityTaskScheduledEventAttributes.activityType?.name === 'stepDeployment' });
    } else if (e.activityTaskStartedEventAttributes) {
      const s = scheduled.get(num(e.activityTaskStartedEventAttributes.scheduledEventId));
      started.set(id, at);
      if (s?.step) out.scheduleToStartMs.push(at - s.at);
    } else if (e.activityTaskCompletedEventAttributes) {
      const a = e.activityTaskCompletedEventAttributes;
      const s = scheduled.get(num(a.scheduledEventId));
      const from = started.get(num(a.startedEventId));
      if (!s?.step || from === undefined) continue;
      const payload = a.result?.payloads?.[0]?.data;
      const processed = payload ? (JSON.parse(Buffer.from(payload).toString('utf8')) as { processed?: number }).processed ?? 0 : 0;
      (processed > 0 ? out.busyStepMs : out.idleStepMs).push(at - from);
    }
  }
  return out;
}

/** Events and bytes of a workflow's current run, as the server reports them. */
export async function historySize(client: Client, workflowId: string): Promise<{ events: number; bytes: number }> {
  const d = await client.workflow.getHandle(workflowId).describe();
  return { events: d.historyLength, bytes: d.historySize ?? NaN };
}
