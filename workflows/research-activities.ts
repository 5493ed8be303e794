import { hostname } from 'node:os';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import { thin } from '../engine/backtest.ts';
import { DataError, type Bars, type Market } from '../engine/bars.ts';
import { ColumnCache } from '../engine/column-cache.ts';
import { loadMarket } from '../engine/data.ts';
import { Graph } from '../engine/graph.ts';
import type { Metrics } from '../engine/metrics.ts';
import { Execution, ResearchSpec } from '../engine/research/config.ts';
import { scaleCosts } from '../engine/research/costs.ts';
import { simulatePaths, type MonteCarloSource } from '../engine/research/montecarlo.ts';
import { inSampleTrials, layout, ResearchPlanError, trialWork, type Phase, type ResearchLayout, type TrialWork } from '../engine/research/plan.ts';
import { bestTrial, score } from '../engine/research/rank.ts';
import { shareMarket, type PoolWait, type TrialPool } from '../engine/research/pool.ts';
import { paramSpace, type Dimension, type ParamsOverride } from '../engine/research/space.ts';
import {
  costSummary,
  monteCarloSummary,
  OOS_CURVE_LIMIT,
  SUMMARY_CURVE_POINTS,
  sweepSummary,
  walkForwardSummary,
  type MonteCarloDetail,
  type OutOfSampleDetail,
  type ResearchSummary,
  type TrialRecord,
} from '../engine/research/summary.ts';
import { equitySummary, measureTrial, runTrial, TrialCompileError, TRIAL_COLUMN_BYTES, TRIAL_CURVE_POINTS, type TrialOutcome, type TrialSettings } from '../engine/research/trial.ts';
import { DataRequest } from '../nodes/contract.ts';
import type { Registry } from '../nodes/registry.ts';
import type { CustomNodeHost } from '../server/custom-registry.ts';
import { SandboxError } from '../sandbox/errors.ts';
import { datasetReader } from '../server/db/dataset-reader.ts';
import { ResearchRun, ResearchTrial, terminalStatuses, type RunStatus } from '../server/db/entities.ts';
import type { Orm } from '../server/db/orm.ts';

export interface ResearchActivityDeps {
  orm: Orm;
  registry: Registry;
  /** Adds the run owner's custom nodes to the registry; without it only built-in nodes run. */
  customNodes?: CustomNodeHost;
  log: Logger;
  /** Recorded on every trial this process computes; default `pid@host`, like Temporal's worker identity. */
  identity?: string;
  /**
   * Threads that run the sweep, in-sample and cost trials of graphs of built-in nodes, so one process
   * uses every core (engine/research/pool.ts); without it, every trial runs on the activity's thread.
   */
  trialPool?: TrialPool;
}

/** What the workflow needs to fan a run out: its phases and how many activities to keep in flight. */
export interface ResearchPlanOut {
  phases: Phase[];
  total: number;
  concurrency: number;
}

/** Everything a trial needs, rebuilt from the stored run and cached per process. */
interface RunContext {
  owner: string;
  graph: Graph;
  spec: ResearchSpec;
  dimensions: Dimension[];
  /** Every symbol's bars; `bars` is the first symbol's, whose times are the time line of all. */
  market: Market;
  bars: Bars;
  plan: ResearchLayout;
  execution: Execution;
  /** Built-ins plus the custom node versions the graph pins. */
  registry: Registry;
  /** Indicator columns the run's full-range trials share (one cache per loaded market). */
  columns: ColumnCache;
}


/** A small least-recently-used cache of promises, so concurrent activities share one load. */
function lru<V>(max: number) {
  const map = new Map<string, Promise<V>>();
  return (key: string, load: () => Promise<V>): Promise<V> => {
    let hit = map.get(key);
    if (hit) map.delete(key);
    else {
      hit = load();
      // A failed load is not cached: the next attempt tries again.
      hit.catch(() => map.delete(key));
    }
    map.set(key, hit);
    while (map.size > max) map.delete(map.keys().next().value!);
    return hit;
  };
}

const gone = () => ApplicationFailure.create({ type: 'ResearchGone', message: 'The research run was deleted before it could finish.', nonRetryable: true });

/**
 * Research activities, built from their dependencies. Trials are stored one row each under the primary
 * key (run, trial index), and an activity skips trials already stored, so a retried, duplicated or
 * resumed activity never stores a trial twice and never redoes finished work.
 */
export function createResearchActivities(deps: ResearchActivityDeps) {
  const { orm, log } = deps;
  const identity = deps.identity ?? `${process.pid}@${hostname()}`;
  // Bars are the expensive part to load and are shared by every trial of a run (and by runs on the same data).
  const barsCache = lru<Market>(4);
  const contexts = lru<RunContext>(8);
  const monteCarloBases = lru<{ source: MonteCarloSource; outcome: TrialOutcome }>(4);
  // Per loaded market (at most four are cached), so runs on the same data share indicator columns too.
  const columnCaches = new WeakMap<Market, ColumnCache>();
  const columnsOf = (market: Market) => {
    let cache = columnCaches.get(market);
    if (!cache) columnCaches.set(market, (cache = new ColumnCache(market, TRIAL_COLUMN_BYTES)));
    return cache;
  };

  async function loadRunMarket(owner: string, request: DataRequest): Promise<Market> {
    const key = request.kind === 'synthetic' ? JSON.stringify(request) : `${owner}:${JSON.stringify(request)}`;
    return barsCache(key, async () => {
      const market = await loadMarket(request, datasetReader(orm.em.fork(), owner));
      // With a trial pool, the bars go into shared memory once, for its threads and this one alike.
      return deps.trialPool ? shareMarket(market) : market;
    });
  }

  /**
   * A sweep, in-sample or cost trial's metrics, and its chart-sized curve when `summary`: on the trial
   * pool when there is one and the graph is of built-in nodes, else on this thread.
   */
  async function measure(ctx: RunContext, params: ParamsOverride, how: { window?: { from: number; to: number }; backtest?: TrialSettings['backtest']; columns?: boolean; summary?: boolean }, onProgress: () => Promise<void>, wait: PoolWait) {
    const pool = deps.trialPool;
    if (pool && ctx.registry === pool.registry) {
      const out = await pool.run({ graph: ctx.graph, params, market: ctx.market, window: how.window, backtest: how.backtest, columns: how.columns, summary: how.summary ? TRIAL_CURVE_POINTS : undefined }, wait);
      return { metrics: out.metrics, summary: out.summary ?? [] };
    }
    const out = await measureTrial(ctx.graph, params, ctx.market, { registry: ctx.registry, onProgress, window: how.window, backtest: how.backtest, columnCache: how.columns ? ctx.columns : undefined, summary: how.summary ? TRIAL_CURVE_POINTS : undefined });
    return { metrics: out.metrics, summary: out.summary ?? [] };
  }

  function context(id: string): Promise<RunContext> {
    return contexts(id, async () => {
      const run = await orm.em.fork().findOne(ResearchRun, { id });
      if (!run) throw gone();
      const graph = Graph.parse(run.graph);
      const spec = ResearchSpec.parse(run.spec);
      const execution = Execution.parse(run.execution);
      const custom = await registryOf(run);
      if (custom.problems.length) throw ApplicationFailure.create({ type: 'ResearchPlanFailed', message: custom.problems.map((p) => p.message).join('; '), nonRetryable: true });
      const { registry } = custom;
      const space = paramSpace(graph, registry);
      if (!space.ok) throw ApplicationFailure.create({ type: 'ResearchPlanFailed', message: space.errors.map((e) => e.message).join('; '), nonRetryable: true });
      const market = await loadRunMarket(run.owner, DataRequest.parse(run.data));
      const bars = market.lanes[0]!;
      const plan = layout(spec, space.dimensions, bars.close.length, execution.trialsPerActivity);
      return { owner: run.owner, graph, spec, dimensions: space.dimensions, market, bars, plan, execution, registry, columns: columnsOf(market) };
    });
  }

  /** The registry a run's graph compiles against: the built-in nodes, and its owner's custom nodes it names. */
  function registryOf(run: ResearchRun): Promise<{ registry: Registry; problems: { message: string }[] }> {
    return deps.customNodes ? deps.customNodes.registryFor(orm.em.fork(), run.owner, run.graph) : Promise.resolve({ registry: deps.registry, problems: [] });
  }

  /**
   * A sweep's summary over the trials stored so far, or null (another kind, nothing with a result, or a
   * graph whose params no longer read). Needs the search space, not the bars: a cancel loads no data.
   */
  async function storedSweepSummary(id: string): Promise<ResearchSummary | null> {
    const run = await orm.em.fork().findOne(ResearchRun, { id });
    if (!run) return null;
    const spec = ResearchSpec.parse(run.spec);
    if (spec.kind !== 'sweep') return null;
    const custom = await registryOf(run);
    const space = custom.problems.length ? null : paramSpace(Graph.parse(run.graph), custom.registry);
    if (!space?.ok) return null;
    const { trials } = await storedTrials(orm.em.fork(), id);
    return trials.some((t) => t.metrics) ? sweepSummary(space.dimensions, spec.config.metric, trials) : null;
  }

  /** The run's stored trials, in index order: the rows, and each as the summaries read it. */
  async function storedTrials(em: EntityManager, id: string): Promise<{ rows: ResearchTrial[]; trials: TrialRecord[] }> {
    const rows = await em.find(ResearchTrial, { researchRun: id }, { orderBy: { trialIndex: 'asc' } });
    return { rows, trials: rows.map((r) => ({ trialIndex: r.trialIndex, params: r.params as ParamsOverride, metrics: r.metrics as unknown as Metrics | null, detail: r.detail ?? null, error: r.error ?? null })) };
  }

  function monteCarloBase(id: string, ctx: RunContext, onProgress: () => Promise<void>) {
    return monteCarloBases(id, async () => {
      const params = ctx.spec.kind === 'monteCarlo' ? ctx.spec.config.params : {};
      const outcome = await runTrial(ctx.graph, params, ctx.market, { registry: ctx.registry, onProgress });
      return { outcome, source: { tradePnls: Float64Array.from(outcome.trades, (t) => t.pnl), equity: outcome.equity, initialCash: outcome.startEquity } };
    });
  }

  /** Write progress as the count of stored trials: always right, whichever worker stored them. */
  async function writeProgress(id: string): Promise<void> {
    await orm.em.fork().getConnection().execute(
      `update "research_runs" set "trials_done" = (select count(*) from "research_trials" where "research_run_id" = ?) where "id" = ? and "status" = 'running'`,
      [id, id],
    );
  }

  async function computeTrial(id: string, ctx: RunContext, index: number, work: TrialWork, onProgress: () => Promise<void>, wait: PoolWait): Promise<{ params: ParamsOverride; metrics: Metrics | null; detail: Record<string, unknown> | null }> {
    switch (work.phase) {
      case 'sweep': {
        const { metrics, summary } = await measure(ctx, work.params, { columns: true, summary: true }, onProgress, wait);
        return { params: work.params, metrics, detail: { equity: summary } };
      }
      case 'inSample': {
        const { metrics } = await measure(ctx, work.params, { window: work.window.inSample }, onProgress, wait);
        return { params: work.params, metrics, detail: null };
      }
      case 'outOfSample': {
        const w = work.window;
        const { from, to } = inSampleTrials(ctx.plan, w.index);
        const metric = ctx.spec.kind === 'walkForward' ? ctx.spec.config.metric : 'sharpe';
        const rows = await orm.em.fork().find(ResearchTrial, { researchRun: id, trialIndex: { $gte: from, $lt: to } }, { fields: ['trialIndex', 'params', 'metrics'] });
        const best = bestTrial(rows.map((r) => ({ trialIndex: r.trialIndex, params: r.params as ParamsOverride, metrics: r.metrics as unknown as Metrics | null })), metric);
        const where = {
          window: w.index,
          inSample: { ...w.inSample, startTime: ctx.bars.time[w.inSample.from]!, endTime: ctx.bars.time[w.inSample.to - 1]! },
          outOfSample: { ...w.outOfSample, startTime: ctx.bars.time[w.outOfSample.from]!, endTime: ctx.bars.time[w.outOfSample.to - 1]! },
        };
        if (!best) throw new TrialFailed(`no in-sample trial of window ${w.index} succeeded, so there are no params to test`, where);
        const outcome = await runTrial(ctx.graph, best.params, ctx.market, { registry: ctx.registry, onProgress, window: w.outOfSample });
        const exact = outcome.equity.length <= OOS_CURVE_LIMIT;
        const curve = exact ? { time: [...outcome.time], value: [...outcome.equity] } : splitCurve(thin(outcome.equity, outcome.time, OOS_CURVE_LIMIT));
        const s = score(best.metrics, metric);
        const detail: OutOfSampleDetail = {
          ...where,
          chosenTrial: best.trialIndex,
          inSampleScore: Number.isFinite(s) ? s : null,
          inSampleMetrics: best.metrics!,
          inSampleBars: w.inSample.to - w.inSample.from,
          startEquity: outcome.startEquity,
          ...curve,
          exact,
        };
        return { params: best.params, metrics: outcome.metrics, detail: detail as unknown as Record<string, unknown> };
      }
      case 'monteCarlo': {
        if (ctx.spec.kind !== 'monteCarlo') throw new Error('a Monte Carlo trial in a run of another kind');
        const { config } = ctx.spec;
        const base = await monteCarloBase(id, ctx, onProgress);
        const paths = simulatePaths(base.source, config.method, { seed: config.seed, from: work.from, to: work.to, blockLength: config.blockLength });
        const detail: MonteCarloDetail = { from: work.from, to: work.to, ...paths };
        // Trial 0 also carries the backtest the paths resample, for the chart beside the distribution.
        if (index === 0) detail.base = { metrics: base.outcome.metrics, equity: equitySummary(base.outcome, SUMMARY_CURVE_POINTS), trades: base.outcome.trades.length };
        return { params: config.params, metrics: null, detail: detail as unknown as Record<string, unknown> };
      }
      case 'cost': {
        const { metrics, summary } = await measure(ctx, work.params, { backtest: scaleCosts(ctx.graph.settings, work.commission, work.slippage), columns: true, summary: true }, onProgress, wait);
        return { params: work.params, metrics, detail: { commission: work.commission, slippage: work.slippage, equity: summary } };
      }
    }
  }

  return {
    /**
     * Lay the run out and mark it running. Returns null for a run that already ended (a workflow
     * restarted after its run was finished or cancelled has nothing to do).
     */
    async planResearch(id: string): Promise<ResearchPlanOut | null> {
      const em = orm.em.fork();
      const run = await em.findOne(ResearchRun, { id });
      if (!run) throw gone();
      if (terminalStatuses.includes(run.status)) return null;
      let ctx: RunContext;
      try {
        ctx = await context(id);
      } catch (err) {
        if (err instanceof ResearchPlanError || err instanceof DataError) throw ApplicationFailure.create({ type: 'ResearchPlanFailed', message: err.message, nonRetryable: true });
        throw err;
      }
      await em.nativeUpdate(ResearchRun, { id, status: { $nin: [...terminalStatuses] } }, { status: 'running', trialsTotal: ctx.plan.total, startedAt: run.startedAt ?? new Date() });
      log.info({ researchRunId: id, kind: ctx.spec.kind, trials: ctx.plan.total }, 'research run planned');
      return { phases: ctx.plan.phases, total: ctx.plan.total, concurrency: ctx.execution.concurrency };
    },

    /** Compute and store trials `[from, to)`, skipping those already stored; heartbeats per engine chunk and per trial. */
    async runResearchTrials(id: string, from: number, to: number): Promise<void> {
      const activity = Context.current();
      const em = orm.em.fork();
      // A run deleted meanwhile (its trials went with it) or already ended has nothing left to store.
      const run = await em.findOne(ResearchRun, { id }, { fields: ['status'] });
      if (!run) throw gone();
      if (terminalStatuses.includes(run.status)) return;
      const ctx = await context(id);
      const stored = new Set((await em.find(ResearchTrial, { researchRun: id, trialIndex: { $gte: from, $lt: to } }, { fields: ['trialIndex'] })).map((t) => t.trialIndex));
      const onProgress = async () => {
        activity.heartbeat({ from, to });
        // Let the SDK flush heartbeats and deliver a cancellation between CPU-bound chunks.
        await yieldToEventLoop();
        if (activity.cancellationSignal.aborted) throw activity.cancellationSignal.reason;
      };
      // A pooled trial: heartbeats while it waits for a thread and runs; a cancel stops it at its next chunk.
      const wait: PoolWait = { signal: activity.cancellationSignal, onWait: () => activity.heartbeat({ from, to }) };
      for (let index = from; index < to; index++) {
        if (stored.has(index)) continue;
        await onProgress();
        const started = performance.now();
        const work = trialWork(ctx.spec, ctx.plan, ctx.dimensions, index);
        let row: { params: ParamsOverride; metrics: Metrics | null; detail: Record<string, unknown> | null; error: string | null };
        try {
          row = { ...(await computeTrial(id, ctx, index, work, onProgress, wait)), error: null };
        } catch (err) {
          // A combination the graph cannot run (too little data to warm up, a param pair the graph refuses,
          // params on which a custom node's own code throws) is a result of the search, recorded on its
          // trial; anything else is retried by Temporal.
          const nodeThrew = err instanceof SandboxError && err.code === 'NodeError';
          if (!(err instanceof TrialCompileError || err instanceof DataError || err instanceof TrialFailed || nodeThrew)) throw err;
          row = { params: 'params' in work ? work.params : {}, metrics: null, detail: err instanceof TrialFailed ? err.detail : null, error: err.message };
        }
        // A trial finished after a cancel request is dropped, so a cancelled run stops growing promptly.
        if (activity.cancellationSignal.aborted) throw activity.cancellationSignal.reason;
        try {
          await em.fork().insert(ResearchTrial, {
            researchRun: id,
            trialIndex: index,
            phase: work.phase,
            params: row.params,
            metrics: row.metrics as unknown as Record<string, unknown> | null,
            detail: row.detail,
            error: row.error,
            worker: identity,
            attempt: activity.info.attempt,
            durationMs: Math.round(performance.now() - started),
            createdAt: new Date(),
          });
        } catch (err) {
          // Another attempt stored this trial first (a retry racing a worker presumed dead): keep theirs.
          if (!(err instanceof UniqueConstraintViolationException)) throw err;
        }
      }
      await writeProgress(id);
    },

    /** Summarise the stored trials and mark the run succeeded, unless it already ended. */
    async finishResearch(id: string): Promise<void> {
      const em = orm.em.fork();
      const ctx = await context(id);
      const { rows, trials } = await storedTrials(em, id);
      const phase = (name: string) => trials.filter((_, i) => rows[i]!.phase === name);
      // Nothing to summarise: the run failed, for the reason its trials give (one bad override or too
      // short data fails them all alike).
      const failedTrial = trials.find((t) => t.error !== null);
      if (trials.length > 0 && trials.every((t) => t.error !== null)) {
        const error = `every trial failed; trial #${failedTrial!.trialIndex} (the trials table's #): ${failedTrial!.error}`;
        await em.nativeUpdate(ResearchRun, { id, status: { $nin: [...terminalStatuses] } }, { status: 'failed', trialsDone: rows.length, error, finishedAt: new Date() });
        log.info({ researchRunId: id, trials: rows.length }, 'research run failed: every trial failed');
        return;
      }
      let summary: ResearchSummary;
      const { spec } = ctx;
      if (spec.kind === 'sweep') summary = sweepSummary(ctx.dimensions, spec.config.metric, trials);
      else if (spec.kind === 'walkForward') summary = walkForwardSummary(spec.config.metric, phase('outOfSample'), ctx.graph.settings.initialCash);
      else if (spec.kind === 'monteCarlo') summary = monteCarloSummary(spec.config.method, trials);
      else summary = costSummary(spec.config.commissionMultipliers, spec.config.slippageMultipliers, trials);
      const updated = await em.nativeUpdate(
        ResearchRun,
        { id, status: { $nin: [...terminalStatuses] } },
        { status: 'succeeded', trialsDone: rows.length, summary: summary as unknown as Record<string, unknown>, finishedAt: new Date(), error: null },
      );
      log.info({ researchRunId: id, trials: rows.length, updated }, 'research run finished');
    },

    /**
     * Record a failed or cancelled outcome, unless the run already ended. A cancelled sweep keeps a summary
     * of the trials it stored (the best so far, and what the heatmap draws): they were paid for.
     */
    async failResearch(id: string, status: Extract<RunStatus, 'failed' | 'cancelled'>, error: string): Promise<void> {
      const em = orm.em.fork();
      await writeProgress(id);
      const summary = status === 'cancelled' ? await storedSweepSummary(id) : null;
      await em.nativeUpdate(ResearchRun, { id, status: { $nin: [...terminalStatuses] } }, { status, error, finishedAt: new Date(), ...(summary && { summary: summary as unknown as Record<string, unknown> }) });
      log.info({ researchRunId: id, status, error, summary: summary !== null }, summary ? 'research run ended early, with a summary of its stored trials' : 'research run ended without a summary');
    },
  };
}

/** A trial that cannot produce a result for a reason worth recording on it (not retrying). */
class TrialFailed extends Error {
  readonly detail: Record<string, unknown>;
  constructor(message: string, detail: Record<string, unknown>) {
    super(message);
    this.name = 'TrialFailed';
    this.detail = detail;
  }
}

function splitCurve(points: { time: number; value: number }[]): { time: number[]; value: number[] } {
  return { time: points.map((p) => p.time), value: points.map((p) => p.value) };
}

export type ResearchActivities = ReturnType<typeof createResearchActivities>;
