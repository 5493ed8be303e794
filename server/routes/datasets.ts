import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { DataError } from '../../engine/bars.ts';
import { parseOhlcvCsv } from '../../engine/csv.ts';
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
