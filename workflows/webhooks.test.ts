import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AlertPayload,
  alertPayload,
  deliverWebhook,
  isInternalAddress,
  resolveWebhookSecret,
  verifyWebhookSignature,
  webhookDeliveryId,
  WebhookDeliveryError,
} from './webhooks.ts';

const secret = 'test-secret-0123456789abcdef';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP receiver on 127.0.0.1 whose replies each test scripts. */
function receiver() {
  const received: Received[] = [];
  let reply: (res: ServerResponse, n: number) => void = (res) => res.writeHead(200).end('ok');
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      reply(res, received.length);
    });
  });
  return {
    received,
    server,
    reply: (fn: typeof reply) => {
      reply = fn;
    },
    url: (path = '/hook') => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
  };
}

const rx = receiver();
beforeAll(() => new Promise<void>((ok) => rx.server.listen(0, '127.0.0.1', ok)));
afterAll(() => new Promise<void>((ok) => rx.server.close(() => ok())));
afterEach(() => {
  rx.received.length = 0;
  rx.reply((res) => res.writeHead(200).end('ok'));
});

const local = { allowPrivateNetworks: true, backoffMs: 5 };
const send = (body: unknown = { hello: 'world' }, deliveryId = 'd-1') => ({ url: rx.url(), body, secret, deliveryId });
const verify = (r: Received, overrides: Partial<Parameters<typeof verifyWebhookSignature>[0]> = {}) =>
  verifyWebhookSignature({ body: r.body, signature: r.headers['x-tradeloom-signature'] as string, timestamp: r.headers['x-tradeloom-timestamp'] as string, secret, ...overrides });

describe('deliverWebhook against a real local receiver', () => {
  it('POSTs the JSON signed over timestamp + "." + body, with the delivery id, and the signature verifies', async () => {
    const receipt = await deliverWebhook(send({ a: 1, text: 'héllo' }, 'abc-123'), local);
    expect(receipt).toMatchObject({ deliveryId: 'abc-123', status: 200, attempts: 1 });
    expect(rx.received).toHaveLength(1);
    const [r] = rx.received as [Received];
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['x-tradeloom-delivery']).toBe('abc-123');
    expect(Math.abs(Number(r.headers['x-tradeloom-timestamp']) - Date.now() / 1000)).toBeLessThan(5);
    expect(r.headers['x-tradeloom-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(JSON.parse(r.body)).toEqual({ a: 1, text: 'héllo' });
    expect(verify(r)).toEqual({ ok: true });
  });

  it('a tampered body, a wrong secret, a stale timestamp or a missing header fails verification', async () => {
    await deliverWebhook(send({ amount: 100 }), local);
    const [r] = rx.received as [Received];
    expect(verify(r, { body: r.body.replace('100', '900') })).toEqual({ ok: false, reason: 'signature does not match' });
    expect(verify(r, { secret: 'another-secret-0123456789' })).toEqual({ ok: false, reason: 'signature does not match' });
    expect(verify(r, { now: Date.now() + 301_000 })).toMatchObject({ ok: false, reason: expect.stringMatching(/beyond the 300 s tolerance/) });
    // The signature covers the timestamp: moving it (to replay later) breaks the signature.
    expect(verify(r, { timestamp: String(Number(r.headers['x-tradeloom-timestamp']) + 1) })).toEqual({ ok: false, reason: 'signature does not match' });
    expect(verify(r, { signature: undefined })).toMatchObject({ ok: false, reason: expect.stringMatching(/missing X-Tradeloom-Signature/) });
    expect(verify(r, { signature: 'sha1=abc' })).toMatchObject({ ok: false, reason: 'no sha256= signature in the header' });
    expect(verify(r, { timestamp: '12abc' })).toMatchObject({ ok: false, reason: expect.stringMatching(/malformed X-Tradeloom-Timestamp/) });
    // While rotating, a receiver accepts the old and the new secret.
    expect(verify(r, { secret: ['new-secret-0123456789abcdef', secret] })).toEqual({ ok: true });
  });

  it('retries a 503 with backoff, signing each attempt afresh with the same delivery id, then succeeds', async () => {
    rx.reply((res, n) => (n < 3 ? res.writeHead(503).end('busy') : res.writeHead(204).end()));
    const receipt = await deliverWebhook(send({ x: 1 }, 'same-id'), local);
    expect(receipt).toMatchObject({ status: 204, attempts: 3, deliveryId: 'same-id' });
    expect(rx.received.map((r) => r.headers['x-tradeloom-delivery'])).toEqual(['same-id', 'same-id', 'same-id']);
    expect(rx.received.every((r) => verify(r).ok)).toBe(true);
  });

  it('gives up on a 400 at once, with the status and the start of the reply in the error', async () => {
    rx.reply((res) => res.writeHead(400, { 'content-type': 'text/plain' }).end('unknown field "symbol"\n' + 'x'.repeat(5000)));
    const err = await deliverWebhook(send(), { ...local, maxAttempts: 5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebhookDeliveryError);
    expect(err).toMatchObject({ code: 'http_status', status: 400, retryable: false, attempts: 1 });
    expect((err as Error).message).toMatch(/^the receiver answered 400: unknown field "symbol" x+$/);
    expect((err as Error).message.length).toBeLessThan(400);
    expect(rx.received).toHaveLength(1);
  });

  it('stops after maxAttempts of 5xx and says how many it tried', async () => {
    rx.reply((res) => res.writeHead(502).end());
    const err = await deliverWebhook(send(), { ...local, maxAttempts: 3 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'http_status', status: 502, retryable: true, attempts: 3, message: 'the receiver answered 502 (after 3 attempts)' });
    expect(rx.received).toHaveLength(3);
  });

  it('retries a 429, waiting at least its Retry-After', async () => {
    rx.reply((res, n) => (n === 1 ? res.writeHead(429, { 'retry-after': '1' }).end() : res.writeHead(200).end()));
    const t0 = Date.now();
    const receipt = await deliverWebhook(send(), local);
    expect(receipt.attempts).toBe(2);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
  });

  it('times out a receiver that never answers, retrying within the bound', async () => {
    rx.reply(() => {
      /* never answer */
    });
    const t0 = Date.now();
    const err = await deliverWebhook(send(), { ...local, timeoutMs: 150, maxAttempts: 2 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'timeout', retryable: true, attempts: 2, message: 'the receiver did not answer within 150 ms (after 2 attempts)' });
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(rx.received).toHaveLength(2);
  });

  it('does not follow a redirect, which could lead to an internal address', async () => {
    rx.reply((res) => res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end());
    const err = await deliverWebhook(send(), local).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'redirect', status: 302, retryable: false, attempts: 1 });
    expect((err as Error).message).toMatch(/redirect to http:\/\/169\.254\.169\.254\/latest\/meta-data\); redirects are not followed/);
  });

  it('retries a refused connection and reports it as a network error', async () => {
    const closed = createServer();
    await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', ok));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((ok) => closed.close(() => ok()));
    const err = await deliverWebhook({ ...send(), url: `http://127.0.0.1:${port}/` }, { ...local, maxAttempts: 2 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'network', retryable: true, attempts: 2, message: `could not reach 127.0.0.1:${port}: ECONNREFUSED (after 2 attempts)` });
  });

  it('refuses a body over 64 KB before connecting', async () => {
    const err = await deliverWebhook(send({ blob: 'x'.repeat(70_000) }), local).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'too_large', attempts: 0 });
    expect(rx.received).toHaveLength(0);
  });
});

describe('SSRF policy: internal addresses are refused unless allowed', () => {
  it('refuses loopback by IP literal and by name, without a single request reaching the receiver', async () => {
    const port = (rx.server.address() as AddressInfo).port;
    for (const host of ['127.0.0.1', 'localhost', '[::ffff:127.0.0.1]']) {
      const err = await deliverWebhook({ ...send(), url: `http://${host}:${port}/hook` }).catch((e: unknown) => e);
      expect(err, host).toMatchObject({ code: 'refused_address', retryable: false });
      expect((err as Error).message, host).toMatch(/internal address[\s\S]*TRADELOOM_WEBHOOK_ALLOW_PRIVATE=true/);
    }
    expect(rx.received).toHaveLength(0);
  });

  it('refuses the cloud metadata address and private ranges outright', async () => {
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://10.1.2.3/x', 'https://[fd00::1]/x', 'http://[::1]:9/x']) {
      await expect(deliverWebhook({ ...send(), url }), url).rejects.toMatchObject({ code: 'refused_address', attempts: 0 });
    }
  });

  it('classifies addresses', () => {
    const internal = ['127.0.0.1', '10.0.0.1', '172.16.5.4', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', '::ffff:10.0.0.1', '::ffff:7f00:1', '64:ff9b::a00:1', 'not-an-ip'];
    const external = ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'];
    expect(internal.filter((ip) => !isInternalAddress(ip))).toEqual([]);
    expect(external.filter((ip) => isInternalAddress(ip))).toEqual([]);
  });

  it('refuses non-http(s) URLs', async () => {
    await expect(deliverWebhook({ ...send(), url: 'file:///etc/passwd' })).rejects.toMatchObject({ code: 'refused_address' });
  });
});

describe('delivery ids', () => {
  it('are the same for the same run, node and bar time, and differ otherwise', () => {
    const id = webhookDeliveryId('run-1', 'alert', 1_700_000_000_000);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(webhookDeliveryId('run-1', 'alert', 1_700_000_000_000)).toBe(id);
    const others = [webhookDeliveryId('run-2', 'alert', 1_700_000_000_000), webhookDeliveryId('run-1', 'alert2', 1_700_000_000_000), webhookDeliveryId('run-1', 'alert', 1_700_000_060_000)];
    expect(new Set([id, ...others]).size).toBe(4);
  });
});

describe('secrets from the environment', () => {
  it('reads the default or the named secret, and refuses a missing or short one by its variable name', () => {
    const env = { TRADELOOM_WEBHOOK_SECRET: 'default-secret-0123456789', TRADELOOM_WEBHOOK_SECRET_DESK: 'desk-secret-0123456789ab', TRADELOOM_WEBHOOK_SECRET_SHORT: 'abc' };
    expect(resolveWebhookSecret(undefined, env)).toBe('default-secret-0123456789');
    expect(resolveWebhookSecret('DESK', env)).toBe('desk-secret-0123456789ab');
    expect(() => resolveWebhookSecret('OTHER', env)).toThrow(/no signing secret configured: set TRADELOOM_WEBHOOK_SECRET_OTHER/);
    expect(() => resolveWebhookSecret(undefined, {})).toThrow(/set TRADELOOM_WEBHOOK_SECRET on the server/);
    expect(() => resolveWebhookSecret('SHORT', env)).toThrow(/TRADELOOM_WEBHOOK_SECRET_SHORT is too short/);
  });
});

describe('the alert document', () => {
  it('renders the message, keeps unknown values as null and matches its published schema', () => {
    const body = alertPayload({
      deliveryId: 'd',
      runId: 'r',
      template: '{symbol} RSI {value} at {price}',
      event: { nodeId: 'n', time: Date.UTC(2024, 0, 2), bar: 7, symbol: 'ETH', values: { when: 1, value: 28.5, price: NaN } },
      test: true,
    });
    expect(AlertPayload.parse(JSON.parse(JSON.stringify(body)))).toEqual({
      type: 'tradeloom.alert', version: 1, deliveryId: 'd', test: true, runId: 'r', nodeId: 'n',
      message: 'ETH RSI 28.5 at n/a', time: '2024-01-02T00:00:00.000Z', timeMs: Date.UTC(2024, 0, 2), bar: 7, symbol: 'ETH',
      values: { when: 1, value: 28.5, price: null },
    });
  });
});
