import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { Deployment, Strategy, StrategyVersion } from '../db/entities.ts';
import type { AppDeps } from '../deps.ts';
import { notFound, problem, zodProblems } from '../problem.ts';
import { IdParam, json, list, problemResponse, StrategyCreate, StrategyOut, StrategySummary, StrategyUpdate } from '../schemas.ts';
import { appendVersion, createStrategy, ensureFirstVersion, escapeLike, latestVersion, lockStrategy, sameDocument, strategyOut, uniqueName } from '../strategy-store.ts';
import { DuplicateRequest, ExportQuery, exportFormat, StrategyExport, StrategyListQuery } from './strategy-schemas.ts';
import { registerStrategyVersionRoutes } from './strategy-versions.ts';

const tags = ['Strategies'];

// Re-exported for the template routes, which answer with the same shape.
export { strategyOut };

/** `Golden cross #2` → `golden-cross-2`: a file name that is safe everywhere; the exact name rides in `filename*`. */
export function fileSlug(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  return slug || 'strategy';
}

export function registerStrategyRoutes(app: OpenAPIHono, deps: AppDeps): void {
  const em = () => deps.orm.em.fork();
  const find = (id: string) => em().findOne(Strategy, { id, owner: deps.owner });

  app.openapi(
    createRoute({
      method: 'get', path: '/api/strategies', tags, summary: 'List strategies', request: { query: StrategyListQuery },
      responses: { 200: json(list(StrategySummary), 'Strategies, most recently changed first'), 400: problemResponse('Invalid query') },
    }),
    async (c) => {
      const { q } = c.req.valid('query');
      const where = q ? { owner: deps.owner, name: { $ilike: `%${escapeLike(q)}%` } } : { owner: deps.owner };
      // Two strategies changed in the same millisecond (an import of several) keep one order between calls.
      const rows = await em().find(Strategy, where, { orderBy: { updatedAt: 'desc', createdAt: 'desc', id: 'asc' }, fields: ['id', 'name', 'latestVersion', 'createdAt', 'updatedAt'] });
      return c.json(
        { items: rows.map((s) => ({ id: s.id, name: s.name, version: s.latestVersion, createdAt: s.createdAt.toISOString(), updatedAt: s.updatedAt.toISOString() })) },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post', path: '/api/strategies', tags, summary: 'Create a strategy',
      description: 'Also writes the strategy’s version 1.',
      request: { body: { content: { 'application/json': { schema: StrategyCreate } }, required: true } },
      responses: { 201: json(StrategyOut, 'Created'), 400: problemResponse('Invalid strategy') },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const fork = em();
      const s = createStrategy(fork, { owner: deps.owner, name: body.name, graph: body.graph as Record<string, unknown> });
      await fork.flush();
      return c.json(strategyOut(s), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post', path: '/api/strategies/import', tags, summary: 'Import a strategy file',
      description:
        'Reads a document written by the export route. The graph is checked against the graph schema (it is not compiled). A name already in use gets “(imported)” appended.',
      request: { body: { content: { 'application/json': { schema: StrategyExport } }, required: true } },
      responses: { 201: json(StrategyOut, 'Imported as a new strategy'), 400: problemResponse('Not a valid strategy file') },
    }),
    async (c) => {
      const doc = c.req.valid('json');
      const fork = em();
      const name = await uniqueName(fork, deps.owner, doc.name, 'imported');
      const s = createStrategy(fork, {
        owner: deps.owner,
        name,
        graph: doc.graph as Record<string, unknown>,
        description: doc.description,
        message: doc.exportedAt ? `Imported from a file exported ${doc.exportedAt}` : 'Imported from a file',
      });
      await fork.flush();
      return c.json(strategyOut(s), 201);
    },
    // The import route's own validation hook: the same problem shape, but saying the file is what is wrong.
    (result, c) => {
      if (!result.success) {
        const errors = zodProblems(result.error, 'body');
        return problem(c, 400, 'Invalid strategy file', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
      }
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
      method: 'put', path: '/api/strategies/{id}', tags, summary: 'Rename a strategy or save its graph',
      description:
        'A body with a graph is a save: it appends a new immutable version unless the name and graph equal the newest version’s and no message is given. With `baseVersion`, a save that would replace a newer version than the one it was edited from is refused (409). A body with only a name renames without a new version.',
      request: { params: IdParam, body: { content: { 'application/json': { schema: StrategyUpdate } }, required: true } },
      responses: {
        200: json(StrategyOut, 'Updated'),
        400: problemResponse('Invalid update'),
        404: problemResponse('No such strategy'),
        409: problemResponse('The strategy has a newer version than `baseVersion` (its number is in `latestVersion`)'),
        422: problemResponse('`baseVersion` is not a version of the strategy (newer than its newest)'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      let conflict: number | null = null;
      let noSuchBase: number | null = null;
      const saved = await em().transactional(async (tx) => {
        const s = await lockStrategy(tx, id, deps.owner);
        if (!s) return null;
        // A version that does not exist yet was never loaded: a client bug, not an edit made elsewhere.
        if (body.baseVersion !== undefined && body.baseVersion > s.latestVersion) {
          noSuchBase = s.latestVersion;
          return null;
        }
        // Under the row lock, so of two saves made from the same version exactly one goes through. A save
        // of what the newest version already holds loses nothing, and goes through.
        const behind = body.baseVersion !== undefined && s.latestVersion !== body.baseVersion;
        await ensureFirstVersion(tx, s);
        if (body.graph === undefined) {
          if (body.name !== undefined) s.name = body.name;
          return s;
        }
        const latest = await latestVersion(tx, s);
        const name = body.name ?? s.name, graph = body.graph as Record<string, unknown>;
        const unchanged = latest.name === name && sameDocument(latest.graph, graph);
        if (behind && !unchanged) {
          conflict = s.latestVersion;
          return null;
        }
        s.name = name;
        s.graph = graph;
        if (!unchanged || body.message) appendVersion(tx, s, { description: latest.description ?? null, message: body.message || null });
        return s;
      });
      if (noSuchBase !== null) {
        return problem(c, 422, 'No such version', `baseVersion ${body.baseVersion} is not a version of this strategy: its newest is ${noSuchBase}.`, { latestVersion: noSuchBase, errors: [{ path: 'body.baseVersion', message: `the newest version is ${noSuchBase}` }] });
      }
      if (conflict !== null) {
        return problem(c, 409, 'Saved elsewhere since', `The strategy was saved as version ${conflict} since version ${body.baseVersion}, which this edit started from: load version ${conflict}, or save again to replace it (it stays in the history).`, { latestVersion: conflict });
      }
      return saved ? c.json(strategyOut(saved), 200) : notFound(c, 'The strategy');
    },
  );

  app.openapi(
    createRoute({
      method: 'post', path: '/api/strategies/{id}/duplicate', tags, summary: 'Duplicate a strategy',
      description: 'Copies the newest version into a new strategy whose history starts at version 1.',
      request: { params: IdParam, body: { content: { 'application/json': { schema: DuplicateRequest } }, required: false } },
      responses: { 201: json(StrategyOut, 'The copy'), 400: problemResponse('Invalid request'), 404: problemResponse('No such strategy') },
    }),
    async (c) => {
      const fork = em();
      const source = await fork.findOne(Strategy, { id: c.req.valid('param').id, owner: deps.owner });
      if (!source) return notFound(c, 'The strategy');
      const body = c.req.valid('json') ?? {};
      const from = source.latestVersion > 0 ? await fork.findOne(StrategyVersion, { strategy: source, number: source.latestVersion }) : null;
      const name = body.name ?? (await uniqueName(fork, deps.owner, source.name, 'copy', true));
      const copy = createStrategy(fork, {
        owner: deps.owner,
        name,
        graph: structuredClone(source.graph),
        description: from?.description ?? null,
        message: `Duplicated from “${source.name}”${from ? ` version ${from.number}` : ''}`.slice(0, 500),
      });
      await fork.flush();
      return c.json(strategyOut(copy), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/strategies/{id}/export', tags, summary: 'Export a strategy as a file',
      description: 'Answers with `Content-Disposition: attachment`, so a browser link downloads it. Import it again with POST /api/strategies/import.',
      request: { params: IdParam, query: ExportQuery },
      responses: { 200: json(StrategyExport, 'The strategy file'), 400: problemResponse('Invalid request'), 404: problemResponse('No such strategy or version') },
    }),
    async (c) => {
      const fork = em();
      const s = await fork.findOne(Strategy, { id: c.req.valid('param').id, owner: deps.owner });
      if (!s) return notFound(c, 'The strategy');
      const { version } = c.req.valid('query');
      const number = version ?? s.latestVersion;
      const v = number > 0 ? await fork.findOne(StrategyVersion, { strategy: s, number }) : null;
      if (version !== undefined && !v) return notFound(c, `Version ${version} of the strategy`);
      // The newest version carries the same graph as the strategy; only an explicit version picks an older one.
      const doc: StrategyExport = {
        format: exportFormat,
        formatVersion: 1,
        name: version !== undefined && v ? v.name : s.name,
        description: v?.description ?? null,
        graph: (version !== undefined && v ? v.graph : s.graph) as StrategyExport['graph'],
        exportedAt: new Date().toISOString(),
      };
      const base = `${fileSlug(doc.name)}${version !== undefined ? `-v${version}` : ''}`;
      const disposition = `attachment; filename="${base}.json"; filename*=UTF-8''${encodeURIComponent(`${doc.name}${version !== undefined ? ` v${version}` : ''}.json`)}`;
      return c.json(doc, 200, { 'content-disposition': disposition });
    },
  );

  app.openapi(
    createRoute({
      method: 'delete', path: '/api/strategies/{id}', tags, summary: 'Delete a strategy, its versions, its runs and its stopped deployments',
      description:
        'Refused (409) while a deployment of it is running or paused: deleting went on to delete that deployment too, with its orders, fills and journal, ' +
        'while the venue kept its position. Stop those deployments first; the problem lists them. Stopped deployments are deleted with the strategy.',
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, 404: problemResponse('No such strategy'), 409: problemResponse('A running or paused deployment trades it (`deployments` lists them)') },
    }),
    async (c) => {
      const id = c.req.valid('param').id;
      const fork = em();
      const active = await fork.find(Deployment, { owner: deps.owner, strategy: id, status: { $in: ['running', 'paused'] } }, { fields: ['id', 'name', 'mode', 'status'], orderBy: { createdAt: 'asc' } });
      if (active.length) {
        const names = active.map((d) => `"${d.name}" (${d.mode}, ${d.status})`).join('; ');
        const one = active.length === 1;
        return problem(c, 409, 'Strategy in use', `${one ? 'A deployment' : `${active.length} deployments`} of this strategy ${one ? 'is' : 'are'} still trading: ${names}. Stop ${one ? 'it' : 'them'} first.`, {
          deployments: active.map((d) => ({ id: d.id, name: d.name, mode: d.mode, status: d.status })),
        });
      }
      const deleted = await fork.nativeDelete(Strategy, { id, owner: deps.owner });
      return deleted ? c.body(null, 204) : notFound(c, 'The strategy');
    },
  );

  registerStrategyVersionRoutes(app, deps);
}
