import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * Replays recorded histories (workflows/histories, made by scripts/record-workflow-histories.ts) through
 * today's workflow code. A change that would make a running workflow take a different path fails here,
 * before it deploys and breaks in-flight runs.
 */
const dir = new URL('./histories/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('workflow replay', () => {
  let workflowBundle: { code: string };
  beforeAll(async () => {
    try {
      Runtime.install({ logger: new DefaultLogger('WARN') });
    } catch {
      // Another test in this process installed it already.
    }
    workflowBundle = await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./index.ts', import.meta.url)), logger: new DefaultLogger('WARN') });
  }, 60_000);

  it('has the backtest, research and deployment histories', () => {
    expect(files.sort()).toEqual([
      'cancelled.json',
      'deployment-continued.json',
      'deployment-controls.json',
      'deployment-queue-continued.json',
      'deployment-queue-controls.json',
      'deployment-rounds-failed.json',
      'deployment-rounds-stopped.json',
      'failed.json',
      'research-cancelled.json',
      'research-continued.json',
      'research-failed.json',
      'research-monte-carlo.json',
      'research-walk-forward.json',
      'succeeded.json',
    ]);
  });

  // Both generations of deployment histories must replay: those recorded before the deployment queue and
  // the wait after bars (in-flight runs of that code), and those recorded after, which take both patches.
  it('has deployment histories from before and after the deployment task queue', () => {
    const scheduledOn = (file: string) => {
      const json = JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
      const events = json.events as { eventType: string; activityTaskScheduledEventAttributes?: { taskQueue: { name: string } }; markerRecordedEventAttributes?: { markerName: string } }[];
      return {
        queues: new Set(events.flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.taskQueue.name] : []))),
        patches: events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch').length,
      };
    };
    for (const file of ['deployment-controls.json', 'deployment-continued.json']) {
      const { queues, patches } = scheduledOn(file);
      expect([...queues].some((q) => q.endsWith('-deployments')), file).toBe(false);
      expect(patches, file).toBe(0);
    }
    for (const file of ['deployment-queue-controls.json', 'deployment-queue-continued.json']) {
      const { queues, patches } = scheduledOn(file);
      expect([...queues].every((q) => q.endsWith('-deployments')), file).toBe(true);
      expect(patches, file).toBe(2);
    }
  });

  for (const file of files) {
    it(`replays ${file} deterministically`, async () => {
      const json = JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
      const types = json.events.map((e: { eventType: string }) => e.eventType);
      expect(types).toContain('EVENT_TYPE_ACTIVITY_TASK_SCHEDULED');
      await Worker.runReplayHistory({ workflowBundle }, historyFromJSON(json), `replay-${file}`);
    }, 60_000);
  }
});
