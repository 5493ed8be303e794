import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { compile } from '../../engine/compile.ts';
import { chooseData, DataChoice } from '../../engine/data.ts';
import { Graph } from '../../engine/graph.ts';
import { CostSensitivityConfig, Execution, MonteCarloConfig, researchKinds, ResearchSpec, SweepConfig, WalkForwardConfig } from '../../engine/research/config.ts';
import { layout, phaseNames, ResearchPlanError } from '../../engine/research/plan.ts';
import { evaluateRobustness, RobustnessThresholds } from '../../engine/research/robustness.ts';
import { applyParams, overrideErrors, paramSpace } from '../../engine/research/space.ts';
import type { MonteCarloSummary, WalkForwardSummary } from '../../engine/research/summary.ts';
import { ResearchRun, ResearchTrial, runStatuses, Strategy, terminalStatuses } from '../db/entities.ts';
import type { AppDeps } from '../deps.ts';
import { notFound, problem } from '../problem.ts';
import { limitPosts } from '../rate-limit.ts';
import { resolveDatasets } from './datasets.ts';
import { documentEventStream, IdParam, json, list, problemResponse } from '../schemas.ts';

const tags = ['Research'];

// Each kind's request reuses the engine's config schema, so the API accepts exactly what the activities read.
const common = {
  strategyId: z.uuid(),
  data: DataChoice.optional().describe('Data to run on instead of the graph’s own data node.'),
  execution: Execution,
};
export const ResearchCreate = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('sweep'), ...common, config: SweepConfig.default({ sampling: { kind: 'grid' }, metric: 'sharpe' }) }),
    z.strictObject({ kind: z.literal('walkForward'), ...common, config: WalkForwardConfig }),
    z.strictObject({ kind: z.literal('monteCarlo'), ...common, config: MonteCarloConfig.default(MonteCarloConfig.parse({})) }),
    z.strictObject({ kind: z.literal('costSensitivity'), ...common, config: CostSensitivityConfig.default(CostSensitivityConfig.parse({})) }),
  ])
  .openapi('ResearchCreate');

export const ResearchOut = z
  .object({
    id: z.uuid(),
    strategyId: z.uuid(),
    kind: z.enum(researchKinds),
    status: z.enum(runStatuses),
    progress: z.number().min(0).max(1),
    trialsDone: z.number().int(),
    trialsTotal: z.number().int(),
    error: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
    config: z.record(z.string(), z.unknown()),
    execution: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    summary: z.record(z.string(), z.unknown()).nullable().describe('Per kind: best params (sweep), windows and stitched out-of-sample equity (walk-forward), percentile tables and histograms (Monte Carlo), a cost table (cost sensitivity). Null until the run succeeds, and in lists.'),
  })
  .openapi('ResearchRun');

export const TrialOut = z
  .object({
    trialIndex: z.number().int(),
    phase: z.enum(phaseNames),
    params: z.record(z.string(), z.number()),
    metrics: z.record(z.string(), z.unknown()).nullable(),
    detail: z.record(z.string(), z.unknown()).nullable().optional(),
    error: z.string().nullable(),
    worker: z.string(),
    attempt: z.number().int(),
    durationMs: z.number().int(),
  })
  .openapi('ResearchTrial');

const TrialsQuery = z.object({
  phase: z.enum(phaseNames).optional(),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
  detail: z.enum(['true', 'false']).default('false').describe('Include each trial’s detail (small equity curves, Monte Carlo path outcomes).'),
});

const RobustnessRequest = z
  .strictObject({ strategyId: z.uuid(), thresholds: RobustnessThresholds.optional() })
  .openapi('RobustnessRequest');

const RobustnessOut = z
  .object({
    pass: z.boolean(),
    thresholds: z.record(z.string(), z.unknown()),
    walkForwardRunId: z.uuid().nullable(),
    monteCarloRunId: z.uuid().nullable(),
    checks: z.array(z.object({ name: z.string(), value: z.number().nullable(), threshold: z.number(), comparison: z.enum(['>=', '<=']), pass: z.boolean(), reason: z.string() })),
  })
  .openapi('RobustnessVerdict');

type ResearchView = Pick<ResearchRun, 'id' | 'strategy' | 'kind' | 'status' | 'trialsDone' | 'trialsTotal' | 'error' | 'data' | 'spec' | 'execution' | 'createdAt' | 'startedAt' | 'finishedAt'> & { summary?: ResearchRun['summary'] };

export function researchOut(r: ResearchView, withSummary = true) {
  return {
    id: r.id,
    strategyId: typeof r.strategy === 'string' ? r.strategy : r.strategy.id,
    kind: r.kind,
    status: r.status,
    progress: r.status === 'succeeded' ? 1 : r.trialsTotal > 0 ? Math.min(1, r.trialsDone / r.trialsTotal) : 0,
    trialsDone: r.trialsDone,
    trialsTotal: r.trialsTotal,
    error: r.error ?? null,
    data: r.data,
    config: (r.spec as { config: Record<string, unknown> }).config,
    execution: r.execution,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    summary: withSummary ? (r.summary ?? null) : null,
  };
}

export function registerResearchRoutes(app: OpenAPIHono, deps: AppDeps): void {
  const em = () => deps.orm.em.fork();
  const find = (id: string) => em().findOne(ResearchRun, { id, owner: deps.owner });

  limitPosts(app, ['/api/research', '/api/research/*'], { limit: 60, windowMs: 60_000, key: () => deps.owner });

  app.openapi(
    createRoute({
      method: 'post', path: '/api/research', tags, summary: 'Start a research run',
      description:
        'A parameter sweep (grid or seeded random) over the params the graph marks as optimisable (a node’s `optimize` field), a walk-forward ' +
        '(rolling or anchored windows, in-sample optimisation, out-of-sample test, stitched out-of-sample equity), a Monte Carlo study (trade reshuffle, ' +
        'trade bootstrap, or block bootstrap of returns), or a cost sensitivity grid. Everything is checked before anything runs; trials then fan out ' +
        'as activities over every worker on the task queue.',
      request: { body: { content: { 'application/json': { schema: ResearchCreate } }, required: true } },
      responses: {
        201: json(ResearchOut, 'Started'),
        404: problemResponse('No such strategy'),
        422: problemResponse('The strategy does not compile, its optimisable params are invalid, the data is missing, or the run cannot be laid out'),
        503: problemResponse('Temporal is unreachable'),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const fork = em();
      const strategy = await fork.findOne(Strategy, { id: body.strategyId, owner: deps.owner });
      if (!strategy) return notFound(c, 'The strategy');
      const { registry, problems } = await deps.customNodes.registryFor(fork, deps.owner, strategy.graph);
      const compiled = problems.length ? { ok: false as const, errors: problems } : compile(strategy.graph, registry);
      if (!compiled.ok) return problem(c, 422, 'The strategy has errors', compiled.errors.map((e) => e.message).join('; '), { compileErrors: compiled.errors });
      const space = paramSpace(strategy.graph, registry);
      if (!space.ok) return problem(c, 422, 'Invalid optimisable params', space.errors.map((e) => e.message).join('; '), { compileErrors: space.errors });
      const spec = ResearchSpec.parse({ kind: body.kind, config: body.config });
      if (spec.kind === 'monteCarlo' || spec.kind === 'costSensitivity') {
        const bad = overrideErrors(Graph.parse(strategy.graph), spec.config.params, registry);
        if (bad.length) return problem(c, 422, 'Unknown params', bad.join('; '), { errors: bad.map((message) => ({ path: 'body.config.params', message })) });
        // Values the nodes refuse (a negative period) would fail every trial: refused here, by the compiler.
        const applied = compile(applyParams(Graph.parse(strategy.graph), spec.config.params, registry), registry);
        if (!applied.ok) {
          const messages = applied.errors.map((e) => e.message);
          return problem(c, 422, 'Invalid params', messages.join('; '), { errors: messages.map((message) => ({ path: 'body.config.params', message })) });
        }
      }
      const resolved = await resolveDatasets(fork, deps.owner, chooseData(compiled.plan.data.request, body.data), { fromChoice: body.data !== undefined, nodeId: compiled.plan.data.nodeId });
      if (!resolved.ok) return problem(c, 422, resolved.title, resolved.detail, { errors: [{ path: resolved.path, message: resolved.message }] });
      const { request, bars: totalBars } = resolved;
      try {
        layout(spec, space.dimensions, totalBars, body.execution.trialsPerActivity);
      } catch (err) {
        if (err instanceof ResearchPlanError) return problem(c, 422, 'The run cannot be laid out', err.message, { errors: [{ path: 'body.config', message: err.message }] });
        throw err;
      }
      const id = crypto.randomUUID();
      const run = fork.create(ResearchRun, {
        id,
        owner: deps.owner,
        strategy,
        kind: spec.kind,
        graph: strategy.graph,
        data: request as Record<string, unknown>,
        spec: spec as unknown as Record<string, unknown>,
        execution: body.execution as Record<string, unknown>,
        workflowId: `research-${id}`,
      });
      await fork.flush();
      try {
        await deps.temporal.startResearch(run.id, run.workflowId);
      } catch (err) {
        deps.log.error({ err, researchRunId: run.id }, 'could not start the research workflow');
        run.status = 'failed';
        run.error = 'Temporal is unreachable, so the run could not start. Try again when the health indicator is green.';
        run.finishedAt = new Date();
        await fork.flush();
        return problem(c, 503, 'Temporal unavailable', run.error);
      }
      return c.json(researchOut(run), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/research', tags, summary: 'List research runs, newest first',
      description: 'Summaries are left out of the list; fetch a run for its summary.',
      request: { query: z.object({ strategyId: z.uuid().optional(), kind: z.enum(researchKinds).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }) },
      responses: { 200: json(list(ResearchOut), 'Research runs') },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const rows = await em().find(
        ResearchRun,
        { owner: deps.owner, ...(q.strategyId ? { strategy: q.strategyId } : {}), ...(q.kind ? { kind: q.kind } : {}) },
        { orderBy: { createdAt: 'desc' }, limit: q.limit, exclude: ['graph', 'summary'] },
      );
      return c.json({ items: rows.map((r) => researchOut(r, false)) }, 200);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/api/research/{id}', tags, summary: 'A research run with its summary', request: { params: IdParam }, responses: { 200: json(ResearchOut, 'The run'), 404: problemResponse('No such run') } }),
    async (c) => {
      const run = await find(c.req.valid('param').id);
      return run ? c.json(researchOut(run), 200) : notFound(c, 'The research run');
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/research/{id}/trials', tags, summary: 'Trials of a research run, by trial index',
      description: 'Params and metrics per trial: the grid a heatmap is drawn from. Available while the run is still going.',
      request: { params: IdParam, query: TrialsQuery },
      responses: { 200: json(z.object({ total: z.number().int(), items: z.array(TrialOut) }), 'Trials'), 404: problemResponse('No such run') },
    }),
    async (c) => {
      const run = await find(c.req.valid('param').id);
      if (!run) return notFound(c, 'The research run');
      const q = c.req.valid('query');
      const where = { researchRun: run.id, ...(q.phase ? { phase: q.phase } : {}) };
      const fork = em();
      const [rows, total] = await fork.findAndCount(ResearchTrial, where, {
        orderBy: { trialIndex: 'asc' },
        offset: q.offset,
        limit: q.limit,
        // Monte Carlo and out-of-sample details can be large: only read them when asked for.
        exclude: q.detail === 'true' ? [] : ['detail'],
      }) as [ResearchTrial[], number];
      return c.json({
        total,
        items: rows.map((t) => ({
          trialIndex: t.trialIndex,
          phase: t.phase as (typeof phaseNames)[number],
          params: t.params as Record<string, number>,
          metrics: t.metrics ?? null,
          ...(q.detail === 'true' ? { detail: t.detail ?? null } : {}),
          error: t.error ?? null,
          worker: t.worker,
          attempt: t.attempt,
          durationMs: t.durationMs,
        })),
      }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post', path: '/api/research/{id}/cancel', tags, summary: 'Cancel a research run',
      description: 'Stops handing out trials and cancels the ones running; trials already stored stay.',
      request: { params: IdParam },
      responses: { 202: json(ResearchOut, 'Cancellation requested'), 404: problemResponse('No such run'), 409: problemResponse('Already finished') },
    }),
    async (c) => {
      const run = await find(c.req.valid('param').id);
      if (!run) return notFound(c, 'The research run');
      if (terminalStatuses.includes(run.status)) return problem(c, 409, 'Run already finished', `The run is ${run.status}.`);
      await deps.temporal.cancel(run.workflowId);
      return c.json(researchOut(run), 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'post', path: '/api/research/robustness', tags, summary: 'Evaluate the robustness gate for a strategy',
      description: 'Checks the strategy’s latest succeeded walk-forward and Monte Carlo runs against the thresholds (defaults documented in docs/research.md). A missing run fails its checks.',
      request: { body: { content: { 'application/json': { schema: RobustnessRequest } }, required: true } },
      responses: { 200: json(RobustnessOut, 'The verdict, check by check'), 404: problemResponse('No such strategy') },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const fork = em();
      if (!(await fork.count(Strategy, { id: body.strategyId, owner: deps.owner }))) return notFound(c, 'The strategy');
      const latest = (kind: 'walkForward' | 'monteCarlo') =>
        fork.findOne(ResearchRun, { owner: deps.owner, strategy: body.strategyId, kind, status: 'succeeded' }, { orderBy: { finishedAt: 'desc' }, fields: ['id', 'summary'] });
      const [wf, mc] = await Promise.all([latest('walkForward'), latest('monteCarlo')]);
      const thresholds = RobustnessThresholds.parse(body.thresholds ?? {});
      const verdict = evaluateRobustness(wf?.summary as unknown as WalkForwardSummary | undefined, mc?.summary as unknown as MonteCarloSummary | undefined, thresholds);
      return c.json({ ...verdict, thresholds, walkForwardRunId: wf?.id ?? null, monteCarloRunId: mc?.id ?? null }, 200);
    },
  );

  // Progress streams from the database, so it works whichever worker processes run the trials.
  documentEventStream(app, {
    path: '/api/research/{id}/events', tags, what: 'research run', summary: 'Stream a research run’s progress (Server-Sent Events)',
    description: 'An event `research` (the run without its graph and summary) whenever it changes; the stream ends when the run does.',
  });
  app.get('/api/research/:id/events', async (c) => {
    const id = c.req.param('id');
    if (!z.uuid().safeParse(id).success || !(await find(id))) return notFound(c, 'The research run');
    const load = () => em().findOne(ResearchRun, { id, owner: deps.owner }, { exclude: ['graph', 'summary'] });
    return streamSSE(c, async (stream) => {
      let last = '';
      let closed = false;
      stream.onAbort(() => {
        closed = true;
      });
      while (!closed) {
        const run = await load();
        if (!run) break;
        const data = JSON.stringify(researchOut(run, false));
        if (data !== last) {
          last = data;
          await stream.writeSSE({ event: 'research', data, id: String(Date.now()) });
        }
        if (terminalStatuses.includes(run.status)) break;
        await stream.sleep(250);
      }
    });
  });
}
