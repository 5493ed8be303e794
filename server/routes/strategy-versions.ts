import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { StrategyVersion, type Strategy } from '../db/entities.ts';
import type { AppDeps } from '../deps.ts';
import { notFound } from '../problem.ts';
import { IdParam, json, list, problemResponse, StrategyOut } from '../schemas.ts';
import { appendVersion, ensureFirstVersion, latestVersion, lockStrategy, strategyOut } from '../strategy-store.ts';
import { RestoreRequest, StrategyVersionOut, StrategyVersionSummary, VersionParams } from './strategy-schemas.ts';

const tags = ['Strategy versions'];

interface VersionRow {
  number: number;
  name: string;
  message: string | null;
  restored_from: number | null;
  node_count: number;
  edge_count: number;
  created_at: Date | string;
}

const iso = (d: Date | string) => (d instanceof Date ? d : new Date(d)).toISOString();

function countOf(graph: Record<string, unknown>, key: 'nodes' | 'edges'): number {
  const items = graph[key];
  return Array.isArray(items) ? items.length : 0;
}

function versionOut(s: Strategy, v: StrategyVersion) {
  return {
    strategyId: s.id,
    number: v.number,
    name: v.name,
    description: v.description ?? null,
    message: v.message ?? null,
    restoredFrom: v.restoredFrom ?? null,
    nodeCount: countOf(v.graph, 'nodes'),
    edgeCount: countOf(v.graph, 'edges'),
    graph: v.graph,
    createdAt: v.createdAt.toISOString(),
  };
}

/** History of a strategy: list, read and restore its immutable versions. */
export function registerStrategyVersionRoutes(app: OpenAPIHono, deps: AppDeps): void {
  const em = () => deps.orm.em.fork();

  /** The owner's strategy, with its pre-history recorded as version 1 if it had none; null if not theirs. */
  const strategyWithHistory = (id: string) =>
    em().transactional(async (tx) => {
      const s = await lockStrategy(tx, id, deps.owner);
      if (s) await ensureFirstVersion(tx, s);
      return s;
    });

  app.openapi(
    createRoute({
      method: 'get', path: '/api/strategies/{id}/versions', tags, summary: 'List the versions of a strategy', request: { params: IdParam },
      responses: { 200: json(list(StrategyVersionSummary), 'Versions, newest first'), 404: problemResponse('No such strategy') },
    }),
    async (c) => {
      const s = await strategyWithHistory(c.req.valid('param').id);
      if (!s) return notFound(c, 'The strategy');
      // Counted in the database: a long history of large graphs should not be shipped here only to be counted.
      const rows = (await em()
        .getConnection()
        .execute(
          `select "number", "name", "message", "restored_from",
             jsonb_array_length(coalesce("graph"->'nodes', '[]'::jsonb)) as "node_count",
             jsonb_array_length(coalesce("graph"->'edges', '[]'::jsonb)) as "edge_count", "created_at"
           from "strategy_versions" where "strategy_id" = ? and "owner" = ? order by "number" desc`,
          [s.id, deps.owner],
        )) as VersionRow[];
      const items = rows.map((r) => ({
        number: Number(r.number),
        name: r.name,
        message: r.message,
        restoredFrom: r.restored_from === null ? null : Number(r.restored_from),
        nodeCount: Number(r.node_count),
        edgeCount: Number(r.edge_count),
        createdAt: iso(r.created_at),
      }));
      return c.json({ items }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/strategies/{id}/versions/{number}', tags, summary: 'Get one version of a strategy', request: { params: VersionParams },
      responses: { 200: json(StrategyVersionOut, 'The version, with its graph'), 400: problemResponse('Invalid version number'), 404: problemResponse('No such strategy or version') },
    }),
    async (c) => {
      const { id, number } = c.req.valid('param');
      const s = await strategyWithHistory(id);
      if (!s) return notFound(c, 'The strategy');
      const v = await em().findOne(StrategyVersion, { strategy: s.id, owner: deps.owner, number });
      return v ? c.json(versionOut(s, v), 200) : notFound(c, `Version ${number} of the strategy`);
    },
  );

  app.openapi(
    createRoute({
      method: 'post', path: '/api/strategies/{id}/versions/{number}/restore', tags, summary: 'Restore a version',
      description:
        'Appends a new version whose graph equals the chosen one’s; the versions in between stay in the history. The strategy keeps its current name.',
      request: { params: VersionParams, body: { content: { 'application/json': { schema: RestoreRequest } }, required: false } },
      responses: { 201: json(StrategyOut, 'The strategy, now at the new version'), 400: problemResponse('Invalid request'), 404: problemResponse('No such strategy or version') },
    }),
    async (c) => {
      const { id, number } = c.req.valid('param');
      const body = c.req.valid('json') ?? {};
      const outcome = await em().transactional(async (tx) => {
        const s = await lockStrategy(tx, id, deps.owner);
        if (!s) return { missing: 'The strategy' };
        await ensureFirstVersion(tx, s);
        const old = await tx.findOne(StrategyVersion, { strategy: s, number });
        if (!old) return { missing: `Version ${number} of the strategy` };
        const latest = await latestVersion(tx, s);
        s.graph = structuredClone(old.graph);
        appendVersion(tx, s, { description: latest.description ?? null, message: body.message || `Restored from version ${number}`, restoredFrom: number });
        return { strategy: s };
      });
      return 'strategy' in outcome && outcome.strategy ? c.json(strategyOut(outcome.strategy), 201) : notFound(c, outcome.missing ?? 'The strategy');
    },
  );
}
