import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedTemporal } from './temporal.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'tradeloom-embedded-'));
const log = { info() {}, warn() {} };
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function accepts(address: string): Promise<boolean> {
  const [host, port] = address.split(':');
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function withClient<T>(address: string, use: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address });
  try {
    return await use(new Client({ connection }));
  } finally {
    await connection.close();
  }
}

describe('the embedded Temporal dev server', () => {
  it('keeps workflows in <dataDir>/temporal across a restart, and stops for good', async () => {
    const first = await startEmbeddedTemporal({ dataDir, port: 0, log });
    await withClient(first.address, (client) =>
      // No worker polls this queue, so the run stays open: exactly what must survive the restart.
      client.workflow.start('backtestWorkflow', { taskQueue: 'embedded-test', workflowId: 'survives-restart' }),
    );
    await expect(startEmbeddedTemporal({ dataDir, port: 0, log })).rejects.toThrow(/already using/);
    await Promise.all([first.stop(), first.stop()]);
    expect(await accepts(first.address)).toBe(false);

    const second = await startEmbeddedTemporal({ dataDir, port: 0, log });
    try {
      const description = await withClient(second.address, (client) =>
        client.workflow.getHandle('survives-restart').describe(),
      );
      expect(description.status.name).toBe('RUNNING');
    } finally {
      await second.stop();
    }
  });
});
