import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadBars } from '../../engine/data.ts';
import type { Bars } from '../../engine/bars.ts';
import { DataRequest } from '../../nodes/contract.ts';
import { AlertPayload, verifyWebhookSignature } from '../../workflows/webhooks.ts';
import { LOCAL_OWNER, Run, RunResult, Strategy } from '../db/entities.ts';
import { call, useHarness, waitFor, type Harness } from '../testing/harness.ts';

const smaCross = JSON.parse(readFileSync(new URL('../../docs/examples/sma-crossover.json', import.meta.url), 'utf8'));
const secret = 'integration-secret-0123456789abcdef';

/** A real receiver on 127.0.0.1 whose replies each test scripts. */
const received: { headers: IncomingHttpHeaders; body: string }[] = [];
let reply: (res: ServerResponse, n: number) => void = (res) => res.writeHead(200).end();
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
    reply(res, received.length);
  });
});

/** The SMA crossover example with a CSV export of the golden crosses and three webhook alerts. */
function strategyGraph(receiverUrl: string) {
  return {
    ...smaCross,
    nodes: [
      ...smaCross.nodes,
      { id: 'never', type: 'logic.threshold', params: { operator: '>', level: 1e12 } },
      {
        id: 'csv',
        type: 'output.csvExport',
        params: { name: 'golden crosses', mode: 'onTrue', labelA: 'close', labelB: 'fast, "sma"', labelC: '=HYPERLINK("http://x")' },
      },
      { id: 'alert', type: 'output.webhookAlert', params: { url: receiverUrl, message: '{node}: golden cross at {time}, close {price}, fast {value}' } },
      { id: 'alertDesk', type: 'output.webhookAlert', params: { url: receiverUrl, secretName: 'DESK' } },
      { id: 'alertNever', type: 'output.webhookAlert', params: { url: receiverUrl } },
    ],
    edges: [
      ...smaCross.edges,
      { id: 'x1', source: { node: 'cross', port: 'above' }, target: { node: 'csv', port: 'when' } },
      { id: 'x2', source: { node: 'data', port: 'close' }, target: { node: 'csv', port: 'a' } },
      { id: 'x3', source: { node: 'fast', port: 'value' }, target: { node: 'csv', port: 'b' } },
      { id: 'x4', source: { node: 'slow', port: 'value' }, target: { node: 'csv', port: 'c' } },
      { id: 'x5', source: { node: 'cross', port: 'above' }, target: { node: 'alert', port: 'when' } },
      { id: 'x6', source: { node: 'fast', port: 'value' }, target: { node: 'alert', port: 'value' } },
      { id: 'x7', source: { node: 'data', port: 'close' }, target: { node: 'alert', port: 'price' } },
      { id: 'x8', source: { node: 'cross', port: 'above' }, target: { node: 'alertDesk', port: 'when' } },
      { id: 'x9', source: { node: 'data', port: 'close' }, target: { node: 'never', port: 'value' } },
      { id: 'x10', source: { node: 'never', port: 'result' }, target: { node: 'alertNever', port: 'when' } },
    ],
  };
}

async function download(h: Harness, path: string) {
  const res = await h.app.request(path);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe('signal exports and test alerts against real PostgreSQL and Temporal', () => {
  const stack = useHarness();
  let h: Harness;
  let strategyId: string;
  let runId: string;
  let bars: Bars;

  beforeAll(async () => {
    await new Promise<void>((ok) => receiver.listen(0, '127.0.0.1', ok));
    process.env.TRADELOOM_WEBHOOK_SECRET = secret;
    process.env.TRADELOOM_WEBHOOK_ALLOW_PRIVATE = 'true';
    delete process.env.TRADELOOM_WEBHOOK_SECRET_DESK;
    h = stack();
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/tradeloom`;
    const created = await call(h.app, 'POST', '/api/strategies', { name: 'Crosses with exports', graph: strategyGraph(url) });
    expect(created.status).toBe(201);
    strategyId = created.json.id;
    const started = await call(h.app, 'POST', '/api/runs', { strategyId });
    expect(started.status).toBe(201);
    const run = await waitFor('the run to finish', async () => {
      const r = await call(h.app, 'GET', `/api/runs/${started.json.id}`);
      if (r.json.status === 'failed') throw new Error(r.json.error);
      return r.json.status === 'succeeded' ? r.json : undefined;
    });
    runId = run.id;
    bars = await loadBars(DataRequest.parse(run.data), async () => undefined);
  });

  afterAll(async () => {
    for (const k of ['TRADELOOM_WEBHOOK_SECRET', 'TRADELOOM_WEBHOOK_ALLOW_PRIVATE']) delete process.env[k];
    await new Promise<void>((ok) => receiver.close(() => ok()));
  });

  beforeEach(() => {
    received.length = 0;
    reply = (res) => res.writeHead(200).end();
    process.env.TRADELOOM_WEBHOOK_ALLOW_PRIVATE = 'true';
  });

  it('streams the CSV export: escaped labels as headers, one row per recorded cross, values equal to the bars', async () => {
    const res = await download(h, `/api/runs/${runId}/exports/csv.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="golden crosses.csv"');
    expect(res.headers.get('x-tradeloom-truncated')).toBe('false');
    const lines = res.text.split('\r\n');
    expect(lines.at(-1)).toBe('');
    // d is unwired, so it has no column; the formula-looking label is defused with an apostrophe.
    expect(lines[0]).toBe('time,symbol,bar,when,close,"fast, ""sma""","\'=HYPERLINK(""http://x"")"');
    const rows = lines.slice(1, -1).map((l) => l.split(','));
    expect(rows.length).toBeGreaterThan(5);
    expect(res.headers.get('x-tradeloom-rows')).toBe(String(rows.length));

    const result = await call(h.app, 'GET', `/api/runs/${runId}/result`);
    const recorded = result.json.events.filter((e: { nodeId: string }) => e.nodeId === 'csv');
    expect(recorded).toHaveLength(rows.length);
    for (const [time, symbol, bar, when, close, fast, slow] of rows) {
      const t = Number(bar);
      expect(time).toBe(new Date(bars.time[t]!).toISOString());
      expect(symbol).toBe('');
      expect(when).toBe('1');
      expect(Number(close)).toBe(bars.close[t]);
      // A golden cross: the fast average has just gone above the slow one.
      expect(Number(fast)).toBeGreaterThan(Number(slow));
    }
  });

  it('answers 404 for an unknown node, a node that is not a CSV export, and another owner’s run; 400 for a bad file name', async () => {
    expect((await download(h, `/api/runs/${runId}/exports/nope.csv`)).status).toBe(404);
    const notCsv = await call(h.app, 'GET', `/api/runs/${runId}/exports/fast.csv`);
    expect(notCsv).toMatchObject({ status: 404, type: 'application/problem+json', json: { detail: 'Node "fast" (SMA) is not a CSV export.' } });
    expect((await call(h.app, 'GET', `/api/runs/${runId}/exports/alert.csv`)).status).toBe(404);
    const badName = await call(h.app, 'GET', `/api/runs/${runId}/exports/csv.txt`);
    expect(badName).toMatchObject({ status: 400, json: { errors: [{ path: 'param.file', message: 'must be <nodeId>.csv' }] } });

    const em = h.orm.em.fork();
    const strategy = await em.findOneOrFail(Strategy, { id: strategyId });
    const graph = strategy.graph;
    const theirs = em.create(Run, { owner: 'someone-else', strategy, graph, data: null, workflowId: 'x-theirs', status: 'succeeded' });
    em.create(RunResult, { run: theirs, result: { events: [{ nodeId: 'csv', kind: 'csv', time: 0, bar: 0, values: { a: 1 } }], eventsTruncated: [] } });
    const running = em.create(Run, { owner: LOCAL_OWNER, strategy, graph, data: null, workflowId: 'x-running', status: 'running' });
    await em.flush();
    expect((await call(h.app, 'GET', `/api/runs/${theirs.id}/exports/csv.csv`)).status).toBe(404);
    expect((await call(h.app, 'POST', `/api/runs/${theirs.id}/exports/alert/test-alert`)).status).toBe(404);
    expect(received).toHaveLength(0);
    const unfinished = await call(h.app, 'GET', `/api/runs/${running.id}/exports/csv.csv`);
    expect(unfinished).toMatchObject({ status: 404, json: { title: 'No result yet', detail: 'The run is running; its exports exist only once it has succeeded.' } });
  });

  it('escapes symbols, leaves unknown values empty and flags a truncated export', async () => {
    const em = h.orm.em.fork();
    const strategy = await em.findOneOrFail(Strategy, { id: strategyId });
    const run = em.create(Run, { owner: LOCAL_OWNER, strategy, graph: strategy.graph, data: null, workflowId: 'x-multi', status: 'succeeded' });
    const t0 = Date.UTC(2024, 0, 2, 9, 30);
    em.create(RunResult, {
      run,
      result: {
        events: [
          { nodeId: 'csv', kind: 'csv', time: t0, bar: 3, symbol: 'BRK,B', values: { when: 1, a: 101.25, b: null, c: 1e-7, d: null } },
          { nodeId: 'alert', kind: 'webhook', time: t0, bar: 3, symbol: 'X', values: { when: 1 } },
          { nodeId: 'csv', kind: 'csv', time: t0 + 60_000, bar: 4, symbol: '=cmd|"/c calc"!A1', values: { when: 1, a: -2.5, b: 3, c: null, d: 7 } },
        ],
        eventsTruncated: ['csv'],
      },
    });
    await em.flush();
    const res = await download(h, `/api/runs/${run.id}/exports/csv.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-tradeloom-truncated')).toBe('true');
    expect(res.headers.get('x-tradeloom-rows')).toBe('2');
    expect(res.text.split('\r\n').slice(1)).toEqual([
      '2024-01-02T09:30:00.000Z,"BRK,B",3,1,101.25,,1e-7',
      '2024-01-02T09:31:00.000Z,"\'=cmd|""/c calc""!A1",4,1,-2.5,3,',
      '',
    ]);
  });

  it('sends one signed test alert from the run’s recorded alerts, the last by default or the one at a bar', async () => {
    const result = await call(h.app, 'GET', `/api/runs/${runId}/result`);
    const alerts = result.json.events.filter((e: { nodeId: string }) => e.nodeId === 'alert');
    expect(alerts.length).toBeGreaterThan(1);
    const last = alerts.at(-1);

    const sent = await call(h.app, 'POST', `/api/runs/${runId}/exports/alert/test-alert`);
    expect(sent.status).toBe(200);
    expect(received).toHaveLength(1);
    const [r] = received;
    expect(verifyWebhookSignature({ body: r!.body, signature: r!.headers['x-tradeloom-signature'] as string, timestamp: r!.headers['x-tradeloom-timestamp'] as string, secret })).toEqual({ ok: true });
    const payload = AlertPayload.parse(JSON.parse(r!.body));
    const time = new Date(last.time).toISOString();
    expect(payload).toMatchObject({ type: 'tradeloom.alert', test: true, runId, nodeId: 'alert', bar: last.bar, time, timeMs: last.time, symbol: null });
    expect(payload.values.price).toBe(bars.close[last.bar]);
    expect(payload.message).toMatch(new RegExp(`^alert: golden cross at ${time.replace(/\./g, '\\.')}, close [\\d.]+, fast [\\d.]+$`));
    expect(r!.headers['x-tradeloom-delivery']).toBe(payload.deliveryId);
    expect(sent.json).toMatchObject({ deliveryId: payload.deliveryId, status: 200, attempts: 1, payload });

    const first = alerts[0];
    const again = await call(h.app, 'POST', `/api/runs/${runId}/exports/alert/test-alert`, { bar: first.bar });
    expect(again.status).toBe(200);
    expect(again.json.payload.bar).toBe(first.bar);
    // Each test is its own delivery, so a receiver that de-duplicates still sees it.
    expect(again.json.deliveryId).not.toBe(payload.deliveryId);

    const noSuchBar = await call(h.app, 'POST', `/api/runs/${runId}/exports/alert/test-alert`, { bar: 999_999 });
    expect(noSuchBar).toMatchObject({ status: 404, json: { errors: [{ path: 'body.bar' }] } });
    expect((await call(h.app, 'POST', `/api/runs/${runId}/exports/alert/test-alert`, { bar: -1 })).status).toBe(400);
  });

  it('retries a 503 once, and reports a 400 from the receiver as 502 without retrying', async () => {
    reply = (res, n) => (n === 1 ? res.writeHead(503).end() : res.writeHead(202).end());
    const retried = await call(h.app, 'POST', `/api/runs/${runId}/exports/alert/test-alert`);
    expect(retried).toMatchObject({ status: 200, json: { status: 202, attempts: 2 } });

    received.length = 0;
    reply = (res) => res.writeHead(400, { 'content-type': 'text/plain' }).end('bad signature');
    const refused = await call(h.app, 'POST', `/api/runs/${runId}/exports/alert/test-alert`);
    expect(refused).toMatchObject({
      status: 502,
      type: 'application/problem+json',
      json: { title: 'Alert not delivered', detail: 'the receiver answered 400: bad signature', receiverStatus: 400, attempts: 1, code: 'http_status' },
    });
    expect(received).toHaveLength(1);
  });

  it('refuses without a signing secret, for an internal address, and when the node never fired', async () => {
    const desk = await call(h.app, 'POST', `/api/runs/${runId}/exports/alertDesk/test-alert`);
    expect(desk).toMatchObject({ status: 422, json: { title: 'No signing secret', errors: [{ path: 'graph.nodes.alertDesk.params.secretName' }] } });
    expect(desk.json.detail).toMatch(/set TRADELOOM_WEBHOOK_SECRET_DESK on the server/);

    process.env.TRADELOOM_WEBHOOK_ALLOW_PRIVATE = 'false';
    const internal = await call(h.app, 'POST', `/api/runs/${runId}/exports/alert/test-alert`);
    expect(internal).toMatchObject({ status: 422, json: { title: 'URL refused', errors: [{ path: 'graph.nodes.alert.params.url' }] } });
    expect(internal.json.detail).toMatch(/internal address/);

    const never = await call(h.app, 'POST', `/api/runs/${runId}/exports/alertNever/test-alert`);
    expect(never).toMatchObject({ status: 409, json: { title: 'Nothing to send' } });
    const csvNode = await call(h.app, 'POST', `/api/runs/${runId}/exports/csv/test-alert`);
    expect(csvNode).toMatchObject({ status: 404, json: { detail: 'Node "csv" (Export to CSV) is not a webhook alert.' } });
    expect(received).toHaveLength(0);
  });

  it('documents both routes in the OpenAPI document', async () => {
    const doc = await call(h.app, 'GET', '/api/openapi.json');
    expect(Object.keys(doc.json.paths)).toEqual(expect.arrayContaining(['/api/runs/{id}/exports/{file}', '/api/runs/{id}/exports/{nodeId}/test-alert']));
  });

  it('limits test alerts to 20 a minute (earlier tests used some of them)', async () => {
    let status = 0;
    let sent = 0;
    while (sent < 22) {
      sent++;
      status = (await call(h.app, 'POST', `/api/runs/${runId}/exports/alert/test-alert`)).status;
      if (status === 429) break;
    }
    expect(status).toBe(429);
    expect(sent).toBeLessThanOrEqual(21);
  });
});
