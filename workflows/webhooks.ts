/**
 * Webhook delivery: HMAC-signed JSON POSTs with a deterministic delivery id, bounded retries, a
 * per-attempt timeout and a refusal to reach internal networks. Used by the server to send a test alert
 * and by the deployment step to deliver its alert outbox (workflows/deployment-activities.ts). See
 * docs/outputs.md.
 *
 * Nothing here runs inside a workflow: it does I/O and reads the clock.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { renderMessage, type MessageFields } from '../nodes/output/webhookAlert/message.ts';

export const signatureHeader = 'X-Tradeloom-Signature';
export const timestampHeader = 'X-Tradeloom-Timestamp';
export const deliveryHeader = 'X-Tradeloom-Delivery';

/** Signed bodies larger than this are refused before sending: an alert is a few hundred bytes. */
export const maxWebhookBodyBytes = 64 * 1024;

// ---------------------------------------------------------------------------------------------------
// Ids and signatures

/**
 * The delivery id of one alert: a UUID (version 8, RFC 9562) hashed from the run, the node and the bar
 * time, so every retry of the same alert, by any worker, carries the same id and a receiver can drop
 * duplicates. Different alerts never share one.
 *
 * @example
 * webhookDeliveryId('3f0c…', 'rsiAlert', Date.UTC(2024, 0, 2)) // '5d1e…-…-8…'
 */
export function webhookDeliveryId(runId: string, nodeId: string, time: number): string {
  const h = createHash('sha256').update(`tradeloom-alert\n${runId}\n${nodeId}\n${time}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x80;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`: the X-Tradeloom-Signature value. */
export function signWebhook(secret: string, timestamp: number | string, body: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

export interface VerifyInput {
  /** The raw request body exactly as received: verify before parsing the JSON. */
  body: string | Uint8Array;
  /** The X-Tradeloom-Signature header; several comma-separated `sha256=` values are accepted. */
  signature: string | null | undefined;
  /** The X-Tradeloom-Timestamp header (Unix seconds). */
  timestamp: string | null | undefined;
  /** The shared secret; give several while rotating it. */
  secret: string | readonly string[];
  /** How far the timestamp may be from `now`, in seconds (default 300): a captured alert cannot be replayed later. */
  toleranceSeconds?: number;
  /** Epoch ms, default now. */
  now?: number;
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

/**
 * Check an alert's signature the way a receiver should: the timestamp within tolerance, then an HMAC
 * over timestamp + "." + raw body compared in constant time.
 *
 * @example
 * const check = verifyWebhookSignature({ body: rawBody, signature: req.headers['x-tradeloom-signature'],
 *   timestamp: req.headers['x-tradeloom-timestamp'], secret: process.env.TRADELOOM_WEBHOOK_SECRET! });
 * if (!check.ok) return reply(401, check.reason);
 */
export function verifyWebhookSignature(input: VerifyInput): VerifyResult {
  const { signature, timestamp } = input;
  if (!signature) return { ok: false, reason: `missing ${signatureHeader} header` };
  if (!timestamp || !/^\d{1,15}$/.test(timestamp)) return { ok: false, reason: `missing or malformed ${timestampHeader} header` };
  const tolerance = input.toleranceSeconds ?? 300;
  const age = Math.abs((input.now ?? Date.now()) / 1000 - Number(timestamp));
  if (age > tolerance) return { ok: false, reason: `timestamp is ${Math.round(age)} s from now, beyond the ${tolerance} s tolerance` };
  const given = signature
    .split(',')
    .map((s) => s.trim())
    .filter((s) => /^sha256=[0-9a-f]{64}$/.test(s))
    .map((s) => Buffer.from(s.slice(7), 'hex'));
  if (given.length === 0) return { ok: false, reason: 'no sha256= signature in the header' };
  const secrets = typeof input.secret === 'string' ? [input.secret] : input.secret;
  for (const secret of secrets) {
    const expected = Buffer.from(signWebhook(secret, timestamp, input.body).slice(7), 'hex');
    if (given.some((g) => timingSafeEqual(g, expected))) return { ok: true };
  }
  return { ok: false, reason: 'signature does not match' };
}

// ---------------------------------------------------------------------------------------------------
// Secrets and settings from the environment

export class WebhookConfigError extends Error {
  override name = 'WebhookConfigError';
}

/** The environment variable holding the secret a node names (or the default one). */
export const secretVariable = (secretName?: string) => (secretName ? `TRADELOOM_WEBHOOK_SECRET_${secretName}` : 'TRADELOOM_WEBHOOK_SECRET');

/**
 * The signing secret for a node's `secretName`, read from the server's environment: secrets are
 * configured per deployment and named by the graph, never stored in it. No secret, no sending.
 */
export function resolveWebhookSecret(secretName: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const variable = secretVariable(secretName);
  const secret = env[variable];
  if (!secret) throw new WebhookConfigError(`no signing secret configured: set ${variable} on the server (for example to the output of \`openssl rand -hex 32\`)`);
  if (secret.length < 16) throw new WebhookConfigError(`${variable} is too short to sign with: use at least 16 characters (32 random bytes recommended)`);
  return secret;
}

/** Whether loopback and private addresses may be reached: only for local development and tests. */
export const allowPrivateFromEnv = (env: NodeJS.ProcessEnv = process.env) => env.TRADELOOM_WEBHOOK_ALLOW_PRIVATE === 'true';

// ---------------------------------------------------------------------------------------------------
// Which addresses may be reached (SSRF policy)

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, including cloud metadata at 169.254.169.254
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved and broadcast
] as const) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64: embeds an IPv4 address the gateway would reach for us
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 32], // Teredo
  ['2001:db8::', 32],
  ['2002::', 16], // 6to4
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) blocked.addSubnet(net, prefix, 'ipv6');

/**
 * Whether an IP address is internal (loopback, private, link-local, reserved …) and so refused by
 * default. IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`) are judged as the IPv4 address they carry.
 */
export function isInternalAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 0) return true;
  return blocked.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

const refusedCode = 'ERR_TRADELOOM_ADDRESS_REFUSED';

/**
 * A DNS lookup for the HTTP client that refuses internal addresses. It runs when the connection is
 * made, on the addresses actually connected to, so a name that resolves differently on a second lookup
 * (DNS rebinding) cannot slip past a check made earlier.
 */
function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const bad = allowPrivate ? undefined : addresses.find((a) => isInternalAddress(a.address));
      if (bad) {
        const refused = Object.assign(new Error(`${hostname} resolves to ${bad.address}, an internal address`), { code: refusedCode });
        return callback(refused, '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}

// ---------------------------------------------------------------------------------------------------
// Delivery

export interface DeliveryInput {
  url: string;
  /** The JSON document to send; serialized once and signed as sent. */
  body: unknown;
  secret: string;
  /** Idempotency id, the same on every retry of this alert (see `webhookDeliveryId`). */
  deliveryId: string;
}

export interface DeliveryOptions {
  /** Per attempt, connect to last byte (default 10 s). */
  timeoutMs?: number;
  /** Attempts in all, the first included (default 3). */
  maxAttempts?: number;
  /** Wait before the second attempt; doubles after each, capped at 30 s, with jitter (default 500 ms). */
  backoffMs?: number;
  /** Reach loopback and private addresses (local development and tests only). */
  allowPrivateNetworks?: boolean;
  /** Epoch ms, for the timestamp header (tests). */
  now?: () => number;
}

export interface DeliveryReceipt {
  deliveryId: string;
  /** The receiver's 2xx status. */
  status: number;
  attempts: number;
  durationMs: number;
}

export type DeliveryFailure = 'refused_address' | 'http_status' | 'redirect' | 'timeout' | 'network' | 'too_large';

/** Why an alert could not be delivered; `retryable` says whether trying again later could help. */
export class WebhookDeliveryError extends Error {
  override name = 'WebhookDeliveryError';
  readonly code: DeliveryFailure;
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly attempts: number;
  constructor(message: string, init: { code: DeliveryFailure; retryable: boolean; status?: number; attempts: number }) {
    super(message);
    this.code = init.code;
    this.retryable = init.retryable;
    this.status = init.status;
    this.attempts = init.attempts;
  }
}

interface AttemptOutcome {
  status?: number;
  /** The first bytes of the reply, for the error message. */
  snippet?: string;
  retryAfterMs?: number;
  location?: string;
  error?: { code: DeliveryFailure; message: string; retryable: boolean };
}

/**
 * POST a signed JSON alert. Retries network errors, timeouts, 5xx, 408 and 429 with exponential backoff
 * (honouring Retry-After up to 30 s), up to `maxAttempts`; any other 4xx, a redirect or a refused address
 * fails at once. Each attempt is signed afresh with its own timestamp and the same delivery id.
 * Pure inputs and an idempotency id, so a Temporal activity can call it as is.
 *
 * @throws WebhookDeliveryError with the receiver's status and reply when delivery failed.
 */
export async function deliverWebhook(input: DeliveryInput, options: DeliveryOptions = {}): Promise<DeliveryReceipt> {
  const started = Date.now();
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? 3));
  const timeoutMs = options.timeoutMs ?? 10_000;
  const backoffMs = options.backoffMs ?? 500;
  const now = options.now ?? Date.now;
  const url = new URL(input.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WebhookDeliveryError(`refused ${url.protocol} URL: only http and https are sent to`, { code: 'refused_address', retryable: false, attempts: 0 });
  }
  const body = typeof input.body === 'string' ? input.body : JSON.stringify(input.body);
  if (Buffer.byteLength(body) > maxWebhookBodyBytes) {
    throw new WebhookDeliveryError(`the alert body is ${Buffer.byteLength(body)} bytes, more than ${maxWebhookBodyBytes}`, { code: 'too_large', retryable: false, attempts: 0 });
  }
  // An IP literal never goes through DNS, so the guarded lookup would not see it: check it here.
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (!options.allowPrivateNetworks && isIP(literal) && isInternalAddress(literal)) {
    throw new WebhookDeliveryError(`refused ${literal}: internal addresses are not sent to (set TRADELOOM_WEBHOOK_ALLOW_PRIVATE=true for local development)`, { code: 'refused_address', retryable: false, attempts: 0 });
  }

  for (let attempt = 1; ; attempt++) {
    const timestamp = Math.floor(now() / 1000);
    const outcome = await attemptOnce(url, body, {
      'content-type': 'application/json',
      'user-agent': 'Tradeloom-Webhook/1',
      [signatureHeader]: signWebhook(input.secret, timestamp, body),
      [timestampHeader]: String(timestamp),
      [deliveryHeader]: input.deliveryId,
    }, timeoutMs, !!options.allowPrivateNetworks);
    const status = outcome.status;
    if (status !== undefined && status >= 200 && status < 300) {
      return { deliveryId: input.deliveryId, status, attempts: attempt, durationMs: Date.now() - started };
    }
    const failure = outcome.error ?? classifyStatus(status!, outcome);
    if (!failure.retryable || attempt >= maxAttempts) {
      const tried = attempt > 1 ? ` (after ${attempt} attempts)` : '';
      throw new WebhookDeliveryError(`${failure.message}${tried}`, { code: failure.code, retryable: failure.retryable, status, attempts: attempt });
    }
    const exp = Math.min(30_000, backoffMs * 2 ** (attempt - 1));
    // Jitter spreads retries of many alerts that failed together, so they do not hit the receiver at once.
    const wait = Math.max(outcome.retryAfterMs ?? 0, exp * (0.5 + Math.random() / 2));
    await sleep(Math.min(30_000, wait));
  }
}

function classifyStatus(status: number, outcome: AttemptOutcome): { code: DeliveryFailure; message: string; retryable: boolean } {
  const reply = outcome.snippet ? `: ${outcome.snippet}` : '';
  if (status >= 300 && status < 400) {
    return { code: 'redirect', retryable: false, message: `the receiver answered ${status} (redirect${outcome.location ? ` to ${outcome.location}` : ''}); redirects are not followed, so use the final URL` };
  }
  // 408 and 429 are the receiver saying "not now", not "never": worth the backoff like a 5xx.
  const retryable = status >= 500 || status === 408 || status === 429;
  return { code: 'http_status', retryable, message: `the receiver answered ${status}${reply}` };
}

function attemptOnce(url: URL, body: string, headers: Record<string, string>, timeoutMs: number, allowPrivate: boolean): Promise<AttemptOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (o: AttemptOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(o);
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup: guardedLookup(allowPrivate),
      // A fresh connection per attempt: every attempt goes through the guarded lookup.
      agent: false,
    });
    const timer = setTimeout(() => {
      done({ error: { code: 'timeout', retryable: true, message: `the receiver did not answer within ${timeoutMs} ms` } });
      req.destroy();
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => done({ error: networkFailure(err, url) }));
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      // The status and the start of the reply (for an error message) are all we need: a long or
      // endless reply is cut off rather than buffered or waited for.
      const finish = () => {
        const text = Buffer.concat(chunks).toString('utf8').slice(0, 300).replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
        const retryAfter = res.headers['retry-after'] === undefined ? NaN : Number(res.headers['retry-after']);
        done({
          status: res.statusCode ?? 0,
          snippet: text || undefined,
          retryAfterMs: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : undefined,
          location: typeof res.headers.location === 'string' ? res.headers.location.slice(0, 300) : undefined,
        });
        res.destroy();
      };
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= 512) finish();
      });
      res.on('error', (err) => done({ error: networkFailure(err, url) }));
      res.on('end', finish);
    });
    req.end(body);
  });
}

function networkFailure(err: NodeJS.ErrnoException, url: URL): { code: DeliveryFailure; message: string; retryable: boolean } {
  if (err.code === refusedCode) return { code: 'refused_address', retryable: false, message: `refused: ${err.message} (set TRADELOOM_WEBHOOK_ALLOW_PRIVATE=true for local development)` };
  // A name that does not exist is a typo until proven otherwise; a lookup that timed out (EAI_AGAIN) may pass later.
  if (err.code === 'ENOTFOUND') return { code: 'network', retryable: false, message: `the host ${url.hostname} was not found` };
  return { code: 'network', retryable: true, message: `could not reach ${url.host}: ${err.code ?? err.message}` };
}

// ---------------------------------------------------------------------------------------------------
// The alert document

/** The JSON body of every alert. Receivers can parse with this schema; `deliveryId` is inside the signed body too. */
export const AlertPayload = z.object({
  type: z.literal('tradeloom.alert'),
  version: z.literal(1),
  deliveryId: z.string(),
  /** True for a test alert sent from a backtest's recorded events. */
  test: z.boolean(),
  runId: z.string(),
  nodeId: z.string(),
  message: z.string(),
  /** The bar's open time, ISO 8601 UTC, and as epoch ms. */
  time: z.string(),
  timeMs: z.number(),
  bar: z.number().int(),
  symbol: z.string().nullable(),
  /** The node's input values on that bar; null when unknown. */
  values: z.record(z.string(), z.number().nullable()),
});
export type AlertPayload = z.infer<typeof AlertPayload>;

/** Build an alert's body from one recorded event and the node's message template. */
export function alertPayload(a: { deliveryId: string; runId: string; template: string; event: MessageFields; test: boolean }): AlertPayload {
  const values: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(a.event.values)) values[k] = v === null || !Number.isFinite(v) ? null : v;
  return {
    type: 'tradeloom.alert',
    version: 1,
    deliveryId: a.deliveryId,
    test: a.test,
    runId: a.runId,
    nodeId: a.event.nodeId,
    message: renderMessage(a.template, a.event),
    time: new Date(a.event.time).toISOString(),
    timeMs: a.event.time,
    bar: a.event.bar,
    symbol: a.event.symbol || null,
    values,
  };
}
