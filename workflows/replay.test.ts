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
      'failed.json',
      'research-cancelled.json',
      'research-continued.json',
      'research-failed.json',
      'research-monte-carlo.json',
      'research-walk-forward.json',
      'succeeded.json',
    ]);
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
