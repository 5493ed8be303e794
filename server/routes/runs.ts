import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { DataError } from '../../engine/bars.ts';
import { chooseData, DataChoice, loadMarket } from '../../engine/data.ts';
import { Graph } from '../../engine/graph.ts';
import { DataRequest } from '../../nodes/contract.ts';
import { Run, RunResult, Strategy, terminalStatuses } from '../db/entities.ts';
import type { AppDeps } from '../deps.ts';
import { notFound, problem } from '../problem.ts';
import { limitPosts } from '../rate-limit.ts';
import { documentEventStream, IdParam, json, list, problemResponse, RunCreate, RunOut } from '../schemas.ts';
import { datasetReader } from '../db/dataset-reader.ts';
import { resolveDatasets } from './datasets.ts';
import { buildRunChartAsync, RunChartOut, RunChartQuery, StoredTrade, UnknownSeriesError, type PaneMap } from './run-chart.ts';

const tags = ['Runs'];

type RunView = Pick<Run, 'id' | 'strategy' | 'status' | 'barsDone' | 'barsTotal' | 'attempts' | 'error' | 'data' | 'createdAt' | 'startedAt' | 'finishedAt' | 'metrics'>;

export function runOut(r: RunView) {
  return {
    id: r.id,
    strategyId: typeof r.strategy === 'string' ? r.strategy : r.strategy.id,
    status: r.status,
    progress: r.status === 'succeeded' ? 1 : r.barsTotal > 0 ? r.barsDone / r.barsTotal : 0,
    barsDone: r.barsDone,
    barsTotal: r.barsTotal,
    attempts: r.attempts,
    error: r.error ?? null,
    data: r.data ?? null,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    metrics: r.metrics ?? null,
  };
}

export function registerRunRoutes(app: OpenAPIHono, deps: AppDeps): void {
  const em = () => deps.orm.em.fork();
  const findRun = (id: string) => em().findOne(Run, { id, owner: deps.owner });

  limitPosts(app, ['/api/runs', '/api/runs/*'], { limit: 60, windowMs: 60_000, key: () => deps.owner });

  app.openapi(
    createRoute({
      method: 'post', path: '/api/runs', tags, summary: 'Start a backtest',
      description: 'Compiles the strategy first: a graph with errors is refused with every error, before anything runs. The run executes as a Temporal workflow.',
      request: { body: { content: { 'application/json': { schema: RunCreate } }, required: true } },
      responses: {
        201: json(RunOut, 'Started'),
        404: problemResponse('No such strategy'),
        422: problemResponse('The strategy does not compile or its data is missing'),
        503: problemResponse('Temporal is unreachable'),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const fork = em();
      const strategy = await fork.findOne(Strategy, { id: body.strategyId, owner: deps.owner });
      if (!strategy) return notFound(c, 'The strategy');
      const compiled = await deps.customNodes.compile(fork, deps.owner, strategy.graph);
      if (!compiled.ok) {
        return problem(c, 422, 'The strategy has errors', compiled.errors.map((e) => e.message).join('; '), { compileErrors: compiled.errors });
      }
      const resolved = await resolveDatasets(fork, deps.owner, chooseData(compiled.plan.data.request, body.data), { fromChoice: body.data !== undefined, nodeId: compiled.plan.data.nodeId });
      if (!resolved.ok) return problem(c, 422, resolved.title, resolved.detail, { errors: [{ path: resolved.path, message: resolved.message }] });
      const { request } = resolved;
      const id = crypto.randomUUID();
      const run = fork.create(Run, {
        id,
        owner: deps.owner,
        strategy,
        graph: strategy.graph,
        // The resolved data, not just the choice: the run says exactly what it ran on.
        data: request as Record<string, unknown>,
        workflowId: `backtest-${id}`,
      });
      await fork.flush();
      try {
        await deps.temporal.startBacktest(run.id, run.workflowId);
      } catch (err) {
        deps.log.error({ err, runId: run.id }, 'could not start the backtest workflow');
        run.status = 'failed';
        run.error = 'Temporal is unreachable, so the run could not start. Try again when the health indicator is green.';
        run.finishedAt = new Date();
        await fork.flush();
        return problem(c, 503, 'Temporal unavailable', run.error);
      }
      return c.json(runOut(run), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/runs', tags, summary: 'List runs, newest first',
      request: { query: z.object({ strategyId: z.uuid().optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }) },
      responses: { 200: json(list(RunOut), 'Runs') },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const where = q.strategyId ? { owner: deps.owner, strategy: q.strategyId } : { owner: deps.owner };
      const rows = await em().find(Run, where, { orderBy: { createdAt: 'desc' }, limit: q.limit, exclude: ['graph'] });
      return c.json({ items: rows.map(runOut) }, 200);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/api/runs/{id}', tags, summary: 'Run status', request: { params: IdParam }, responses: { 200: json(RunOut, 'The run'), 404: problemResponse('No such run') } }),
    async (c) => {
      const run = await findRun(c.req.valid('param').id);
      return run ? c.json(runOut(run), 200) : notFound(c, 'The run');
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/runs/{id}/result', tags, summary: 'Result of a finished run', request: { params: IdParam },
      responses: { 200: json(z.record(z.string(), z.unknown()), 'Metrics, equity curve and trades'), 404: problemResponse('No such run, or not finished') },
    }),
    async (c) => {
      const fork = em();
      const run = await fork.findOne(Run, { id: c.req.valid('param').id, owner: deps.owner });
      if (!run) return notFound(c, 'The run');
      const stored = await fork.findOne(RunResult, { run: run.id });
      if (!stored) return problem(c, 404, 'No result yet', `The run is ${run.status}; a result exists only once it has succeeded.`);
      return c.json({ metrics: run.metrics, ...stored.result }, 200);
    },
  );

  // Which pane each series of a run goes to is decided once from samples over the whole run; keeping
  // it spares later windows (zoom, pan) a pass over bars they do not show.
  const paneCache = new Map<string, PaneMap>();
  const rememberPanes = (runId: string, panes: PaneMap) => {
    paneCache.delete(runId);
    paneCache.set(runId, panes);
    if (paneCache.size > 200) paneCache.delete(paneCache.keys().next().value!);
  };

  app.openapi(
    createRoute({
      method: 'get', path: '/api/runs/{id}/chart', tags, summary: 'Price chart of a finished run',
      description:
        'OHLC candles for a time window (aggregated to at most `maxBars` candles: first open, highest high, lowest low, last close, summed volume), ' +
        'the run\'s entries and exits as markers, and the strategy\'s indicator outputs as series. Series that track the price are included as overlays; ' +
        'oscillators are listed and included when named in `oscillators`. Recomputed from the run\'s graph snapshot and data, which are deterministic.',
      request: { params: IdParam, query: RunChartQuery },
      responses: {
        200: json(RunChartOut, 'Candles, markers and series of the window'),
        404: problemResponse('No such run, or not finished'),
        422: problemResponse('An unknown series was asked for, or the run\'s data is no longer available'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const query = c.req.valid('query');
      const fork = em();
      const run = await fork.findOne(Run, { id, owner: deps.owner });
      if (!run) return notFound(c, 'The run');
      const stored = await fork.findOne(RunResult, { run: run.id });
      if (!stored) return problem(c, 404, 'No result yet', `The run is ${run.status}; its chart exists only once it has succeeded.`);
      const compiled = await deps.customNodes.compile(fork, deps.owner, run.graph);
      if (!compiled.ok) return problem(c, 422, 'The run no longer compiles', compiled.errors.map((e) => e.message).join('; '));
      // As the backtest activity does: the resolved request stored with the run, or an older row's bare choice.
      const resolved = DataRequest.safeParse(run.data);
      const request = resolved.success ? resolved.data : chooseData(compiled.plan.data.request, run.data ? DataChoice.parse(run.data) : undefined);
      let market;
      try {
        market = await loadMarket(request, datasetReader(fork, deps.owner));
      } catch (err) {
        if (err instanceof DataError) return problem(c, 422, 'Data unavailable', `The run's data can no longer be read: ${err.message}.`);
        throw err;
      }
      const trades = z.array(StoredTrade).safeParse((stored.result as { trades?: unknown }).trades);
      const lane = query.symbol === undefined ? 0 : market.symbols.indexOf(query.symbol);
      if (lane < 0) {
        return problem(c, 422, 'Unknown symbol', `The run trades ${market.symbols.join(', ')}; "${query.symbol}" is not one of them.`, { errors: [{ path: 'query.symbol', message: 'not a symbol of this run' }] });
      }
      // Panes are decided per symbol: an indicator can look like a price on one and not on another.
      const paneKey = market.lanes.length > 1 ? `${run.id}#${lane}` : run.id;
      try {
        const { chart, panes } = await buildRunChartAsync({
          runId: run.id,
          plan: compiled.plan,
          graphNodes: Graph.parse(run.graph).nodes,
          bars: market.lanes[lane]!,
          market,
          lane,
          trades: trades.success ? trades.data : [],
          query,
          panes: paneCache.get(paneKey),
        });
        rememberPanes(paneKey, panes);
        return c.json(chart, 200);
      } catch (err) {
        if (err instanceof UnknownSeriesError) {
          return problem(c, 422, 'Unknown series', `${err.message}; the chart lists the series it can draw.`, { errors: [{ path: 'query.oscillators', message: err.message }] });
        }
        throw err;
      }
    },
  );

  app.openapi(
    createRoute({
      method: 'post', path: '/api/runs/{id}/cancel', tags, summary: 'Cancel a run', request: { params: IdParam },
      responses: { 202: json(RunOut, 'Cancellation requested'), 404: problemResponse('No such run'), 409: problemResponse('Already finished') },
    }),
    async (c) => {
      const run = await findRun(c.req.valid('param').id);
      if (!run) return notFound(c, 'The run');
      if (terminalStatuses.includes(run.status)) return problem(c, 409, 'Run already finished', `The run is ${run.status}.`);
      await deps.temporal.cancel(run.workflowId);
      return c.json(runOut(run), 202);
    },
  );

  // Progress streams from the database, so it works whichever worker process runs the backtest.
  documentEventStream(app, {
    path: '/api/runs/{id}/events', tags, what: 'run', summary: 'Stream a run’s progress (Server-Sent Events)',
    description: 'An event `run` (the run, as GET /api/runs/{id} returns it) whenever it changes, polled every 250 ms; the stream ends when the run does.',
  });
  app.get('/api/runs/:id/events', async (c) => {
    const id = c.req.param('id');
    if (!z.uuid().safeParse(id).success || !(await findRun(id))) return notFound(c, 'The run');
    return streamSSE(c, async (stream) => {
      let last = '';
      let closed = false;
      stream.onAbort(() => {
        closed = true;
      });
      while (!closed) {
        const run = await findRun(id);
        if (!run) break;
        const data = JSON.stringify(runOut(run));
        if (data !== last) {
          last = data;
          await stream.writeSSE({ event: 'run', data, id: String(Date.now()) });
        }
        if (terminalStatuses.includes(run.status)) break;
        await stream.sleep(250);
      }
    });
  });
}
