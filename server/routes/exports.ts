import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { PlanNode } from '../../engine/compile.ts';
import { NodeId } from '../../engine/graph.ts';
import { csvExport, csvLabels, csvValuePorts, type CsvExportParams } from '../../nodes/output/csvExport/index.ts';
import { webhookAlert, type WebhookAlertParams } from '../../nodes/output/webhookAlert/index.ts';
import {
  AlertPayload,
  alertPayload,
  allowPrivateFromEnv,
  deliverWebhook,
  resolveWebhookSecret,
  WebhookConfigError,
  WebhookDeliveryError,
  type DeliveryOptions,
} from '../../workflows/webhooks.ts';
import { Run, RunResult } from '../db/entities.ts';
import type { AppDeps } from '../deps.ts';
import { notFound, problem } from '../problem.ts';
import { rateLimit } from '../rate-limit.ts';
import { json, problemResponse } from '../schemas.ts';

const tags = ['Exports'];

/** One row an output node emitted, as the backtest stored it (NaN values arrive as null through JSON). */
export const StoredEvent = z.object({
  nodeId: z.string(),
  kind: z.enum(['csv', 'webhook']),
  time: z.number(),
  bar: z.number().int(),
  symbol: z.string().optional(),
  values: z.record(z.string(), z.number().nullable()),
});
export type StoredEvent = z.infer<typeof StoredEvent>;

const StoredEvents = z.object({
  events: z.array(StoredEvent).default([]),
  eventsTruncated: z.array(z.string()).default([]),
});

const ExportParams = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }),
  file: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}\.csv$/, 'must be <nodeId>.csv')
    .openapi({ param: { name: 'file', in: 'path' }, description: 'The CSV export node’s id followed by `.csv`.', example: 'signals.csv' }),
});
const AlertParams = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }),
  // The engine's own node id schema (plain zod, so without OpenAPI extras): the path parameter is inferred.
  nodeId: NodeId,
});
const TestAlertRequest = z
  .object({ bar: z.number().int().min(0).optional().describe('Send the alert recorded at this bar index; default the last one the run recorded.') })
  .openapi('TestAlertRequest');
const TestAlertOut = z
  .object({
    deliveryId: z.string(),
    status: z.number().int().describe('The receiver’s 2xx status.'),
    attempts: z.number().int(),
    durationMs: z.number(),
    url: z.string(),
    payload: AlertPayload.describe('The JSON body sent (signed as sent).'),
  })
  .openapi('TestAlertResult');

// ---------------------------------------------------------------------------------------------------
// CSV

/**
 * One CSV text cell (RFC 4180): quoted when it holds a comma, a quote, a line break or edge spaces. A
 * cell a spreadsheet would evaluate as a formula gets a leading apostrophe, because exported labels and
 * symbols come from strategies that may have been shared by someone else.
 */
export function csvText(s: string): string {
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]|^\s|\s$/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A number cell: the shortest text that reads back to the same double; empty when unknown. */
export const csvNumber = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '' : String(v));

/** The columns of a CSV export: fixed ones, then `when` and each value input that has an edge. */
export function csvColumns(params: CsvExportParams, wired: Readonly<Record<string, boolean>>): { header: string[]; ports: string[] } {
  const labels = csvLabels(params);
  const ports = [...(wired.when ? ['when'] : []), ...csvValuePorts.filter((p) => wired[p])];
  return { header: ['time', 'symbol', 'bar', ...ports.map((p) => (p === 'when' ? 'when' : labels[p as keyof typeof labels]))], ports };
}

/** The CSV text of some events, row by row (CRLF line ends, as RFC 4180 has them). */
export function* csvLines(params: CsvExportParams, wired: Readonly<Record<string, boolean>>, events: readonly StoredEvent[]): Generator<string> {
  const { header, ports } = csvColumns(params, wired);
  yield `${header.map(csvText).join(',')}\r\n`;
  for (const e of events) {
    yield `${[new Date(e.time).toISOString(), csvText(e.symbol ?? ''), String(e.bar), ...ports.map((p) => csvNumber(e.values[p]))].join(',')}\r\n`;
  }
}

/** Stream lines in batches, so a 10 000-row export is neither one huge string nor 10 000 tiny writes. */
function streamLines(lines: Iterable<string>, batch = 500): ReadableStream<Uint8Array> {
  const it = lines[Symbol.iterator]();
  const encoder = new TextEncoder();
  return new ReadableStream({
    pull(controller) {
      let chunk = '';
      for (let i = 0; i < batch; i++) {
        const next = it.next();
        if (next.done) {
          if (chunk) controller.enqueue(encoder.encode(chunk));
          controller.close();
          return;
        }
        chunk += next.value;
      }
      controller.enqueue(encoder.encode(chunk));
    },
  });
}

// ---------------------------------------------------------------------------------------------------
// Routes

export interface ExportRouteOptions {
  /** Where signing secrets and the private-network switch are read (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Delivery of a test alert: a person is waiting, so fewer, quicker attempts than a live alert gets. */
  delivery?: DeliveryOptions;
}

type Found = { ok: true; node: PlanNode; events: StoredEvent[]; truncated: boolean; runId: string } | { ok: false; response: Response };

/**
 * Signal export download and test alerts, for finished runs. Backtests record what output nodes emit
 * (`BacktestResult.events`); these routes write them out as CSV or send one of them to the receiver.
 */
export function registerExportRoutes(app: OpenAPIHono, deps: AppDeps, options: ExportRouteOptions = {}): void {
  const env = options.env ?? process.env;
  const delivery: DeliveryOptions = { timeoutMs: 5_000, maxAttempts: 2, backoffMs: 500, ...options.delivery };

  /** The run (owner-scoped), its output node of the given type, and the rows that node recorded. */
  async function findSink(c: Context, runId: string, nodeId: string, type: string, what: string): Promise<Found> {
    const fork = deps.orm.em.fork();
    const run = await fork.findOne(Run, { id: runId, owner: deps.owner }, { exclude: ['metrics'] });
    if (!run) return { ok: false, response: notFound(c, 'The run') };
    // The run's own graph snapshot, compiled as the backtest compiled it (params migrated and parsed).
    const compiled = await deps.customNodes.compile(fork, deps.owner, run.graph);
    if (!compiled.ok) return { ok: false, response: problem(c, 422, 'The run no longer compiles', compiled.errors.map((e) => e.message).join('; ')) };
    const node = compiled.plan.nodes.find((n) => n.id === nodeId);
    if (!node) return { ok: false, response: problem(c, 404, 'Not found', `The run's strategy has no node "${nodeId}".`) };
    if (node.def.type !== type) return { ok: false, response: problem(c, 404, 'Not found', `Node "${nodeId}" (${node.def.title}) is not ${what}.`) };
    const stored = await fork.findOne(RunResult, { run: run.id });
    if (!stored) return { ok: false, response: problem(c, 404, 'No result yet', `The run is ${run.status}; its exports exist only once it has succeeded.`) };
    const parsed = StoredEvents.safeParse(stored.result);
    if (!parsed.success) {
      deps.log.error({ runId, issues: parsed.error.issues.slice(0, 3) }, 'stored run events do not match their schema');
      return { ok: false, response: problem(c, 500, 'Internal error', 'The run’s recorded events could not be read. The error was logged.') };
    }
    const events = parsed.data.events.filter((e) => e.nodeId === nodeId);
    return { ok: true, node, events, truncated: parsed.data.eventsTruncated.includes(nodeId), runId: run.id };
  }

  app.openapi(
    createRoute({
      method: 'get', path: '/api/runs/{id}/exports/{file}', tags, summary: 'Download a signal export as CSV',
      description:
        'The rows a CSV export node (`output.csvExport`) recorded in a finished run, streamed as `text/csv` (UTF-8, RFC 4180, CRLF). Columns: `time` (ISO 8601 UTC, the bar’s open time), `symbol`, `bar`, `when` if wired, then one column per wired value input headed by its label. ' +
        'Unknown values are empty cells. At most 10 000 rows per node are recorded; `X-Tradeloom-Truncated: true` says later rows were dropped.',
      request: { params: ExportParams },
      responses: {
        200: {
          content: { 'text/csv': { schema: z.string() } },
          description: 'The CSV file',
          headers: z.object({
            'X-Tradeloom-Rows': z.string().describe('Rows in the file, header excluded.'),
            'X-Tradeloom-Truncated': z.enum(['true', 'false']).describe('Whether the node recorded more rows than are kept.'),
          }),
        },
        404: problemResponse('No such run, node or CSV export node, or the run has not finished'),
        422: problemResponse('The run’s graph no longer compiles'),
      },
    }),
    async (c) => {
      const { id, file } = c.req.valid('param');
      const nodeId = file.slice(0, -'.csv'.length);
      const found = await findSink(c, id, nodeId, csvExport.type, 'a CSV export');
      if (!found.ok) return found.response;
      const params = found.node.params as CsvExportParams;
      return c.body(streamLines(csvLines(params, found.node.wired, found.events)), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${params.name}.csv"`,
        'x-tradeloom-rows': String(found.events.length),
        'x-tradeloom-truncated': String(found.truncated),
        // A finished run's rows never change, but they are one owner's data.
        'cache-control': 'private, max-age=3600',
      });
    },
  );

  const alertPath = '/api/runs/:id/exports/:nodeId/test-alert';
  // Each test alert is an outbound request to an address the user chose: keep them few.
  app.use(alertPath, rateLimit({ limit: 20, windowMs: 60_000, key: () => `test-alert:${deps.owner}` }));
  app.use(alertPath, bodyLimit({ maxSize: 4 * 1024, onError: (c) => problem(c, 413, 'Too large', 'A test-alert request may be at most 4 KB.') }));

  app.openapi(
    createRoute({
      method: 'post', path: '/api/runs/{id}/exports/{nodeId}/test-alert', tags, summary: 'Send one test alert to a webhook alert node’s URL',
      description:
        'Backtests record alerts instead of sending them. This sends one of the alerts a finished run recorded for a webhook alert node (`output.webhookAlert`) — the last one, or the one at `bar` — to the node’s URL, ' +
        'signed like a real alert and marked `"test": true`, so you can check your receiver. Each call is a new delivery with its own delivery id. Retries once on a 5xx or network error; redirects are not followed; internal addresses are refused unless the server allows them.',
      request: { params: AlertParams, body: { content: { 'application/json': { schema: TestAlertRequest } }, required: false } },
      responses: {
        200: json(TestAlertOut, 'Delivered: the receiver answered 2xx'),
        404: problemResponse('No such run, node or webhook alert node, or the run has not finished, or no alert at that bar'),
        409: problemResponse('The node recorded no alert in this run, so there is nothing to send'),
        422: problemResponse('The URL is refused (internal address) or no signing secret is configured for the node'),
        429: problemResponse('Too many test alerts'),
        502: problemResponse('The receiver refused the alert, failed or did not answer'),
      },
    }),
    async (c) => {
      const { id, nodeId } = c.req.valid('param');
      const body = (c.req.header('content-type') ? c.req.valid('json') : undefined) ?? {};
      const found = await findSink(c, id, nodeId, webhookAlert.type, 'a webhook alert');
      if (!found.ok) return found.response;
      if (found.events.length === 0) {
        return problem(c, 409, 'Nothing to send', `Node "${nodeId}" recorded no alert in this run: its condition never fired. Run the strategy on data where it fires, or loosen the condition.`);
      }
      const event = body.bar === undefined ? found.events.at(-1)! : found.events.find((e) => e.bar === body.bar);
      if (!event) return problem(c, 404, 'Not found', `Node "${nodeId}" recorded no alert at bar ${body.bar}.`, { errors: [{ path: 'body.bar', message: 'no alert recorded at this bar' }] });
      const params = found.node.params as WebhookAlertParams;
      const paramPath = (p: string) => `graph.nodes.${nodeId}.params.${p}`;
      let secret: string;
      try {
        secret = resolveWebhookSecret(params.secretName, env);
      } catch (err) {
        if (err instanceof WebhookConfigError) return problem(c, 422, 'No signing secret', `Alerts are signed, and ${err.message}.`, { errors: [{ path: paramPath('secretName'), message: err.message }] });
        throw err;
      }
      // A test is its own delivery: a receiver that dropped an earlier test as a duplicate must see this one.
      const deliveryId = crypto.randomUUID();
      const payload = alertPayload({ deliveryId, runId: found.runId, template: params.message, event, test: true });
      try {
        const receipt = await deliverWebhook({ url: params.url, body: payload, secret, deliveryId }, { allowPrivateNetworks: allowPrivateFromEnv(env), ...delivery });
        deps.log.info({ runId: found.runId, nodeId, deliveryId, status: receipt.status }, 'test alert delivered');
        return c.json({ ...receipt, url: params.url, payload }, 200);
      } catch (err) {
        if (!(err instanceof WebhookDeliveryError)) throw err;
        deps.log.info({ runId: found.runId, nodeId, deliveryId, code: err.code, status: err.status }, 'test alert not delivered');
        if (err.code === 'refused_address') return problem(c, 422, 'URL refused', err.message, { errors: [{ path: paramPath('url'), message: err.message }] });
        return problem(c, 502, 'Alert not delivered', err.message, { code: err.code, receiverStatus: err.status ?? null, attempts: err.attempts, deliveryId });
      }
    },
  );
}
