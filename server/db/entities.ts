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

/**
 * A custom node: TypeScript a user wrote, run in the sandbox (sandbox/, docs/sandbox.md). The row names
 * it (its camelCase type, unique per owner; graphs use `custom.<typeName>`) and counts its versions;
 * the code lives in `custom_node_versions`.
 */
export const CustomNodeSchema = defineEntity({
  name: 'CustomNode',
  tableName: 'custom_nodes',
  properties: {
    id: p.uuid().primary().onCreate(() => crypto.randomUUID()),
    owner: p.string().index(),
    typeName: p.string().length(64),
    /** The newest version's title, so the list needs no join. */
    title: p.string().length(80),
    latestVersion: p.integer().default(1),
    ...timestamps,
  },
  uniques: [{ properties: ['owner', 'typeName'] }],
});
export class CustomNode extends CustomNodeSchema.class {}
CustomNodeSchema.setClass(CustomNode);

/**
 * One saved version of a custom node, never changed after it is written: graphs pin the number, so a
 * backtest re-run later runs exactly this code. `meta` is the definition the sandbox validated
 * (ports, params JSON Schema, defaults), which is what compiling and the palette need without running it.
 */
export const CustomNodeVersionSchema = defineEntity({
  name: 'CustomNodeVersion',
  tableName: 'custom_node_versions',
  properties: {
    id: p.uuid().primary().onCreate(() => crypto.randomUUID()),
    owner: p.string().index(),
    customNode: () => p.manyToOne(CustomNode).deleteRule('cascade'),
    number: p.integer(),
    source: p.text().lazy(),
    /** sha256 of the source: the sandbox's content address, and the cache key of loaded definitions. */
    sourceHash: p.string().length(64),
    meta: p.json<Record<string, unknown>>(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  uniques: [{ properties: ['customNode', 'number'] }],
});
export class CustomNodeVersion extends CustomNodeVersionSchema.class {}
CustomNodeVersionSchema.setClass(CustomNodeVersion);

// ── Deployments (paper, shadow and live trading runs; trading/, workflows/deployment.ts) ──────────────

export const deploymentModes = ['paper', 'shadow', 'live'] as const;
export type DeploymentMode = (typeof deploymentModes)[number];
export const deploymentStatuses = ['running', 'paused', 'stopped', 'failed'] as const;
export type DeploymentStatus = (typeof deploymentStatuses)[number];
export const catchUpPolicies = ['skip', 'flatten', 'halt'] as const;
export type CatchUpPolicy = (typeof catchUpPolicies)[number];

/**
 * One paper, shadow or live deployment of a strategy: its configuration, and the durable state the
 * per-bar activity reads and writes in one transaction (strategy snapshot, risk state, paper venue, the
 * bar cursor). Exchange keys are stored only as an envelope-encrypted blob (trading/secrets.ts).
 */
export const DeploymentSchema = defineEntity({
  name: 'Deployment',
  tableName: 'deployments',
  properties: {
    id: p.uuid().primary().onCreate(() => crypto.randomUUID()),
    owner: p.string().index(),
    strategy: () => p.manyToOne(Strategy).deleteRule('cascade'),
    name: p.string().length(200),
    mode: p.enum(deploymentModes),
    status: p.enum(deploymentStatuses).default('running'),
    /** The graph at creation: later edits to the strategy never change what is trading. */
    graph: p.json<Record<string, unknown>>(),
    /** The venue symbol traded, e.g. BTC/USDT. */
    symbol: p.string().length(64),
    feed: p.json<Record<string, unknown>>(),
    /** `{ kind: 'paper' }` or a ccxt venue config (no secrets). */
    venue: p.json<Record<string, unknown>>(),
    credentials: p.json<Record<string, unknown>>().nullable().lazy(),
    riskLimits: p.json<Record<string, unknown>>(),
    riskState: p.json<Record<string, unknown>>(),
    catchUp: p.enum(catchUpPolicies).default('skip'),
    /** A bar observed longer ago than this is stale: an outage happened. */
    staleAfterMs: p.integer().default(60_000),
    initialCash: p.double().$type<number>(),
    /** Strategy node states after the last bar (trading/strategy-runner.ts), and the last instruction taken. */
    snapshot: p.json<Record<string, unknown>>().nullable(),
    lastInstruction: p.json<Record<string, unknown>>().nullable(),
    /** The paper venue (trading/adapters/paper.ts), for paper deployments. */
    paperState: p.json<Record<string, unknown>>().nullable(),
    /** Stop entry and protective exits the deployment works itself (trading/synthetic-orders.ts); null before any. */
    syntheticState: p.json<Record<string, unknown>>().nullable(),
    /** The venue's base-asset balance when the deployment started: live positions are measured from it. */
    venueBaseline: p.double().$type<number>().nullable(),
    /** Time of the last bar processed (epoch ms); null before the first. */
    cursor: p.double().$type<number>().nullable(),
    barsProcessed: p.integer().default(0),
    startedAt: p.double().$type<number>(),
    lastPrice: p.double().$type<number>().nullable(),
    lastPriceAt: p.double().$type<number>().nullable(),
    equity: p.double().$type<number>().nullable(),
    position: p.double().$type<number>().default(0),
    /** Stale bars were seen and the catch-up policy has not been applied yet. */
    outage: p.boolean().default(false),
    lastReconciledAt: p.datetime().nullable(),
    workflowId: p.string().length(200),
    error: p.text().nullable(),
    ...timestamps,
  },
});
export class Deployment extends DeploymentSchema.class {}
DeploymentSchema.setClass(Deployment);

export const deploymentOrderStatuses = ['pending', 'open', 'filled', 'canceled', 'rejected', 'denied', 'shadow', 'unknown'] as const;
export type DeploymentOrderStatus = (typeof deploymentOrderStatuses)[number];

/**
 * Every order a deployment decided on, allowed or not. The client order id is unique: the row is written
 * (as `pending`) before the order is sent, so a crash between the two leaves evidence, and the same id
 * on the venue makes a second send harmless.
 */
export const DeploymentOrderSchema = defineEntity({
  name: 'DeploymentOrder',
  tableName: 'deployment_orders',
  properties: {
    id: p.uuid().primary().onCreate(() => crypto.randomUUID()),
    deployment: () => p.manyToOne(Deployment).deleteRule('cascade').index(),
    clientOrderId: p.string().length(64).unique(),
    barTime: p.double().$type<number>(),
    symbol: p.string().length(64),
    side: p.string().length(8),
    type: p.string().length(16),
    quantity: p.double().$type<number>(),
    limitPrice: p.double().$type<number>().nullable(),
    /** The reference price the gate checked it against, and when that price was observed. */
    referencePrice: p.double().$type<number>().nullable(),
    referenceAt: p.double().$type<number>().nullable(),
    status: p.enum(deploymentOrderStatuses),
    venueOrderId: p.string().length(100).nullable(),
    filled: p.double().$type<number>().default(0),
    averagePrice: p.double().$type<number>().nullable(),
    reasonCode: p.string().length(64).nullable(),
    message: p.text().nullable(),
    /** The synthetic level that made this order (`stopLoss`, `takeProfit`, `trailingStop`, `stopEntry`, `stopLimitEntry`); null for the strategy's own orders. */
    trigger: p.string().length(32).nullable(),
    /**
     * When the last request to place it left (epoch ms), or, once a send ended without an answer, when it
     * gave up: the request's timestamp is no later. Null until sent (and always on the paper venue).
     */
    sentAt: p.double().$type<number>().nullable(),
    ...timestamps,
  },
});
export class DeploymentOrder extends DeploymentOrderSchema.class {}
DeploymentOrderSchema.setClass(DeploymentOrder);

/** A venue fill. Keyed by (deployment, venue trade id): syncing the same fill twice stores it once. */
export const DeploymentFillSchema = defineEntity({
  name: 'DeploymentFill',
  tableName: 'deployment_fills',
  properties: {
    deployment: () => p.manyToOne(Deployment).primary().deleteRule('cascade'),
    tradeId: p.string().length(100).primary(),
    clientOrderId: p.string().length(64).nullable(),
    venueOrderId: p.string().length(100),
    symbol: p.string().length(64),
    side: p.string().length(8),
    quantity: p.double().$type<number>(),
    price: p.double().$type<number>(),
    fee: p.double().$type<number>(),
    time: p.double().$type<number>(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class DeploymentFill extends DeploymentFillSchema.class {}
DeploymentFillSchema.setClass(DeploymentFill);

export const deploymentAlertStatuses = ['pending', 'sent', 'failed'] as const;

/**
 * The alert outbox: a webhook alert a deployment's committed bar raised, written in that bar's
 * transaction under its delivery id (`webhookDeliveryId(deployment, node, bar time)`), so a retried bar
 * never makes a second alert; then delivered by the steps after it, at least once, with retries.
 */
export const DeploymentAlertSchema = defineEntity({
  name: 'DeploymentAlert',
  tableName: 'deployment_alerts',
  properties: {
    deliveryId: p.uuid().primary(),
    deployment: () => p.manyToOne(Deployment).deleteRule('cascade'),
    nodeId: p.string().length(100),
    barTime: p.double().$type<number>(),
    url: p.text(),
    /** The node's signing secret's name (the secret stays in the worker's environment); null: the default one. */
    secretName: p.string().length(40).nullable(),
    /** The alert's JSON body (workflows/webhooks.ts `AlertPayload`); each attempt signs it afresh. */
    payload: p.json<Record<string, unknown>>(),
    status: p.enum(deploymentAlertStatuses),
    attempts: p.integer().default(0),
    /** Epoch ms: not tried again before this. */
    nextAttemptAt: p.double().$type<number>(),
    lastError: p.text().nullable(),
    receiverStatus: p.integer().nullable(),
    sentAt: p.double().$type<number>().nullable(),
    ...timestamps,
  },
  indexes: [{ properties: ['deployment', 'status'] }],
});
export class DeploymentAlert extends DeploymentAlertSchema.class {}
DeploymentAlertSchema.setClass(DeploymentAlert);

/** Append-only journal of a deployment: risk denials, state changes, controls, reconciliations, outages. */
export const DeploymentEventSchema = defineEntity({
  name: 'DeploymentEvent',
  tableName: 'deployment_events',
  properties: {
    id: p.uuid().primary().onCreate(() => crypto.randomUUID()),
    deployment: () => p.manyToOne(Deployment).deleteRule('cascade'),
    /** Increasing per deployment: the SSE stream's cursor. */
    seq: p.integer(),
    kind: p.string().length(32),
    code: p.string().length(64),
    message: p.text(),
    data: p.json<Record<string, unknown>>().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  uniques: [{ properties: ['deployment', 'seq'] }],
});
export class DeploymentEvent extends DeploymentEventSchema.class {}
DeploymentEventSchema.setClass(DeploymentEvent);

export const entities = [Strategy, StrategyVersion, Dataset, Run, RunResult, ResearchRun, ResearchTrial, CustomNode, CustomNodeVersion, Deployment, DeploymentOrder, DeploymentFill, DeploymentAlert, DeploymentEvent];
