import { z } from 'zod';
import { bool } from '../../bool.ts';
import { defineNode } from '../../contract.ts';
import { EmitMode, emitCaveats, emits, emitState, type EmitState } from '../emit.ts';
import { messagePlaceholders, unknownPlaceholders } from './message.ts';

/**
 * The receiver's address. Only http(s), and no `user:password@`: the graph is stored, versioned and
 * shared in clear text, so it must not carry a credential. Which hosts may be reached (no loopback or
 * private networks by default) is checked when an alert is sent, against the address DNS gives then.
 */
export const WebhookUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .max(2048)
  .refine((u) => {
    const url = URL.parse(u);
    return !!url && url.username === '' && url.password === '';
  }, 'must not contain a user name or password; alerts are authenticated by their HMAC signature')
  .describe('Where alerts are POSTed as signed JSON (http or https).');

/**
 * The name of a signing secret held by the server, never the secret itself: the server signs with the
 * environment variable `TRADELOOM_WEBHOOK_SECRET_<NAME>`, or `TRADELOOM_WEBHOOK_SECRET` when empty.
 */
const secretNameMessage = 'a name like SLACK or DESK_2 (capitals, digits, _): the secret itself stays on the server';
export const SecretName = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{0,39}$/, secretNameMessage)
  // The editor's form says the same when the text does not match (editor/schema-form.ts).
  .meta({ patternMessage: secretNameMessage })
  .optional()
  .describe('Which server-held signing secret to use: NAME signs with the env var TRADELOOM_WEBHOOK_SECRET_NAME; empty uses TRADELOOM_WEBHOOK_SECRET.');

export const WebhookAlertParams = z.object({
  url: WebhookUrl,
  secretName: SecretName,
  message: z
    .string()
    .min(1)
    .max(1000)
    .default('{node} fired at {time}: value {value}, price {price}')
    .refine((t) => unknownPlaceholders(t).length === 0, {
      error: (issue) => `unknown placeholder ${unknownPlaceholders(String(issue.input)).map((n) => `{${n}}`).join(', ')}; use ${Object.keys(messagePlaceholders).map((n) => `{${n}}`).join(' ')}`,
    })
    .describe(`Alert text; ${Object.keys(messagePlaceholders).map((n) => `{${n}}`).join(' ')} are filled in.`),
  mode: EmitMode.default('onRise'),
  cooldownBars: z
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .default(0)
    .describe('After an alert, stay quiet for this many bars (alerts due then are dropped, not delayed).'),
});
export type WebhookAlertParams = z.infer<typeof WebhookAlertParams>;

interface AlertState extends EmitState {
  /** Bars still to stay quiet after the last alert. */
  quiet: number;
}

/**
 * Sends a signed JSON alert to a URL when a condition fires. The step decides which bars alert; the
 * engine records them, and the platform renders and sends them (workflows/webhooks.ts).
 */
export const webhookAlert = defineNode({
  type: 'output.webhookAlert',
  version: 1,
  category: 'output',
  title: 'Webhook alert',
  description: 'POST a signed JSON alert to your URL when a condition fires (recorded, not sent, in backtests).',
  docs: {
    example:
      'when = RSI(14) < 30, value = RSI, price = close, mode onRise, cooldown 10: one alert per oversold dip, at most one per 10 bars, saying "BTC oversold at 2024-03-01T14:00:00.000Z, RSI 27.4".',
    caveats: [
      ...emitCaveats,
      'Cooldown N: after a bar that alerts, the next N bars the node steps never alert. An alert due in that window is dropped, not delayed (with onRise the rise is lost; with onTrue the first true bar after the window alerts).',
      'Backtests record alerts as events and send nothing: thousands of historical alerts are not what a receiver wants. POST /api/runs/{id}/exports/{node}/test-alert sends one of them, marked "test": true, to check the receiver.',
      'Paper, shadow and live deployments send their alerts, while running (not paused) and on bars that arrive in time: each alert is stored with its bar, then POSTed after the bar’s orders, with a delivery id derived from the deployment, the node and the bar time, so a retried bar or send never makes an alert with a new id (at least once: a receiver drops a repeated id). A receiver that fails or times out (5 s) is tried again for about ten minutes; one that answers another 4xx, or a missing secret, fails the alert at once. The deployment’s journal records each alert sent or failed.',
      'Every alert is signed: X-Tradeloom-Signature is sha256=HMAC-SHA256(secret, timestamp + "." + body) in hex, with X-Tradeloom-Timestamp (Unix seconds) and X-Tradeloom-Delivery (the delivery id). The secret is held by the server (env TRADELOOM_WEBHOOK_SECRET, or TRADELOOM_WEBHOOK_SECRET_<NAME> for `secretName` NAME), never in the graph; with no secret configured, nothing is sent. See docs/outputs.md to verify a signature.',
      'The URL is stored in the strategy in clear text and visible to anyone it is shared with: a URL that embeds a token (chat-service webhooks often do) is a credential, so do not publish such a strategy as a template. Addresses that resolve to loopback, private, link-local or other internal networks are refused when sending, unless the server sets TRADELOOM_WEBHOOK_ALLOW_PRIVATE=true (local development). Redirects are not followed.',
      'Placeholders in the message: {symbol}, {time} (ISO 8601 UTC), {bar}, {value}, {price} (at most 10 significant digits, n/a when unknown), {node}. An unknown placeholder is refused when the params are checked.',
      '`fired` is 1 on the bars that alert, else 0. No warm-up of its own.',
    ],
  },
  sink: { kind: 'webhook' },
  inputs: {
    when: { kind: 'bool', description: 'When to alert (see the mode). Unwired: every bar.', optional: true },
    value: { kind: 'number', description: 'A value to report, as {value}.', optional: true },
    price: { kind: 'price', description: 'A price to report, as {price}.', optional: true },
  },
  outputs: { fired: { kind: 'bool', description: 'True on the bars that alert.' } },
  params: WebhookAlertParams,
  warmup: () => 0,
  init: (_p, wired): AlertState => ({ ...emitState(wired.when), quiet: 0 }),
  // The fifth parameter (the context) puts the node in the per-bar phase, after which the engine records its event.
  step(s, p, input, out, _ctx) {
    // The condition is read every bar, quiet or not, so a rise or change is judged against the bar before.
    const due = emits(s, p.mode, input.when);
    if (s.quiet > 0) {
      s.quiet--;
      out.fired = 0;
      return;
    }
    if (due) s.quiet = p.cooldownBars;
    out.fired = bool(due);
  },
});
