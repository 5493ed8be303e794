import { defineEntity, p } from '@mikro-orm/core';

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
    ...timestamps,
  },
});
export class Strategy extends StrategySchema.class {}
StrategySchema.setClass(Strategy);

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

export const entities = [Strategy, Dataset, Run, RunResult];
