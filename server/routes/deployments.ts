import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { streamSSE } from 'hono/streaming';
import { PaperState, initialPaperState } from '../../trading/adapters/paper.ts';
import { VenueConfig } from '../../trading/config.ts';
import { FeedConfig } from '../../trading/feeds.ts';
import { checkParamChange, ParamChangeFields, somethingChanges } from '../../trading/param-change.ts';
import { initialRiskState, RiskLimits, RiskState, tradingState } from '../../trading/risk-gate.ts';
import { encryptSecret, MasterKeyMissing, parseMasterKey } from '../../trading/secrets.ts';
import { chooseData } from '../../engine/data.ts';
import { catchUpPolicies, Deployment, DeploymentEvent, DeploymentFill, DeploymentOrder, deploymentModes, deploymentOrderStatuses, deploymentStatuses, Strategy } from '../db/entities.ts';
import type { AppDeps } from '../deps.ts';
import { notFound, problem } from '../problem.ts';
import { limitPosts } from '../rate-limit.ts';
import { documentEventStream, IdParam, json, list, problemResponse } from '../schemas.ts';
import { resolveDatasets } from './datasets.ts';

const tags = ['Deployments'];

export const DeploymentCreate = z
  .object({
    strategyId: z.uuid(),
    name: z.string().trim().min(1).max(200).optional(),
    mode: z.enum(deploymentModes).describe('shadow: orders computed, risk-checked and recorded, never sent; paper: sent to the paper venue; live: sent to a real venue.'),
    symbol: z.string().regex(/^[A-Z0-9]+\/[A-Z0-9]+$/, 'a unified symbol such as BTC/USDT').describe('The instrument traded, as BASE/QUOTE.'),
    feed: FeedConfig,
    venue: VenueConfig.default({ kind: 'paper' }),
    credentials: z.strictObject({ apiKey: z.string().min(1).max(500), secret: z.string().min(1).max(5000) }).optional().describe('Exchange keys for live mode. Stored envelope-encrypted; never returned.'),
    riskLimits: RiskLimits,
    catchUp: z.enum(catchUpPolicies).default('skip').describe('After an outage: skip the stale signals, flatten the position, or halt and ask a person.'),
    staleAfterMs: z.number().int().min(1000).max(86_400_000).default(60_000).describe('A bar observed longer ago than this when it is processed means an outage.'),
    initialCash: z.number().positive().max(1e12).optional().describe('Cash the book starts from; defaults to the strategy’s initial cash.'),
    confirm: z.string().optional().describe('Must be exactly "LIVE" to create a live deployment.'),
  })
  // A misspelt field (`stalAfterMs`, `catchup`) is refused, not replaced by its default.
  .strict()
  .openapi('DeploymentCreate');

const OrderOut = z.object({
  clientOrderId: z.string(),
  barTime: z.number(),
  side: z.string(),
  type: z.string(),
  quantity: z.number(),
  limitPrice: z.number().nullable(),
  status: z.enum(deploymentOrderStatuses),
  venueOrderId: z.string().nullable(),
  filled: z.number(),
  averagePrice: z.number().nullable(),
  reasonCode: z.string().nullable(),
  message: z.string().nullable(),
  createdAt: z.string(),
});
const FillOut = z.object({ tradeId: z.string(), clientOrderId: z.string().nullable(), side: z.string(), quantity: z.number(), price: z.number(), fee: z.number(), time: z.number() });
const EventOut = z.object({ seq: z.number().int(), kind: z.string(), code: z.string(), message: z.string(), createdAt: z.string() });

export const DeploymentOut = z
  .object({
    id: z.uuid(),
    strategyId: z.uuid(),
    name: z.string(),
    mode: z.enum(deploymentModes),
    status: z.enum(deploymentStatuses),
    symbol: z.string(),
    tradingState: z.enum(['ACTIVE', 'REDUCING', 'HALTED']),
    halt: z.object({ code: z.string(), message: z.string(), at: z.number() }).nullable(),
    killSwitch: z.boolean(),
    initialCash: z.number().describe('Cash the book started from: what its PnL is measured against.'),
    equity: z.number().nullable(),
    position: z.number(),
    lastPrice: z.number().nullable(),
    barsProcessed: z.number().int(),
    cursor: z.number().nullable(),
    catchUp: z.enum(catchUpPolicies),
    feed: z.record(z.string(), z.unknown()),
    venue: z.record(z.string(), z.unknown()),
    hasCredentials: z.boolean(),
    riskLimits: z.record(z.string(), z.unknown()),
    error: z
      .string()
      .nullable()
      .describe('Why the deployment failed (status `failed`): its strategy could not evaluate a bar, or its workflow could not start. Null otherwise.'),
    createdAt: z.string(),
  })
  .openapi('Deployment');

export const DeploymentDetail = DeploymentOut.extend({
  riskState: z.record(z.string(), z.unknown()),
  orders: z.array(OrderOut),
  fills: z.array(FillOut),
  denials: z.array(EventOut),
  events: z.array(EventOut),
}).openapi('DeploymentDetail');

/** The params control's body: the change, and who asks (for the journal). */
export const DeploymentParamChange = ParamChangeFields.extend({ by: z.string().min(1).max(200).optional() })
  .strict()
  .refine(somethingChanges, { message: 'give params and/or limits to change' })
  .openapi('DeploymentParamChange');

const controlPaths = { pause: 'pause', resume: 'resume', kill: 'kill', 'release-kill': 'releaseKill', reenable: 'reenable', stop: 'stop' } as const;

type DeploymentView = Pick<Deployment, 'id' | 'strategy' | 'name' | 'mode' | 'status' | 'symbol' | 'riskState' | 'initialCash' | 'equity' | 'position' | 'lastPrice' | 'barsProcessed' | 'cursor' | 'catchUp' | 'feed' | 'venue' | 'riskLimits' | 'error' | 'createdAt'>;

function deploymentOut(d: DeploymentView) {
  const risk = RiskState.parse(d.riskState);
  return {
    id: d.id,
    strategyId: typeof d.strategy === 'string' ? d.strategy : d.strategy.id,
    name: d.name,
    mode: d.mode,
    status: d.status,
    symbol: d.symbol,
    tradingState: tradingState(risk),
    halt: risk.halt,
    killSwitch: risk.killSwitch !== null,
    initialCash: d.initialCash,
    equity: d.equity ?? null,
    position: d.position,
    lastPrice: d.lastPrice ?? null,
    barsProcessed: d.barsProcessed,
    cursor: d.cursor ?? null,
    catchUp: d.catchUp,
    feed: d.feed,
    venue: d.venue,
    hasCredentials: d.mode === 'live',
    riskLimits: d.riskLimits,
    error: d.error ?? null,
    createdAt: d.createdAt.toISOString(),
  };
}

const eventOut = (e: DeploymentEvent) => ({ seq: e.seq, kind: e.kind, code: e.code, message: e.message, createdAt: e.createdAt.toISOString() });

export function registerDeploymentRoutes(app: OpenAPIHono, deps: AppDeps): void {
  const em = () => deps.orm.em.fork();
  // `credentials` is lazy: it is never loaded here, so no response can carry it.
  const find = (id: string) => em().findOne(Deployment, { id, owner: deps.owner });

  limitPosts(app, ['/api/deployments', '/api/deployments/*'], { limit: 60, windowMs: 60_000, key: () => deps.owner });

  app.openapi(
    createRoute({
      method: 'post', path: '/api/deployments', tags, summary: 'Deploy a strategy in shadow, paper or live mode',
      description:
        'Starts one long-running workflow that evaluates the strategy bar by bar on the feed, runs every order through the pre-trade risk gate, ' +
        'and sends the allowed ones to the venue (paper or live) with deterministic client order ids. Live mode needs `confirm: "LIVE"`, a ccxt ' +
        'venue and exchange keys, which are stored envelope-encrypted (TRADELOOM_MASTER_KEY) and never returned.',
      request: { body: { content: { 'application/json': { schema: DeploymentCreate } }, required: true } },
      responses: {
        201: json(DeploymentOut, 'Deployed'),
        404: problemResponse('No such strategy'),
        422: problemResponse('The strategy cannot be deployed, or the request is inconsistent (live without confirmation, keys or a real venue)'),
        503: problemResponse('Temporal is unreachable, or the server has no master key for exchange keys'),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const bad = (path: string, message: string) => problem(c, 422, 'Cannot deploy', message, { errors: [{ path, message }] });
      if (body.mode === 'live') {
        if (body.confirm !== 'LIVE') return bad('body.confirm', 'live trading sends real orders: set confirm to "LIVE" to proceed');
        if (body.venue.kind !== 'ccxt') return bad('body.venue.kind', 'live trading needs a real venue (kind "ccxt")');
        if (!body.credentials) return bad('body.credentials', 'live trading needs the exchange API key and secret');
      }
      if (body.mode === 'paper' && body.venue.kind !== 'paper') return bad('body.venue.kind', 'paper trading uses the paper venue');
      // The gate prices orders against the feed's bars: another instrument's prices would size and collar them.
      if (body.feed.kind === 'ccxt' && body.feed.symbol !== body.symbol) return bad('body.feed.symbol', `the feed's symbol ${body.feed.symbol} is not the symbol traded, ${body.symbol}: orders would be priced and risk-checked on another instrument's bars`);
      if (body.mode !== 'live' && body.credentials) return bad('body.credentials', 'exchange keys are only accepted for live deployments');
      const fork = em();
      const strategy = await fork.findOne(Strategy, { id: body.strategyId, owner: deps.owner });
      if (!strategy) return notFound(c, 'The strategy');
      // With the owner's custom nodes at the versions the graph pins (the deployment's workers compile it the same way).
      const compiled = await deps.customNodes.compile(fork, deps.owner, strategy.graph);
      if (!compiled.ok) return problem(c, 422, 'The strategy has errors', compiled.errors.map((e) => e.message).join('; '), { compileErrors: compiled.errors });
      const request = compiled.plan.data.request;
      if (request.kind === 'synthetic' && (request.symbols ?? 1) > 1) return bad('body.strategyId', 'a deployment trades one symbol; this strategy uses several');
      // A CSV basket is a portfolio of several symbols, whatever its size; a deployment trades one.
      if (request.kind === 'datasets') return bad('body.strategyId', 'a deployment trades one symbol; this strategy reads a CSV basket (several symbols): use one CSV bars node to deploy it');
      if (body.feed.kind === 'replay' && body.feed.data?.kind === 'datasets') return bad('body.feed.data', 'a deployment trades one symbol; replay one dataset, not a basket');
      if (body.feed.kind === 'replay') {
        // Checked as a run's data is: a replay of a dataset that does not exist would fail every step.
        const fromChoice = body.feed.data !== undefined;
        const resolved = await resolveDatasets(fork, deps.owner, chooseData(request, body.feed.data), { fromChoice, nodeId: compiled.plan.data.nodeId });
        if (!resolved.ok) return bad(fromChoice ? 'body.feed.data.datasetId' : resolved.path, resolved.detail);
        if (body.feed.startBar >= resolved.bars) return bad('body.feed.startBar', `the replay has ${resolved.bars} bars, so it cannot start at bar ${body.feed.startBar}`);
      }

      const id = crypto.randomUUID();
      let credentials: Record<string, unknown> | null = null;
      if (body.credentials) {
        try {
          credentials = encryptSecret(parseMasterKey(process.env.TRADELOOM_MASTER_KEY), id, body.credentials) as unknown as Record<string, unknown>;
        } catch (err) {
          if (err instanceof MasterKeyMissing) return problem(c, 503, 'No master key', err.message);
          throw err;
        }
      }
      const startedAt = Date.now();
      const initialCash = body.initialCash ?? compiled.plan.settings.initialCash;
      const d = fork.create(Deployment, {
        id,
        owner: deps.owner,
        strategy,
        name: body.name ?? `${strategy.name} (${body.mode})`,
        mode: body.mode,
        graph: strategy.graph,
        symbol: body.symbol,
        feed: body.feed as Record<string, unknown>,
        venue: (body.mode === 'shadow' ? { kind: 'paper' } : body.venue) as Record<string, unknown>,
        credentials,
        riskLimits: body.riskLimits as unknown as Record<string, unknown>,
        riskState: initialRiskState(initialCash, startedAt) as unknown as Record<string, unknown>,
        catchUp: body.catchUp,
        staleAfterMs: body.staleAfterMs,
        initialCash,
        paperState: body.mode === 'paper' ? (PaperState.parse(initialPaperState(initialCash, startedAt)) as unknown as Record<string, unknown>) : null,
        startedAt,
        equity: initialCash,
        workflowId: `deployment-${id}`,
      });
      await fork.flush();
      deps.log.info({ deploymentId: id, mode: body.mode, symbol: body.symbol }, 'deployment created');
      try {
        await deps.temporal.startDeployment(d.id, d.workflowId);
      } catch (err) {
        deps.log.error({ err, deploymentId: d.id }, 'could not start the deployment workflow');
        d.status = 'failed';
        d.error = 'Temporal is unreachable, so the deployment could not start.';
        await fork.flush();
        return problem(c, 503, 'Temporal unavailable', d.error);
      }
      return c.json(deploymentOut(d), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/deployments', tags, summary: 'List deployments, newest first',
      request: { query: z.object({ strategyId: z.uuid().optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }) },
      responses: { 200: json(list(DeploymentOut), 'Deployments') },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const rows = await em().find(Deployment, { owner: deps.owner, ...(q.strategyId ? { strategy: q.strategyId } : {}) }, { orderBy: { createdAt: 'desc' }, limit: q.limit, exclude: ['graph', 'snapshot', 'paperState'] });
      return c.json({ items: rows.map(deploymentOut) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/deployments/{id}', tags, summary: 'A deployment: state, equity, position, orders, fills, risk state and denials',
      request: { params: IdParam, query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }) },
      responses: { 200: json(DeploymentDetail, 'The deployment'), 404: problemResponse('No such deployment') },
    }),
    async (c) => {
      const d = await find(c.req.valid('param').id);
      if (!d) return notFound(c, 'The deployment');
      const { limit } = c.req.valid('query');
      const fork = em();
      const [orders, fills, denials, events] = await Promise.all([
        fork.find(DeploymentOrder, { deployment: d.id }, { orderBy: { createdAt: 'desc' }, limit }),
        fork.find(DeploymentFill, { deployment: d.id }, { orderBy: { time: 'desc' }, limit }),
        fork.find(DeploymentEvent, { deployment: d.id, kind: 'denial' }, { orderBy: { seq: 'desc' }, limit }),
        fork.find(DeploymentEvent, { deployment: d.id }, { orderBy: { seq: 'desc' }, limit }),
      ]);
      return c.json({
        ...deploymentOut(d),
        riskState: d.riskState,
        orders: orders.map((o) => ({ clientOrderId: o.clientOrderId, barTime: o.barTime, side: o.side, type: o.type, quantity: o.quantity, limitPrice: o.limitPrice ?? null, status: o.status, venueOrderId: o.venueOrderId ?? null, filled: o.filled, averagePrice: o.averagePrice ?? null, reasonCode: o.reasonCode ?? null, message: o.message ?? null, createdAt: o.createdAt.toISOString() })),
        fills: fills.map((f) => ({ tradeId: f.tradeId, clientOrderId: f.clientOrderId ?? null, side: f.side, quantity: f.quantity, price: f.price, fee: f.fee, time: f.time })),
        denials: denials.map(eventOut),
        events: events.map(eventOut),
      }, 200);
    },
  );

  for (const [path, action] of Object.entries(controlPaths)) {
    app.openapi(
      createRoute({
        method: 'post', path: `/api/deployments/{id}/${path}`, tags, summary: `${action === 'kill' ? 'Engage the kill switch' : action === 'releaseKill' ? 'Release the kill switch' : action === 'reenable' ? 'Re-enable after a halt (throttle, drawdown, outage, unknown exposure)' : `${path[0]!.toUpperCase()}${path.slice(1)} the deployment`}`,
        description: action === 'kill' ? 'Cancels working orders, blocks new ones, allows only reducing orders, and persists until released.' : 'Applied by the deployment workflow between bars; the answer is its state afterwards.',
        request: { params: IdParam, body: { content: { 'application/json': { schema: z.object({ by: z.string().min(1).max(200).optional() }) } }, required: false } },
        responses: { 200: json(DeploymentOut, 'Applied'), 404: problemResponse('No such deployment'), 409: problemResponse('The deployment is not running'), 503: problemResponse('Temporal is unreachable') },
      }),
      async (c) => {
        const d = await find(c.req.valid('param').id);
        if (!d) return notFound(c, 'The deployment');
        if (d.status === 'stopped' || d.status === 'failed') return problem(c, 409, 'Deployment not running', `The deployment is ${d.status}.`);
        const body = (await c.req.json().catch(() => ({}))) as { by?: unknown };
        const by = typeof body.by === 'string' && body.by.length > 0 && body.by.length <= 200 ? body.by : deps.owner;
        try {
          await deps.temporal.controlDeployment(d.workflowId, { action, by });
        } catch (err) {
          deps.log.error({ err, deploymentId: d.id, action }, 'deployment control failed');
          return problem(c, 503, 'Control not applied', 'The deployment workflow could not be reached; the control was not applied. Try again.');
        }
        const after = await find(d.id);
        return c.json(deploymentOut(after!), 200);
      },
    );
  }

  app.openapi(
    createRoute({
      method: 'post', path: '/api/deployments/{id}/params', tags, summary: 'Change node params and/or risk limits of a running or paused deployment',
      description:
        'Node params (by node id, merged over the current ones) are validated by each node’s own schema, and the changed strategy must compile with the ' +
        'same nodes and edges; limits are merged over the current ones and validated like the limits at creation. Nothing changes unless all of it is ' +
        'valid. Applied by the deployment workflow between bars and journalled as a `PARAMS` control event (old → new); a node whose params changed ' +
        'starts its state afresh (warms up again). Data and custom nodes cannot change: deploy again for those.',
      request: {
        params: IdParam,
        body: { content: { 'application/json': { schema: DeploymentParamChange } }, required: true },
      },
      responses: {
        200: json(DeploymentOut, 'Applied'),
        400: problemResponse('The body is malformed (unknown limit, wrong type, nothing to change)'),
        404: problemResponse('No such deployment'),
        409: problemResponse('The deployment is not running'),
        422: problemResponse('A node id is unknown, a param fails its node’s schema, a limit is invalid, or the changed strategy does not compile'),
        503: problemResponse('Temporal is unreachable'),
      },
    }),
    async (c) => {
      const d = await find(c.req.valid('param').id);
      if (!d) return notFound(c, 'The deployment');
      if (d.status === 'stopped' || d.status === 'failed') return problem(c, 409, 'Deployment not running', `The deployment is ${d.status}.`);
      const { by, ...change } = c.req.valid('json');
      // Checked here, with the owner's custom nodes as the workers compile them, so a bad change is a 4xx and never reaches the workflow.
      const fork = em();
      const { registry } = await deps.customNodes.registryFor(fork, deps.owner, d.graph);
      const checked = await checkParamChange({ graph: d.graph, limits: d.riskLimits }, change, registry, (g) => deps.customNodes.compile(fork, deps.owner, g));
      if (!checked.ok) return problem(c, 422, 'Invalid parameter change', checked.errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors: checked.errors });
      try {
        await deps.temporal.controlDeployment(d.workflowId, { action: 'params', by: by ?? deps.owner, change });
      } catch (err) {
        deps.log.error({ err, deploymentId: d.id }, 'deployment params change failed');
        // The workflow refused it (the deployment stopped meanwhile, or changed under us): say why.
        if (err instanceof WorkflowUpdateFailedError) return problem(c, 409, 'Change not applied', (err.cause as Error | undefined)?.message ?? err.message);
        return problem(c, 503, 'Change not applied', 'The deployment workflow could not be reached; the change was not applied. Try again.');
      }
      return c.json(deploymentOut((await find(d.id))!), 200);
    },
  );

  // Live updates stream from the database, so they work whichever worker runs the deployment.
  documentEventStream(app, {
    path: '/api/deployments/{id}/events', tags, what: 'deployment', summary: 'Stream a deployment’s state and journal (Server-Sent Events)',
    description: 'An event `state` (the deployment) whenever it changes, and an event `event` per journal entry, with the entry’s sequence number as the SSE id: a client that reconnects with `Last-Event-ID` (or `?after=`) gets only later entries.',
    query: z.object({ after: z.coerce.number().int().min(0).optional().openapi({ description: 'Journal entries after this sequence number only (as `Last-Event-ID`).' }) }),
  });
  app.get('/api/deployments/:id/events', async (c) => {
    const id = c.req.param('id');
    if (!z.uuid().safeParse(id).success || !(await find(id))) return notFound(c, 'The deployment');
    const after = Number(c.req.header('last-event-id') ?? c.req.query('after') ?? 0) || 0;
    return streamSSE(c, async (stream) => {
      let seq = after;
      let lastState = '';
      let closed = false;
      stream.onAbort(() => {
        closed = true;
      });
      while (!closed) {
        const fork = em();
        const d = await fork.findOne(Deployment, { id, owner: deps.owner }, { exclude: ['graph', 'snapshot', 'paperState'] });
        if (!d) break;
        const state = JSON.stringify(deploymentOut(d));
        if (state !== lastState) {
          lastState = state;
          await stream.writeSSE({ event: 'state', data: state });
        }
        for (const e of await fork.find(DeploymentEvent, { deployment: id, seq: { $gt: seq } }, { orderBy: { seq: 'asc' }, limit: 200 })) {
          seq = e.seq;
          await stream.writeSSE({ event: 'event', id: String(e.seq), data: JSON.stringify(eventOut(e)) });
        }
        if (d.status === 'stopped' || d.status === 'failed') break;
        await stream.sleep(300);
      }
    });
  });
}
