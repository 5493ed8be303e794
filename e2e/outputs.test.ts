import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../workflows/webhooks.ts';
import { useApp } from './setup.ts';
import { nodeCount, runAndWait } from './ui.ts';

// The app signs alerts with this secret, and may send them to this machine's own receiver (a private
// address, refused by default). Read by the app's server process when useApp starts it.
process.env.TRADELOOM_WEBHOOK_SECRET = 'e2e-outputs-secret';
process.env.TRADELOOM_WEBHOOK_ALLOW_PRIVATE = 'true';
const e2e = useApp();

/** A webhook receiver on a free local port that keeps what it was sent. */
const received: { headers: IncomingMessage['headers']; body: string }[] = [];
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (d: Buffer) => (body += d.toString()));
  req.on('end', () => {
    received.push({ headers: req.headers, body });
    res.writeHead(204).end();
  });
});
const listening = new Promise<number>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve((receiver.address() as AddressInfo).port)));
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

const at = (x: number, y: number) => ({ x, y });
const edge = (id: string, from: string, fromPort: string, to: string, toPort: string) => ({ id, source: { node: from, port: fromPort }, target: { node: to, port: toPort } });

describe('output nodes in the results', () => {
  it('downloads a signal export of the run and sends a signed test alert to a receiver', async () => {
    const port = await listening;
    const graph = {
      schemaVersion: 1,
      nodes: [
        { id: 'data', type: 'data.synthetic', params: { seed: 42, bars: 3000 }, position: at(0, 120) },
        { id: 'fast', type: 'indicator.sma', params: { period: 10 }, position: at(260, 40) },
        { id: 'slow', type: 'indicator.sma', params: { period: 50 }, position: at(260, 220) },
        { id: 'cross', type: 'logic.crossover', params: {}, position: at(520, 120) },
        { id: 'order', type: 'order.targetPercent', params: { percent: 100 }, position: at(780, 120) },
        { id: 'signals', type: 'output.csvExport', params: { name: 'golden-crosses', labelA: 'close' }, position: at(780, 320) },
        { id: 'alert', type: 'output.webhookAlert', params: { url: `http://127.0.0.1:${port}/hook`, message: '{node} at {time}: {price}' }, position: at(780, 520) },
      ],
      edges: [
        edge('e1', 'data', 'close', 'fast', 'source'),
        edge('e2', 'data', 'close', 'slow', 'source'),
        edge('e3', 'fast', 'value', 'cross', 'a'),
        edge('e4', 'slow', 'value', 'cross', 'b'),
        edge('e5', 'cross', 'above', 'order', 'enter'),
        edge('e6', 'cross', 'below', 'order', 'exit'),
        edge('e7', 'cross', 'above', 'signals', 'when'),
        edge('e8', 'data', 'close', 'signals', 'a'),
        edge('e9', 'cross', 'above', 'alert', 'when'),
        edge('e10', 'data', 'close', 'alert', 'price'),
      ],
    };
    const created = await fetch(`${e2e.app.url}/api/strategies`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Crosses with outputs', graph }) });
    expect(created.status).toBe(201);

    const { page, shot, finish } = await e2e.open('outputs');
    await expect.poll(() => nodeCount(page), { timeout: 30_000 }).toBe(7);
    await runAndWait(page);
    const bar = page.getByTestId('exports-bar');
    await bar.waitFor({ timeout: 15_000 });

    // The export holds one row per golden cross, with the close at that bar.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-signals').click()]);
    const lines = readFileSync((await download.path())!, 'utf8').trim().split(/\r?\n/);
    expect(lines[0]).toBe('time,symbol,bar,when,close');
    expect(lines.length).toBeGreaterThan(5);
    expect(lines[1]).toMatch(/^2024-\d\d-\d\dT[\d:.]+Z,,\d+,1,\d+(\.\d+)?$/);
    const rows = Number((await page.getByTestId('export-signals').textContent())!.match(/([\d,]+) rows/)![1]!.replace(/,/g, ''));
    expect(rows).toBe(lines.length - 1);

    // Alerts are recorded, not sent, in a backtest; the button sends the last one, signed.
    await page.getByTestId('test-alert-alert').click();
    await page.getByText('Delivered (HTTP 204)').waitFor({ timeout: 15_000 });
    expect(received).toHaveLength(1);
    const { headers, body } = received[0]!;
    const check = verifyWebhookSignature({ body, signature: String(headers['x-tradeloom-signature']), timestamp: String(headers['x-tradeloom-timestamp']), secret: 'e2e-outputs-secret' });
    expect(check).toMatchObject({ ok: true });
    expect(JSON.parse(body)).toMatchObject({ test: true, nodeId: 'alert' });
    await shot();
    await finish();
  });
});
