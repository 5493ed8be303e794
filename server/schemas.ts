import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { DataChoice } from '../engine/data.ts';
import { Graph } from '../engine/graph.ts';
import { SecretName, webhookAlert } from '../nodes/output/webhookAlert/index.ts';
import { runStatuses } from './db/entities.ts';

// Response shapes for the OpenAPI document. Request bodies reuse the engine's own schemas, so the
// API can never accept a graph the compiler would read differently.

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

export const IdParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });

export const StrategySummary = z
  .object({
    id: z.uuid(),
    name: z.string(),
    version: z.number().int().describe('Number of the newest saved version (see /api/strategies/{id}/versions).'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('StrategySummary');

export const StrategyOut = StrategySummary.extend({ graph: z.record(z.string(), z.unknown()) }).openapi('Strategy');

/**
 * A graph as it is stored. Params are the compiler's business (a strategy may be saved half-built), but
 * one is checked on every save: a webhook alert's `secretName` names a server-held secret, and a secret
 * pasted there by mistake must never be stored (versions, exports and shared copies would keep it).
 */
export const StoredGraph = Graph.superRefine((graph, ctx) => {
  graph.nodes.forEach((node, i) => {
    if (node.type !== webhookAlert.type) return;
    const checked = SecretName.safeParse(node.params.secretName);
    if (!checked.success) ctx.addIssue({ code: 'custom', path: ['nodes', i, 'params', 'secretName'], message: checked.error.issues[0]!.message });
  });
});

export const StrategyCreate = z
  .object({ name: z.string().trim().min(1, 'give the strategy a name').max(200), graph: StoredGraph })
  .openapi('StrategyCreate');

export const StrategyUpdate = z
  .object({
    name: z.string().trim().min(1, 'give the strategy a name').max(200).optional(),
    graph: StoredGraph.optional(),
    message: z.string().trim().max(500).optional().describe('A note kept with the version this save creates.'),
    baseVersion: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe(
        'The version this graph was edited from. When the strategy has a newer version (saved from another tab or by someone else), the save is refused with 409 instead of silently undoing that version; send the save again without it to overwrite (the other version stays in the history).',
      ),
  })
  .openapi('StrategyUpdate');

export const CompileRequest = z.object({ graph: z.unknown() }).openapi('CompileRequest');

export const CompileErrorOut = z
  .object({
    code: z.string(),
    message: z.string(),
    nodeId: z.string().optional(),
    port: z.string().optional(),
    edgeId: z.string().optional(),
    path: z.array(z.union([z.string(), z.number()])),
  })
  .openapi('CompileError');

export const CompileResponse = z
  .union([z.object({ ok: z.literal(true), warmup: z.number().int() }), z.object({ ok: z.literal(false), errors: z.array(CompileErrorOut) })])
  .openapi('CompileResponse');

export const DatasetOut = z
  .object({ id: z.uuid(), name: z.string(), bars: z.number().int(), startTime: z.string(), endTime: z.string(), createdAt: z.string() })
  .openapi('Dataset');

export const RunCreate = z.strictObject({ strategyId: z.uuid(), data: DataChoice.optional() }).openapi('RunCreate');

export const RunOut = z
  .object({
    id: z.uuid(),
    strategyId: z.uuid(),
    status: z.enum(runStatuses),
    progress: z.number().min(0).max(1),
    barsDone: z.number().int(),
    barsTotal: z.number().int(),
    attempts: z.number().int(),
    error: z.string().nullable(),
    data: z.record(z.string(), z.unknown()).nullable(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    metrics: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi('Run');

export const Health = z
  .object({
    status: z.enum(['ok', 'degraded']),
    database: z.object({ ok: z.boolean(), kind: z.string(), error: z.string().optional() }),
    temporal: z.object({ ok: z.boolean(), address: z.string(), namespace: z.string(), error: z.string().optional() }),
  })
  .openapi('Health');

export const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

/**
 * Puts a Server-Sent Events route (served by `streamSSE`, outside `app.openapi`) into the API document:
 * `path` in OpenAPI form (`/api/runs/{id}/events`), what its events are in `description`.
 */
export function documentEventStream(app: OpenAPIHono, route: { path: string; tags: string[]; summary: string; description: string; what: string; query?: z.ZodObject }): void {
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: route.path,
    tags: route.tags,
    summary: route.summary,
    description: route.description,
    request: { params: IdParam, ...(route.query ? { query: route.query } : {}) },
    responses: {
      200: { description: 'A `text/event-stream` of the events above', content: { 'text/event-stream': { schema: z.string() } } },
      404: problemResponse(`No such ${route.what}`),
    },
  });
}

export const problemResponse = (description: string) => ({
  content: { 'application/problem+json': { schema: Problem } },
  description,
});
