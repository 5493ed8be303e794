import { defineEntity, p } from '@mikro-orm/core';
import { researchKinds } from '../../engine/research/config.ts';

/**
 * Every row that belongs to someone carries its owner. Until accounts exist there is one local user;
 * access is still checked per object so another owner's id reads as 404, not as someone else's data.
 */
export const LOCAL_OWNER = 'local';

const timestamps = {
  createdAt: p.datetime().onCreate(() => new Date()),
  updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
};

export const StrategySchema = defineEntity({
  name: 'Strategy',
  tableName: 'strategies',
  properties: {
    id: p.uuid().primary().onCreate(() => crypto.randomUUID()),
    owner: p.string().index(),
    name: p.string().length(200),
    /** The graph document exactly as the editor saved it (validated on the way in). */
    graph: p.json<Record<string, unknown>>(),
    /** Number of the newest row in `strategy_versions`; 0 only for a strategy saved before versions existed. */
    latestVersion: p.integer().default(0),
    ...timestamps,
  },
});
export class Strategy extends StrategySchema.class {}
StrategySchema.setClass(Strategy);

/**
 * One saved state of a strategy, never changed after it is written: every save of a graph adds a row
 * numbered 1, 2, 3… per strategy, and a restore adds a new row rather than rewriting history.
 */
export const StrategyVersionSchema = defineEntity({
  name: 'StrategyVersion',
  tableName: 'strategy_versions',
  properties: {
    id: p.uuid().primary().onCreate(() => crypto.randomUUID()),
    owner: p.string().index(),
    strategy: () => p.manyToOne(Strategy).deleteRule('cascade'),
    number: p.integer(),
    name: p.string().length(200),
    /** Free text carried with the strategy (e.g. a template's summary, an imported file's description). */
    description: p.text().nullable(),
    graph: p.json<Record<string, unknown>>(),
    /** What the user said about this save, or why it was made ("Restored from version 2"). */
    message: p.string().length(500).nullable(),
    /** The version this one copied, when it was made by a restore. */
    restoredFrom: p.integer().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  uniques: [{ properties: ['strategy', 'number'] }],
});
export class StrategyVersion extends StrategyVersionSchema.class {}
StrategyVersionSchema.setClass(StrategyVersion);

export const DatasetSchema = defineEntity({
  name: 'Dataset',
  tableName: 'datasets',
  properties: {
    id: p.uuid().primary().onCreate(() => crypto.randomUUID()),
    owner: p.string().index(),
    name: p.string().length(200),
    /** The uploaded CSV, kept verbatim so a run can always be reproduced from what the user gave. */
    csv: p.text().lazy(),
    bars: p.integer(),
    startTime: p.datetime(),
    endTime: p.datetime(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class Dataset extends DatasetSchema.class {}
DatasetSchema.setClass(Dataset);

export const runStatuses = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof runStatuses)[number];
export const terminalStatuses: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled'];

export const RunSchema = defineEntity({
  name: 'Run',
  tableName: 'runs',
  properties: {
    id: p.uuid().primary().onCreate(() => crypto.randomUUID()),
    owner: p.string().index(),
    strategy: () => p.manyToOne(Strategy).deleteRule('cascade'),
    /** A snapshot of the graph at start: later edits to the strategy never change what this run was. */
    graph: p.json<Record<string, unknown>>(),
    /** Data chosen at run time, or null for the graph's own data node. */
    data: p.json<Record<string, unknown>>().nullable(),
    status: p.enum(runStatuses).default('queued'),
    barsDone: p.integer().default(0),
    barsTotal: p.integer().default(0),
    /** Activity attempts that started executing: more than one means a worker died and another took over. */
    attempts: p.integer().default(0),
    error: p.text().nullable(),
    workflowId: p.string().length(200),
    metrics: p.json<Record<string, unknown>>().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    startedAt: p.datetime().nullable(),
    finishedAt: p.datetime().nullable(),
  },
});
export class Run extends RunSchema.class {}
RunSchema.setClass(Run);

/** The bulky part of a finished run, one row per run: its primary key makes a second write impossible. */
export const RunResultSchema = defineEntity({
  name: 'RunResult',
  tableName: 'run_results',
  properties: {
    run: () => p.oneToOne(Run).primary().deleteRule('cascade'),
    result: p.json<Record<string, unknown>>(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class RunResult extends RunResultSchema.class {}
RunResultSchema.setClass(RunResult);

/**
 * A research run: a parameter sweep, walk-forward, Monte Carlo or cost-sensitivity study of one strategy.
 * Like a backtest run it snapshots the graph and the resolved data, so later edits never change it.
 */
export const ResearchRunSchema = defineEntity({
  name: 'ResearchRun',
  tableName: 'research_runs',
  properties: {
    id: p.uuid().primary().onCreate(() => crypto.randomUUID()),
    owner: p.string().index(),
    strategy: () => p.manyToOne(Strategy).deleteRule('cascade'),
    kind: p.enum(researchKinds),
    graph: p.json<Record<string, unknown>>(),
    data: p.json<Record<string, unknown>>(),
    /** `{ kind, config }` as validated by engine/research/config.ts. */
    spec: p.json<Record<string, unknown>>(),
    execution: p.json<Record<string, unknown>>(),
    status: p.enum(runStatuses).default('queued'),
    trialsTotal: p.integer().default(0),
    trialsDone: p.integer().default(0),
    error: p.text().nullable(),
    workflowId: p.string().length(200),
    /** The kind's summary (best params, stitched equity, percentile tables…), written once at the end. */
    summary: p.json<Record<string, unknown>>().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    startedAt: p.datetime().nullable(),
    finishedAt: p.datetime().nullable(),
  },
});
export class ResearchRun extends ResearchRunSchema.class {}
ResearchRunSchema.setClass(ResearchRun);

/**
 * One trial of a research run. The primary key (run, trial index) is what makes a retried or duplicated
 * activity harmless: a second write of the same trial is ignored.
 */
export const ResearchTrialSchema = defineEntity({
  name: 'ResearchTrial',
  tableName: 'research_trials',
  properties: {
    researchRun: () => p.manyToOne(ResearchRun).primary().deleteRule('cascade'),
    trialIndex: p.integer().primary(),
    phase: p.string().length(32),
    /** Params by nodeId.param. */
    params: p.json<Record<string, unknown>>(),
    metrics: p.json<Record<string, unknown>>().nullable(),
    /** Per-kind extras: a small equity curve, an out-of-sample window's curve, Monte Carlo path outcomes. */
    detail: p.json<Record<string, unknown>>().nullable(),
    error: p.text().nullable(),
    /** Which worker process computed it (`pid@host`), and on which activity attempt. */
    worker: p.string().length(200),
    attempt: p.integer(),
    durationMs: p.integer(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class ResearchTrial extends ResearchTrialSchema.class {}
ResearchTrialSchema.setClass(ResearchTrial);

export const entities = [Strategy, StrategyVersion, Dataset, Run, RunResult, ResearchRun, ResearchTrial];
