import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { EntityManager } from '@mikro-orm/core';
import { bodyLimit } from 'hono/body-limit';
import { DataError } from '../../engine/bars.ts';
import { parseOhlcvCsv } from '../../engine/csv.ts';
import { resolveSymbols } from '../../engine/data.ts';
import type { DataRequest } from '../../nodes/contract.ts';
import { Dataset } from '../db/entities.ts';
import type { AppDeps } from '../deps.ts';
import { notFound, problem } from '../problem.ts';
import { DatasetOut, IdParam, json, list, problemResponse } from '../schemas.ts';

const tags = ['Datasets'];
const maxCsvBytes = 64 * 1024 * 1024;

function datasetOut(d: Dataset) {
  return { id: d.id, name: d.name, bars: d.bars, startTime: d.startTime.toISOString(), endTime: d.endTime.toISOString(), createdAt: d.createdAt.toISOString() };
}

export function registerDatasetRoutes(app: OpenAPIHono, deps: AppDeps): void {
  app.openapi(
    createRoute({ method: 'get', path: '/api/datasets', tags, summary: 'List uploaded datasets', responses: { 200: json(list(DatasetOut), 'Datasets, newest first') } }),
    async (c) => {
      const rows = await deps.orm.em.fork().find(Dataset, { owner: deps.owner }, { orderBy: { createdAt: 'desc' } });
      return c.json({ items: rows.map(datasetOut) }, 200);
    },
  );

  app.use('/api/datasets', bodyLimit({ maxSize: maxCsvBytes, onError: (c) => problem(c, 413, 'CSV too large', `Upload at most ${maxCsvBytes / 1024 / 1024} MB.`) }));
  app.openapi(
    createRoute({
      method: 'post', path: '/api/datasets', tags, summary: 'Upload an OHLCV CSV',
      description: 'The request body is the CSV itself (header row with time, open, high, low, close and optional volume). Every row is validated; a bad file is refused with the line and column.',
      request: {
        query: z.object({ name: z.string().trim().min(1).max(200).optional() }),
        body: { content: { 'text/csv': { schema: z.string() } }, required: true },
      },
      responses: { 201: json(DatasetOut, 'Stored'), 422: problemResponse('The CSV is not usable'), 413: problemResponse('Too large') },
    }),
    async (c) => {
      const text = await c.req.text();
      let bars;
      try {
        bars = parseOhlcvCsv(text);
      } catch (err) {
        if (err instanceof DataError) return problem(c, 422, 'Unusable CSV', err.message, { errors: [{ path: 'body', message: err.message }] });
        throw err;
      }
      const em = deps.orm.em.fork();
      const n = bars.time.length;
      const d = em.create(Dataset, {
        owner: deps.owner,
        name: c.req.valid('query').name ?? `Upload ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`,
        csv: text,
        bars: n,
        startTime: new Date(bars.time[0]!),
        endTime: new Date(bars.time[n - 1]!),
      });
      await em.flush();
      return c.json(datasetOut(d), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete', path: '/api/datasets/{id}', tags, summary: 'Delete an uploaded dataset',
      description: 'Past runs keep their results; a strategy whose CSV node still names this dataset fails to run with a message saying so.',
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, 404: problemResponse('No such dataset') },
    }),
    async (c) => {
      const deleted = await deps.orm.em.fork().nativeDelete(Dataset, { id: c.req.valid('param').id, owner: deps.owner });
      return deleted ? c.body(null, 204) : notFound(c, 'The dataset');
    },
  );
}

/** Where a request came from, for the path of a problem: the run's data choice, or the graph's data node. */
export interface RequestOrigin {
  fromChoice: boolean;
  nodeId: string;
}

export type ResolvedDatasets =
  | { ok: true; request: DataRequest; bars: number }
  | { ok: false; title: string; detail: string; path: string; message: string };

/**
 * Check, before a run starts, that every dataset a request reads exists and belongs to `owner`, and fill
 * in each basket symbol from its dataset's name, so the stored run says exactly which symbols it traded.
 * `bars` is the length of the data, or for a basket the most it can be: the union of its files' times
 * lies between the longest file and all of them together, and is known only once the files are read,
 * which is the run's work, not a request's (a basket may hold a hundred large files). So a research
 * request is refused only for windows no union of these files could hold; the run lays them out again
 * on the union itself and fails with the reason if they do not fit there.
 */
export async function resolveDatasets(em: EntityManager, owner: string, request: DataRequest, origin: RequestOrigin): Promise<ResolvedDatasets> {
  if (request.kind === 'synthetic') return { ok: true, request, bars: request.bars };
  const ids = request.kind === 'dataset' ? [request.datasetId] : request.datasets.map((d) => d.datasetId);
  const valid = ids.filter((id) => z.uuid().safeParse(id).success);
  const rows = valid.length ? await em.find(Dataset, { id: { $in: valid }, owner }, { fields: ['id', 'name', 'bars'] }) : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const missing = ids.findIndex((id) => !byId.has(id));
  if (request.kind === 'dataset') {
    if (missing < 0) return { ok: true, request, bars: byId.get(request.datasetId)!.bars };
    const path = origin.fromChoice ? 'body.data.datasetId' : `graph.nodes.${origin.nodeId}.params.dataset`;
    return { ok: false, title: 'Dataset not found', detail: `The dataset "${request.datasetId}" does not exist; upload a CSV or pick another.`, path, message: 'no such dataset' };
  }
  const at = (i: number, field: string) => (origin.fromChoice ? `body.data.datasets.${i}.${field}` : `graph.nodes.${origin.nodeId}.params.datasets.${i}.${field}`);
  if (missing >= 0) {
    return { ok: false, title: 'Dataset not found', detail: `The basket's dataset ${missing + 1}, "${ids[missing]}", does not exist; upload a CSV or pick another.`, path: at(missing, 'datasetId'), message: 'no such dataset' };
  }
  const names = ids.map((id) => byId.get(id)!.name);
  const { symbols, clash } = resolveSymbols(request.datasets, names);
  if (clash) {
    const [a, b] = clash;
    // The later of the two is the one to rename.
    return { ok: false, title: 'Duplicate symbols', detail: `Datasets "${names[a]}" and "${names[b]}" would both trade as symbol "${symbols[b]}"; give one of them a symbol of its own.`, path: at(b, 'symbol'), message: `symbol "${symbols[b]}" is already used` };
  }
  const datasets = request.datasets.map((d, i) => ({ datasetId: d.datasetId, symbol: symbols[i]! }));
  return { ok: true, request: { kind: 'datasets', datasets }, bars: ids.reduce((n, id) => n + byId.get(id)!.bars, 0) };
}

