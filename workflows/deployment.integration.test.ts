import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../engine/backtest.ts';
import { compile } from '../engine/compile.ts';
import { chooseData, loadBars } from '../engine/data.ts';
import { registry } from '../nodes/index.ts';
import { DeploymentEvent, DeploymentFill, DeploymentOrder } from '../server/db/entities.ts';
import { call, useHarness, waitFor } from '../server/testing/harness.ts';
import { startFakeExchange } from '../trading/fake-exchange/server.ts';
import { fastCross, holdFive, roomyLimits, startDeploymentOfMissingData, startLiveOnFakeExchange } from './deployment-fixtures.ts';
import { formatAlertNumber } from '../nodes/output/webhookAlert/message.ts';
import { AlertPayload, verifyWebhookSignature, webhookDeliveryId } from './webhooks.ts';

describe('paper and shadow deployments on a replay feed (real Temporal, real PostgreSQL)', () => {
  const stack = useHarness();

  it('paper: trades bar by bar through the paper venue, exactly as the backtest of the same bars', async () => {
    const h = stack();
    const strategy = await call(h.app, 'POST', '/api/strategies', { name: 'fast cross', graph: fastCross });
    const data = { kind: 'synthetic' as const, seed: 9, bars: 120 };
    const created = await call(h.app, 'POST', '/api/deployments', { strategyId: strategy.json.id, mode: 'paper', symbol: 'SYN/USD', feed: { kind: 'replay', data, barsPerSecond: 40 }, riskLimits: roomyLimits });
    expect(created.status).toBe(201);
    const id = created.json.id;
    expect(created.json).toMatchObject({ mode: 'paper', status: 'running', tradingState: 'ACTIVE', hasCredentials: false, error: null });

    const done = await waitFor('the replay to finish', async () => {
      const r = await call(h.app, 'GET', `/api/deployments/${id}`);
      // The last bar's order is sent just after the bar commits: wait for it to leave `pending`.
      return r.json.barsProcessed === 120 && !r.json.orders.some((o: { status: string }) => o.status === 'pending') ? r.json : undefined;
    }, 90_000);
    expect(done.orders.length).toBeGreaterThan(2);
    expect(done.orders.filter((o: { status: string }) => !['filled', 'open', 'canceled'].includes(o.status))).toEqual([]);
    expect(done.denials).toEqual([]);

    // The same bars in a backtest: same fills, same final equity (paper fills use the backtest's rules and costs).
    const compiled = compile(fastCross, registry);
    if (!compiled.ok) throw new Error('fixture must compile');
    const bars = await loadBars(chooseData(compiled.plan.data.request, data), async () => undefined);
    const expected = await runBacktest(compiled.plan, bars);
    const em = h.orm.em.fork();
    const fills = await em.find(DeploymentFill, { deployment: id }, { orderBy: { time: 'asc' } });
    const closedTrades = expected.trades.filter((t) => !t.open);
    expect(fills.length).toBe(closedTrades.length * 2 + expected.trades.filter((t) => t.open).length);
    expect(done.equity).toBeCloseTo(expected.equity.at(-1)!.value, 6);
    // One venue order per client order id, and every id unique.
    const orders = await em.find(DeploymentOrder, { deployment: id });
    expect(new Set(orders.map((o) => o.clientOrderId)).size).toBe(orders.length);

    const stopped = await call(h.app, 'POST', `/api/deployments/${id}/stop`, { by: 'test' });
    expect(stopped.json.status).toBe('stopped');
    expect((await call(h.app, 'POST', `/api/deployments/${id}/pause`)).status).toBe(409);
  });

  it('shadow: computes and risk-checks orders, records them, and sends none; its webhook alerts are delivered, signed, once each', async () => {
    const h = stack();
    // A receiver on this machine, which the worker (in this process) may reach and sign for.
    const secret = randomBytes(24).toString('hex');
    Object.assign(process.env, { TRADELOOM_WEBHOOK_SECRET: secret, TRADELOOM_WEBHOOK_ALLOW_PRIVATE: 'true' });
    const received: { headers: IncomingHttpHeaders; body: string }[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const graph = structuredClone(fastCross);
    graph.nodes.push({ id: 'alert', type: 'output.webhookAlert', params: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, message: 'crossed up at {price}' }, position: { x: 0, y: 0 } });
    graph.edges.push({ id: 'alertWhen', source: { node: 'cross', port: 'above' }, target: { node: 'alert', port: 'when' } });
    graph.edges.push({ id: 'alertPrice', source: { node: 'data', port: 'close' }, target: { node: 'alert', port: 'price' } });
    const strategy = await call(h.app, 'POST', '/api/strategies', { name: 'shadow cross', graph });
    const created = await call(h.app, 'POST', '/api/deployments', { strategyId: strategy.json.id, mode: 'shadow', symbol: 'SYN/USD', feed: { kind: 'replay', data: { kind: 'synthetic', seed: 9, bars: 60 }, barsPerSecond: 40 }, riskLimits: { ...roomyLimits, maxOrderQuantity: 500 } });
    expect(created.status).toBe(201);
    const id = created.json.id;
    const done = await waitFor('the shadow replay to finish', async () => {
      const r = await call(h.app, 'GET', `/api/deployments/${id}`);
      return r.json.barsProcessed === 60 ? r.json : undefined;
    }, 60_000);
    const statuses = new Set(done.orders.map((o: { status: string }) => o.status));
    expect([...statuses].every((s) => s === 'shadow' || s === 'denied')).toBe(true);
    // 100 % of 100 000 at ~100 is ~1 000 units: over the 500 limit, so the gate refuses it, with a reason.
    expect(done.denials[0]).toMatchObject({ code: 'MAX_ORDER_QUANTITY' });
    expect(done.position).toBe(0);
    expect(await h.orm.em.fork().count(DeploymentFill, { deployment: id })).toBe(0);
    // The alerts: the bars a backtest of the same bars records, each delivered once, signed, under its
    // derived delivery id, and journaled.
    const compiled = compile(graph, registry);
    if (!compiled.ok) throw new Error('the graph must compile');
    const bars = await loadBars(chooseData(compiled.plan.data.request, { kind: 'synthetic', seed: 9, bars: 60 }), async () => undefined);
    const expected = (await runBacktest(compiled.plan, bars)).events.filter((e) => e.nodeId === 'alert');
    expect(expected.length).toBeGreaterThan(1);
    const sent = await waitFor('every alert to be delivered', async () => {
      const events = await h.orm.em.fork().find(DeploymentEvent, { deployment: id, code: 'ALERT_SENT' });
      return events.length >= expected.length ? events : undefined;
    }, 30_000);
    expect(sent).toHaveLength(expected.length);
    expect(received).toHaveLength(expected.length);
    const bodies = received.map((r) => {
      expect(verifyWebhookSignature({ body: r.body, signature: r.headers['x-tradeloom-signature'] as string, timestamp: r.headers['x-tradeloom-timestamp'] as string, secret })).toEqual({ ok: true });
      const body = AlertPayload.parse(JSON.parse(r.body));
      expect(r.headers['x-tradeloom-delivery']).toBe(body.deliveryId);
      return body;
    });
    expect(bodies.map((b) => [b.timeMs, b.deliveryId, b.runId, b.test, b.message])).toEqual(
      expected.map((e) => [e.time, webhookDeliveryId(id, 'alert', e.time), id, false, `crossed up at ${formatAlertNumber(e.values.price)}`]),
    );
    receiver.close();
    // Its replay has played all 60 bars: the journal says so, once, while it stays running.
    const ended = await waitFor('the replay-ended notice', async () => {
      const d = (await call(h.app, 'GET', `/api/deployments/${id}`)).json;
      return d.events.some((e: { code: string }) => e.code === 'REPLAY_ENDED') ? d : undefined;
    }, 30_000);
    expect(ended.status).toBe('running');
    expect(ended.events.filter((e: { code: string }) => e.code === 'REPLAY_ENDED')).toEqual([expect.objectContaining({ message: expect.stringContaining('the replay has played its last bar (60 bars processed)') })]);

    // Its strategy cannot be deleted while it runs: that deleted the deployment and its records too.
    const refused = await call(h.app, 'DELETE', `/api/strategies/${strategy.json.id}`);
    expect(refused.status).toBe(409);
    expect(refused.json.detail).toMatch(/^A deployment of this strategy is still trading: ".*" \(shadow, running\)\. Stop it first\.$/);
    expect(refused.json.deployments).toEqual([expect.objectContaining({ id, mode: 'shadow', status: 'running' })]);
    expect((await call(h.app, 'GET', `/api/deployments/${id}`)).status).toBe(200);
    await call(h.app, 'POST', `/api/deployments/${id}/stop`);
    await waitFor('the deployment to stop', async () => ((await call(h.app, 'GET', `/api/deployments/${id}`)).json.status === 'stopped' ? true : undefined), 30_000);
    expect((await call(h.app, 'DELETE', `/api/strategies/${strategy.json.id}`)).status).toBe(204);
  });

  it('controls: the kill switch cancels, blocks and persists; pause and resume; re-enable', async () => {
    const h = stack();
    const strategy = await call(h.app, 'POST', '/api/strategies', { name: 'controls', graph: fastCross });
    const created = await call(h.app, 'POST', '/api/deployments', { strategyId: strategy.json.id, mode: 'paper', symbol: 'SYN/USD', feed: { kind: 'replay', data: { kind: 'synthetic', seed: 4, bars: 2000 }, barsPerSecond: 10 }, riskLimits: roomyLimits });
    const id = created.json.id;
    await waitFor('a few bars', async () => ((await call(h.app, 'GET', `/api/deployments/${id}`)).json.barsProcessed >= 15 ? true : undefined), 60_000);

    const killed = await call(h.app, 'POST', `/api/deployments/${id}/kill`, { by: 'risk desk' });
    expect(killed.status).toBe(200);
    expect(killed.json).toMatchObject({ killSwitch: true, tradingState: 'REDUCING' });
    const at = killed.json.barsProcessed;
    // At least 25 bars, and until the strategy has asked for an entry: whether a cross comes within a fixed
    // number of bars depends on the bar the kill lands on, which depends on the machine's speed.
    const detail = await waitFor('bars and a refused entry after the kill', async () => {
      const d = (await call(h.app, 'GET', `/api/deployments/${id}?limit=1000`)).json;
      return d.barsProcessed >= at + 25 && d.denials.length > 0 ? d : undefined;
    }, 60_000);
    expect(detail.events.some((e: { code: string; message: string }) => e.code === 'KILL' && e.message.includes('risk desk'))).toBe(true);
    // After the kill nothing grows the position: every later fill moves it towards zero, never across.
    const em = h.orm.em.fork();
    const killEvent = detail.events.find((e: { code: string }) => e.code === 'KILL');
    const fills = await em.find(DeploymentFill, { deployment: id }, { orderBy: { time: 'asc', tradeId: 'asc' } });
    let position = 0;
    for (const f of fills) {
      const next = position + (f.side === 'buy' ? f.quantity : -f.quantity);
      if (f.createdAt.getTime() > Date.parse(killEvent.createdAt)) {
        expect(Math.abs(next)).toBeLessThanOrEqual(Math.abs(position) + 1e-9);
        expect(Math.sign(next) * Math.sign(position)).toBeGreaterThanOrEqual(0);
      }
      position = next;
    }
    // The strategy kept asking; the gate refused what would grow the position, and said why.
    expect(detail.denials.every((e: { code: string }) => e.code === 'REDUCE_ONLY')).toBe(true);
    expect(detail.denials.length).toBeGreaterThan(0);

    const paused = await call(h.app, 'POST', `/api/deployments/${id}/pause`);
    expect(paused.json.status).toBe('paused');
    const resumed = await call(h.app, 'POST', `/api/deployments/${id}/resume`);
    expect(resumed.json.status).toBe('running');
    const released = await call(h.app, 'POST', `/api/deployments/${id}/release-kill`);
    expect(released.json).toMatchObject({ killSwitch: false, tradingState: 'ACTIVE' });
    expect((await call(h.app, 'POST', `/api/deployments/${id}/reenable`)).json.tradingState).toBe('ACTIVE');
    await call(h.app, 'POST', `/api/deployments/${id}/stop`);
  });

  it('the API refuses inconsistent requests with problem+json, and never returns or stores keys in clear', async () => {
    const h = stack();
    const strategy = await call(h.app, 'POST', '/api/strategies', { name: 'api checks', graph: fastCross });
    const ex = await startFakeExchange({ reset: { apiKey: 'api-key', secret: 'api-secret-value', symbols: [{ symbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT', price: 100 }], balances: { USDT: 1e6, BTC: 0 } } });
    process.env.TRADELOOM_MASTER_KEY ??= randomBytes(32).toString('hex');
    try {
      const live = { strategyId: strategy.json.id, mode: 'live', symbol: 'BTC/USDT', feed: { kind: 'replay', data: { kind: 'synthetic', seed: 1, bars: 50 }, barsPerSecond: 5 }, venue: { kind: 'ccxt', exchange: 'binance', baseUrl: ex.url }, credentials: { apiKey: 'api-key', secret: 'api-secret-value' }, riskLimits: { ...roomyLimits, maxOrderQuantity: 1 } };
      const unconfirmed = await call(h.app, 'POST', '/api/deployments', live);
      expect(unconfirmed.status).toBe(422);
      expect(unconfirmed.type).toContain('application/problem+json');
      expect(unconfirmed.json.errors).toEqual([{ path: 'body.confirm', message: expect.stringContaining('LIVE') }]);
      expect((await call(h.app, 'POST', '/api/deployments', { ...live, confirm: 'live' })).status).toBe(422);
      expect((await call(h.app, 'POST', '/api/deployments', { ...live, confirm: 'LIVE', venue: { kind: 'paper' } })).json.errors[0].path).toBe('body.venue.kind');
      expect((await call(h.app, 'POST', '/api/deployments', { ...live, confirm: 'LIVE', credentials: undefined })).json.errors[0].path).toBe('body.credentials');
      expect((await call(h.app, 'POST', '/api/deployments', { ...live, mode: 'paper', venue: { kind: 'paper' } })).json.errors[0].path).toBe('body.credentials');
      expect((await call(h.app, 'POST', '/api/deployments', { ...live, riskLimits: { maxOrderQuantity: -1 } })).status).toBe(400);
      // A live feed of another instrument would price and risk-check the orders on its bars.
      const otherFeed = await call(h.app, 'POST', '/api/deployments', { ...live, confirm: 'LIVE', feed: { kind: 'ccxt', exchange: 'binance', symbol: 'ETH/USDT', baseUrl: ex.url } });
      expect(otherFeed.json.errors).toEqual([{ path: 'body.feed.symbol', message: expect.stringContaining('ETH/USDT is not the symbol traded, BTC/USDT') }]);
      // A misspelt field is refused where it is, not dropped for its default (a drawdown halt at 20 % instead of 3 %).
      const misspelt = await call(h.app, 'POST', '/api/deployments', { ...live, confirm: 'LIVE', riskLimits: { ...live.riskLimits, maxDrawdown: 3 }, stalAfterMs: 1000, feed: { ...live.feed, barsPerSec: 5 } });
      expect(misspelt.status).toBe(400);
      expect(misspelt.json.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body', 'body.feed', 'body.riskLimits']);
      expect(JSON.stringify(misspelt.json.errors)).toMatch(/maxDrawdown.*|stalAfterMs/);
      expect((await call(h.app, 'POST', '/api/deployments', { ...live, strategyId: crypto.randomUUID(), confirm: 'LIVE' })).status).toBe(404);
      expect((await call(h.app, 'GET', `/api/deployments/${crypto.randomUUID()}`)).status).toBe(404);

      const created = await call(h.app, 'POST', '/api/deployments', { ...live, confirm: 'LIVE', initialCash: 50_000 });
      expect(created.status).toBe(201);
      expect(created.json.hasCredentials).toBe(true);
      // Its PnL's baseline: its own starting cash (the strategy's is 100 000), in the list too.
      expect(created.json).toMatchObject({ initialCash: 50_000, equity: 50_000 });
      expect((await call(h.app, 'GET', '/api/deployments')).json.items.find((d: { id: string }) => d.id === created.json.id)?.initialCash).toBe(50_000);
      const id = created.json.id;
      const shown = JSON.stringify([created.json, (await call(h.app, 'GET', `/api/deployments/${id}`)).json, (await call(h.app, 'GET', '/api/deployments')).json]);
      expect(shown).not.toContain('api-secret-value');
      expect(shown).not.toContain('api-key');
      const [row] = await h.orm.em.getConnection().execute<{ credentials: unknown }[]>('select credentials from deployments where id = ?', [id]);
      expect(JSON.stringify(row!.credentials)).not.toContain('api-secret-value');
      expect(row!.credentials).toMatchObject({ v: 1, alg: 'AES-256-GCM' });
      // It trades on the fake venue: the order of ~1 000 units is over the 1-unit limit and refused before sending.
      const refused = await waitFor('a denial', async () => {
        const r = await call(h.app, 'GET', `/api/deployments/${id}`);
        return r.json.denials.length ? r.json : undefined;
      }, 60_000);
      expect(refused.denials[0].code).toBe('MAX_ORDER_QUANTITY');
      expect(ex.book().orderRequests).toBe(0);
      await call(h.app, 'POST', `/api/deployments/${id}/stop`);
    } finally {
      await ex.close();
    }
  });

  it('streams state and events over SSE', async () => {
    const h = stack();
    const strategy = await call(h.app, 'POST', '/api/strategies', { name: 'sse', graph: fastCross });
    const created = await call(h.app, 'POST', '/api/deployments', { strategyId: strategy.json.id, mode: 'paper', symbol: 'SYN/USD', feed: { kind: 'replay', data: { kind: 'synthetic', seed: 2, bars: 40 }, barsPerSecond: 20 }, riskLimits: roomyLimits });
    const id = created.json.id;
    await waitFor('the replay', async () => ((await call(h.app, 'GET', `/api/deployments/${id}`)).json.barsProcessed === 40 ? true : undefined), 60_000);
    await call(h.app, 'POST', `/api/deployments/${id}/stop`);
    // The deployment is stopped, so the stream sends what there is and ends.
    const res = await h.app.request(`/api/deployments/${id}/events`);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text();
    expect(text).toContain('event: state');
    expect(text).toMatch(/event: event\ndata: .*"code":"STOP".*\nid: \d+/);
  });

  it('refuses a replay of a dataset that does not exist, or a start past its end, before anything runs', async () => {
    const h = stack();
    const strategy = await call(h.app, 'POST', '/api/strategies', { name: 'no data', graph: fastCross });
    const deploy = (feed: unknown) => call(h.app, 'POST', '/api/deployments', { strategyId: strategy.json.id, mode: 'paper', symbol: 'SYN/USD', feed, riskLimits: roomyLimits });
    const missing = await deploy({ kind: 'replay', data: { kind: 'dataset', datasetId: '11111111-1111-4111-8111-111111111111' } });
    expect(missing.status).toBe(422);
    expect(missing.json.errors).toEqual([{ path: 'body.feed.data.datasetId', message: 'The dataset "11111111-1111-4111-8111-111111111111" does not exist; upload a CSV or pick another.' }]);
    expect((await deploy({ kind: 'replay', data: { kind: 'dataset', datasetId: 'zz' } })).status).toBe(422);
    const late = await deploy({ kind: 'replay', data: { kind: 'synthetic', seed: 1, bars: 50 }, startBar: 50 });
    expect(late.status).toBe(422);
    expect(late.json.detail).toBe('the replay has 50 bars, so it cannot start at bar 50');
    expect((await call(h.app, 'GET', '/api/deployments')).json.items.filter((d: { name: string }) => d.name.startsWith('no data'))).toEqual([]);
  });

  it('a step that fails for good (its replay dataset is gone) fails the deployment with the reason, instead of retrying for ever', async () => {
    const h = stack();
    const id = await startDeploymentOfMissingData(h, fastCross);
    const failed = await waitFor('the deployment to fail', async () => {
      const r = await call(h.app, 'GET', `/api/deployments/${id}`);
      return r.json.status === 'failed' ? r.json : undefined;
    }, 60_000);
    expect(failed.error).toMatch(/^the deployment cannot go on: .*dataset/i);
    const events = await h.orm.em.fork().find(DeploymentEvent, { deployment: id, code: 'FAILED' });
    expect(events.map((e) => e.message)).toEqual([failed.error]);
  });

  it('live: three 5xx answers in a row to an order placement delay the order; the step retries send it under its id, once', async () => {
    const h = stack();
    const ex = await startFakeExchange();
    try {
      const id = await startLiveOnFakeExchange(h, ex.url, holdFive, { faults: [{ kind: 'error5xx', method: 'POST', path: '/api/v3/order', times: 3 }] });
      const done = await waitFor('the order to reach the venue and fill', async () => {
        const d = (await call(h.app, 'GET', `/api/deployments/${id}`)).json;
        return d.position === 5 && d.orders[0]?.status === 'filled' ? d : undefined;
      }, 60_000);
      const v = ex.book();
      expect(v.orders.map((o) => o.clientOrderId)).toEqual([done.orders[0].clientOrderId]);
      expect(done.orders).toHaveLength(1);
      expect(v.orderRequests).toBe(1);
      expect(v.balances.get('BTC')).toBe(5);
      expect(done.tradingState).toBe('ACTIVE');
      await call(h.app, 'POST', `/api/deployments/${id}/stop`);
    } finally {
      await ex.close();
    }
  });

  it('a step that keeps failing (the venue is down) still lets stop through within seconds, and says why nothing moves', async () => {
    const h = stack();
    const ex = await startFakeExchange();
    try {
      const id = await startLiveOnFakeExchange(h, ex.url, fastCross);
      await waitFor('a first bar', async () => ((await call(h.app, 'GET', `/api/deployments/${id}`)).json.barsProcessed > 0 ? true : undefined), 60_000);
      await ex.close();
      const noted = await waitFor('the failing step to be journaled', async () => (await h.orm.em.fork().find(DeploymentEvent, { deployment: id, code: 'STEP_FAILED' }))[0], 90_000);
      expect(noted.message).toMatch(/^a step failed: .*pause, stop and the kill switch still apply/);
      const asked = Date.now();
      const stopped = await call(h.app, 'POST', `/api/deployments/${id}/stop`, { by: 'test' });
      expect(stopped.status).toBe(200);
      expect(stopped.json.status).toBe('stopped');
      // A round is at most four tries with ≈ 7 s of backoff between them (each try here gives up within the 2 s venue timeout).
      expect(Date.now() - asked).toBeLessThan(45_000);
    } finally {
      await ex.close().catch(() => undefined);
    }
  });
});
