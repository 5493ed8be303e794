import { createHash } from 'node:crypto';
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { BacktestSettings } from '../../engine/graph.ts';
import type { AppDeps } from '../deps.ts';
import { CompileRequest, CompileResponse, Health, json } from '../schemas.ts';

let settingsJson: Record<string, unknown> | undefined;
const settingsSchema = () => (settingsJson ??= z.toJSONSchema(BacktestSettings, { io: 'input' }) as Record<string, unknown>);

/**
 * The catalog as JSON text with its ETag, serialised once per catalog object: the built-in registry's
 * catalog is one cached object, so without custom nodes every request reuses the same ~165 KB of text.
 * (With custom nodes each request builds a new object; that costs one serialisation, as before.)
 */
const catalogBodies = new WeakMap<object, { body: string; etag: string }>();
function catalogBody(catalog: object): { body: string; etag: string } {
  let cached = catalogBodies.get(catalog);
  if (!cached) {
    const body = JSON.stringify({ ...catalog, settingsSchema: settingsSchema() });
    cached = { body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
    catalogBodies.set(catalog, cached);
  }
  return cached;
}

export function registerSystemRoutes(app: OpenAPIHono, deps: AppDeps): void {
  app.openapi(
    createRoute({ method: 'get', path: '/api/health', tags: ['System'], summary: 'Database and Temporal status', responses: { 200: json(Health, 'All up'), 503: json(Health, 'Something is down') } }),
    async (c) => {
      const [database, temporal] = await Promise.all([
        deps.orm.em
          .fork()
          .getConnection()
          .execute('select 1')
          .then(() => ({ ok: true, kind: deps.dbKind }))
          .catch((err: Error) => ({ ok: false, kind: deps.dbKind, error: err.message })),
        deps.temporal.health(),
      ]);
      const ok = database.ok && temporal.ok;
      return c.json({ status: ok ? ('ok' as const) : ('degraded' as const), database, temporal }, ok ? 200 : 503);
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/nodes', tags: ['Nodes'], summary: 'The node catalog',
      description: 'Every node type with its ports, params JSON Schema, defaults and docs, straight from the registry (built-ins, then your custom nodes at their latest version, category `custom`), plus the JSON Schema of the backtest settings (cash, commission, slippage).',
      responses: { 200: json(z.object({ portKinds: z.record(z.string(), z.unknown()), nodes: z.array(z.record(z.string(), z.unknown())), settingsSchema: z.record(z.string(), z.unknown()) }), 'The catalog') },
    }),
    async (c) => {
      const { body, etag } = catalogBody(await deps.customNodes.catalog(deps.orm.em.fork(), deps.owner));
      // The editor asks on every start; an unchanged catalog (the usual case) costs a 304 and no body.
      const headers = { etag, 'cache-control': 'no-cache' };
      if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers) as never;
      return c.body(body, 200, { ...headers, 'content-type': 'application/json' }) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'post', path: '/api/compile', tags: ['Nodes'], summary: 'Check a graph without running it',
      description: 'Returns every compile error with the node, port and JSON path concerned, so the editor can mark them on the canvas.',
      request: { body: { content: { 'application/json': { schema: CompileRequest } }, required: true } },
      responses: { 200: json(CompileResponse, 'Compiled, or the errors found') },
    }),
    async (c) => {
      const result = await deps.customNodes.compile(deps.orm.em.fork(), deps.owner, c.req.valid('json').graph);
      return c.json(result.ok ? { ok: true as const, warmup: result.plan.warmup } : { ok: false as const, errors: result.errors }, 200);
    },
  );
}
