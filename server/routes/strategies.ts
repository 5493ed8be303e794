import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { Strategy } from '../db/entities.ts';
import type { AppDeps } from '../deps.ts';
import { notFound } from '../problem.ts';
import { IdParam, json, list, problemResponse, StrategyCreate, StrategyOut, StrategySummary, StrategyUpdate } from '../schemas.ts';

const tags = ['Strategies'];

export function strategyOut(s: Strategy) {
  return { id: s.id, name: s.name, graph: s.graph, createdAt: s.createdAt.toISOString(), updatedAt: s.updatedAt.toISOString() };
}

export function registerStrategyRoutes(app: OpenAPIHono, deps: AppDeps): void {
  const em = () => deps.orm.em.fork();
  const find = (id: string) => em().findOne(Strategy, { id, owner: deps.owner });

  app.openapi(
    createRoute({ method: 'get', path: '/api/strategies', tags, summary: 'List strategies', responses: { 200: json(list(StrategySummary), 'Strategies, most recently changed first') } }),
    async (c) => {
      const rows = await em().find(Strategy, { owner: deps.owner }, { orderBy: { updatedAt: 'desc' }, fields: ['id', 'name', 'createdAt', 'updatedAt'] });
      return c.json({ items: rows.map((s) => ({ id: s.id, name: s.name, createdAt: s.createdAt.toISOString(), updatedAt: s.updatedAt.toISOString() })) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post', path: '/api/strategies', tags, summary: 'Create a strategy',
      request: { body: { content: { 'application/json': { schema: StrategyCreate } }, required: true } },
      responses: { 201: json(StrategyOut, 'Created'), 400: problemResponse('Invalid strategy') },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const fork = em();
      const s = fork.create(Strategy, { owner: deps.owner, name: body.name, graph: body.graph as Record<string, unknown> });
      await fork.flush();
      return c.json(strategyOut(s), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/strategies/{id}', tags, summary: 'Get a strategy', request: { params: IdParam },
      responses: { 200: json(StrategyOut, 'The strategy'), 404: problemResponse('No such strategy') },
    }),
    async (c) => {
      const s = await find(c.req.valid('param').id);
      return s ? c.json(strategyOut(s), 200) : notFound(c, 'The strategy');
    },
  );

  app.openapi(
    createRoute({
      method: 'put', path: '/api/strategies/{id}', tags, summary: 'Rename a strategy or replace its graph',
      request: { params: IdParam, body: { content: { 'application/json': { schema: StrategyUpdate } }, required: true } },
      responses: { 200: json(StrategyOut, 'Updated'), 400: problemResponse('Invalid update'), 404: problemResponse('No such strategy') },
    }),
    async (c) => {
      const fork = em();
      const s = await fork.findOne(Strategy, { id: c.req.valid('param').id, owner: deps.owner });
      if (!s) return notFound(c, 'The strategy');
      const body = c.req.valid('json');
      if (body.name !== undefined) s.name = body.name;
      if (body.graph !== undefined) s.graph = body.graph as Record<string, unknown>;
      await fork.flush();
      return c.json(strategyOut(s), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete', path: '/api/strategies/{id}', tags, summary: 'Delete a strategy and its runs', request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, 404: problemResponse('No such strategy') },
    }),
    async (c) => {
      const deleted = await em().nativeDelete(Strategy, { id: c.req.valid('param').id, owner: deps.owner });
      return deleted ? c.body(null, 204) : notFound(c, 'The strategy');
    },
  );
}
