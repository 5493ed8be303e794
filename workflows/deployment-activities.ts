import { setTimeout as sleepFor } from 'node:timers/promises';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { Bars } from '../engine/bars.ts';
import type { SinkEvent } from '../engine/execute.ts';
import { compile, type Plan } from '../engine/compile.ts';
import { chooseData, loadBars } from '../engine/data.ts';
import type { Registry } from '../nodes/registry.ts';
import { SandboxError } from '../sandbox/errors.ts';
import type { CustomNodeHost } from '../server/custom-registry.ts';
import { datasetReader } from '../server/db/dataset-reader.ts';
import { Deployment, DeploymentAlert, DeploymentEvent, DeploymentFill, DeploymentOrder, type DeploymentOrderStatus } from '../server/db/entities.ts';
import type { Orm } from '../server/db/orm.ts';
import { redactSignedQuery, VenueError, type BrokerAdapter, type VenueFill, type VenueOrder } from '../trading/adapter.ts';
import { CcxtConfig, configureExchange, createCcxtAdapter, type ExchangeCredentials } from '../trading/adapters/ccxt.ts';
import { PaperBroker, PaperState } from '../trading/adapters/paper.ts';
import { applyFill, bookFromFills, equityOf, type Book, type BookFill } from '../trading/book.ts';
import { assetsOf, DeploymentControl, VenueConfig, type DeploymentSummary } from '../trading/config.ts';
import { checkParamChange, describeChanges, restartNodeStates } from '../trading/param-change.ts';
import { ccxtPoll, FeedConfig, replayPoll, type FeedBar, type FeedPoll } from '../trading/feeds.ts';
import { flattenOrder, planInstruction, sameInstruction } from '../trading/gateway.ts';
import { applyControl, checkOrder, HaltCode, observeEquity, RiskLimits, RiskState, tradingState, type ProposedOrder } from '../trading/risk-gate.ts';
import { decryptSecret, Envelope, parseMasterKey } from '../trading/secrets.ts';
import { cancelEntry, isTradableBar, loadSyntheticState, runSyntheticBar, syntheticLiveNotice, takeInstruction, usesSynthetic } from '../trading/synthetic-orders.ts';
import { decodeState, encodeState, evaluateBar, type BarEvaluation, type Instruction, type StrategySnapshot } from '../trading/strategy-runner.ts';

import type { WebhookAlertParams } from '../nodes/output/webhookAlert/index.ts';
import { isExitRow, syntheticCancelReasons, syntheticIO } from './deployment-synthetic.ts';
import { alertPayload, allowPrivateFromEnv, deliverWebhook, resolveWebhookSecret, webhookDeliveryId, WebhookConfigError, WebhookDeliveryError, type AlertPayload } from './webhooks.ts';

export interface DeploymentActivityDeps {
  orm: Orm;
  registry: Registry;
  /**
   * Compiles strategies with the deployment owner's custom nodes, at the versions the graph pins, and
   * runs them in this worker's sandbox pool; without it only built-in nodes compile.
   */
  customNodes?: CustomNodeHost;
  log: Logger;
  /** Wall clock; tests move it to make bars stale. */
  now?: () => number;
  /** The master key for exchange credentials; read from TRADELOOM_MASTER_KEY when absent. */
  masterKey?: () => Buffer;
  /** Bars processed per step activity: small, so controls (the kill switch) wait at most one step. */
  barsPerStep?: number;
  /** Waits `ms` (before an unknown order is looked up, `lateArrivalMs`); tests that own the clock replace it. */
  sleep?: (ms: number) => Promise<unknown>;
  /** Where webhook signing secrets and TRADELOOM_WEBHOOK_ALLOW_PRIVATE are read (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

export interface StepResult {
  summary: DeploymentSummary;
  processed: number;
  /** When to step again when nothing was processed. */
  waitMs: number;
  /** The feed has no more bars (a replay that finished). */
  ended: boolean;
}

const working: DeploymentOrderStatus[] = ['open', 'unknown'];
/** Working orders marked with one of these are cancelled on the venue by the next send. */
const cancelReasons = new Set<string>(['REPLACED', 'KILL_SWITCH', 'STOPPED', ...syntheticCancelReasons]);

/**
 * An order whose placement outcome is unknown (its request is out, or came back with a timeout, a dropped
 * connection or a 5xx): looked up and, if the venue has not seen it, sent again under the same client
 * order id until the venue answers. The lookup waits until the original can no longer arrive (the
 * adapter's `lateArrivalMs` after `sentAt`): Binance keeps ids unique only among open orders, so an
 * original executed after a resend of the same market order would be a second order. After that wait,
 * "not found" means it never arrived, and one that never arrived is not lost.
 */
const resendable = (row: Pick<DeploymentOrder, 'status'>) => row.status === 'unknown';

/**
 * Alert delivery from the outbox (`deliverAlerts`): at most this many per step, each attempt given this
 * long; a failed attempt that may pass is tried again after 5 s, then 10 s, 20 s … (at most 10 min
 * apart), eight tries in all over about ten minutes, then the alert fails.
 */
const alertsPerStep = 20;
const alertTimeoutMs = 5000;
const alertAttempts = 8;
const alertFirstPauseMs = 5000;
const alertMaxPauseMs = 10 * 60_000;

/** A journal entry: kind, code, message and optional data (see `DeploymentEvent`). */
type JournalEntry = [kind: string, code: string, message: string, data?: Record<string, unknown>];

/**
 * The journal entries of what marking the equity did to the gate: a drawdown halt or the daily-loss limit,
 * each recorded on the bar it trips (the gate keeps it set until a person re-enables, or the next UTC day,
 * so it is recorded once), so the journal says why trading stopped, as it does for the gate's own halts.
 */
const equityLimitEvents = (before: RiskState, after: RiskState): JournalEntry[] => {
  const entries: JournalEntry[] = [];
  if (!before.halt && after.halt) entries.push(['risk', after.halt.code, `halted: ${after.halt.message}`]);
  if (!before.dailyLoss && after.dailyLoss) entries.push(['risk', after.dailyLoss.code, `only reducing orders until the next UTC day: ${after.dailyLoss.message}`]);
  return entries;
};

/** A stored fill as the book needs it, plus what orders the fills. */
interface StoredFill extends BookFill {
  time: number;
  tradeId: string;
}

const toStoredFill = (f: Pick<DeploymentFill, 'side' | 'quantity' | 'price' | 'fee' | 'time' | 'tradeId'>): StoredFill => ({ side: f.side === 'sell' ? 'sell' : 'buy', quantity: f.quantity, price: f.price, fee: f.fee, time: f.time, tradeId: f.tradeId });

/** The stored order of fills (time, then trade id), which the book is folded in. */
const sortFills = (fills: StoredFill[]): StoredFill[] => fills.sort((a, b) => a.time - b.time || (a.tradeId < b.tradeId ? -1 : a.tradeId > b.tradeId ? 1 : 0));

/** A step's memory between its bars (see `openStep`). */
interface Step {
  em: EntityManager;
  /** The deployment as of the last commit, detached: never flushed. */
  d: Deployment;
  /** Pending, working and unknown order rows, tracked by `em`, oldest first. */
  orders: DeploymentOrder[];
  /** Every stored fill, in the book's order. */
  fills: StoredFill[];
  /** Paper: the venue as of the last commit, in step with `d`. */
  venue: BrokerAdapter | undefined;
}

/**
 * Run `work` in a transaction bound to `em` itself (not a fork), so the rows `em` tracks are flushed
 * with it at the commit. `work` answering false rolls everything back.
 */
async function inTransaction(em: EntityManager, work: () => Promise<boolean | void>): Promise<boolean> {
  await em.begin();
  try {
    if ((await work()) === false) {
      await em.rollback();
      return false;
    }
    await em.commit();
    return true;
  } catch (err) {
    await em.rollback().catch(() => undefined);
    throw err;
  }
}

/** The deployment was failed because its strategy cannot evaluate a bar (see `evaluate`). */
class StrategyFailed extends Error {}

/**
 * Activities of a deployment (workflows/deployment.ts). Each is idempotent: Temporal runs an activity at
 * least once, and a worker may die at any line. The guarantees come from three rules:
 * 1. A bar is processed in one database transaction guarded by the bar cursor, so it happens once.
 * 2. An order is written (`pending`) before it is sent, under a client order id derived from the
 *    deployment, the bar and the node, so a resend after a crash finds the venue's copy instead of making
 *    a second order (trading/adapters/ccxt.ts turns the venue's duplicate error into that copy).
 * 3. Fills are keyed by the venue's trade id, and positions are rebuilt from fills, never edited.
 * Exchange keys are decrypted here, in memory, and never returned, logged or put in workflow history.
 */
export function createDeploymentActivities(deps: DeploymentActivityDeps) {
  const { orm, registry, log } = deps;
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? sleepFor;
  const env = deps.env ?? process.env;
  const barsPerStep = deps.barsPerStep ?? 20;
  const masterKey = deps.masterKey ?? (() => parseMasterKey(process.env.TRADELOOM_MASTER_KEY));
  // Per process: compiled plans, replay series and venue connections, keyed by deployment.
  const plans = new Map<string, { plan: Plan; nodeId: string; graph: string }>();
  const series = new Map<string, Bars>();
  const venues = new Map<string, BrokerAdapter>();
  const feeds = new Map<string, ReturnType<typeof configureExchange>>();

  const planOf = async (d: Deployment) => {
    // Keyed by the graph too: a params control (possibly applied by another worker) changes it.
    const graph = JSON.stringify(d.graph);
    let p = plans.get(d.id);
    if (!p || p.graph !== graph) {
      // The graph was copied into the deployment when it was created, and custom node versions are
      // never changed, so the plan only changes when a params control changes the graph.
      const compiled = deps.customNodes ? await deps.customNodes.compile(orm.em.fork(), d.owner, d.graph) : compile(d.graph, registry);
      if (!compiled.ok) throw ApplicationFailure.create({ type: 'CompileFailed', message: `The strategy does not compile: ${compiled.errors.map((e) => e.message).join('; ')}`, nonRetryable: true });
      const plan = compiled.plan;
      const node = plan.nodes.find((n) => Object.values(n.outputSlots).includes(plan.orderSlot));
      p = { plan, nodeId: node?.id ?? 'order', graph };
      plans.set(d.id, p);
    }
    return p;
  };

  const load = async (em: EntityManager, id: string): Promise<Deployment> => {
    const d = await em.findOne(Deployment, { id }, { populate: ['credentials'], refresh: true });
    if (!d) throw ApplicationFailure.create({ type: 'DeploymentGone', message: `deployment ${id} no longer exists`, nonRetryable: true });
    return d;
  };

  /** The venue a deployment trades on; paper venues are rebuilt from their persisted state each time. */
  const venueOf = async (d: Deployment): Promise<BrokerAdapter | undefined> => {
    if (d.mode === 'shadow') return undefined;
    const venue = VenueConfig.parse(d.venue);
    if (venue.kind === 'paper') return new PaperBroker((await planOf(d)).plan.settings, PaperState.parse(d.paperState), assetsOf(d.symbol).quote);
    let a = venues.get(d.id);
    if (!a) {
      if (!d.credentials) throw ApplicationFailure.create({ type: 'NoCredentials', message: 'a live deployment needs exchange keys', nonRetryable: true });
      const keys = decryptSecret(masterKey(), d.id, Envelope.parse(d.credentials)) as ExchangeCredentials;
      a = createCcxtAdapter(CcxtConfig.parse(venue), keys);
      venues.set(d.id, a);
    }
    return a;
  };

  /**
   * Append entries to the deployment's journal in one statement, inside `em`'s transaction when it has
   * one. Their `seq` continues from the last stored one, numbered by the statement itself (every row's
   * subquery sees the table as it was before the insert), so no read is needed first; two writers racing
   * for a number collide on the (deployment, seq) key and the loser fails instead of reusing it.
   */
  const insertEvents = async (em: EntityManager, deploymentId: string, entries: readonly JournalEntry[]): Promise<void> => {
    if (!entries.length) return;
    const rows = entries.map((_, i) => `(?, ?, (select coalesce(max(seq), 0) from deployment_events where deployment_id = ?) + ${i + 1}, ?, ?, ?, ?::jsonb, ?)`);
    const params = entries.flatMap(([kind, code, message, data]) => [crypto.randomUUID(), deploymentId, deploymentId, kind, code, message, data ? JSON.stringify(data) : null, new Date()]);
    await em.getConnection().execute(`insert into deployment_events (id, deployment_id, seq, kind, code, message, data, created_at) values ${rows.join(', ')}`, params, 'run', em.getTransactionContext());
  };

  const addEvent = (em: EntityManager, d: Pick<Deployment, 'id'>, kind: string, code: string, message: string, data?: Record<string, unknown>) => insertEvents(em, d.id, [[kind, code, message, data]]);

  /** The rows a step still has to look after: not sent yet, working, or unknown. Oldest first. */
  const liveRows = (em: EntityManager, id: string) => em.find(DeploymentOrder, { deployment: id, status: { $in: ['pending', ...working] } }, { orderBy: { createdAt: 'asc' } });

  const bookOf = async (em: EntityManager, d: Deployment): Promise<Book> => bookFromFills(d.initialCash, await storedFills(em, d.id));

  /** Every stored fill of a deployment, in the book's order, as plain data (not tracked by `em`). */
  const storedFills = async (em: EntityManager, id: string): Promise<StoredFill[]> => {
    const rows = await em.find(DeploymentFill, { deployment: id }, { orderBy: { time: 'asc', tradeId: 'asc' }, fields: ['tradeId', 'side', 'quantity', 'price', 'fee', 'time'], disableIdentityMap: true });
    return rows.map(toStoredFill);
  };

  const summaryOf = (d: Deployment): DeploymentSummary => {
    const risk = RiskState.parse(d.riskState);
    return {
      id: d.id,
      mode: d.mode,
      status: d.status,
      tradingState: tradingState(risk),
      barsProcessed: d.barsProcessed,
      cursor: d.cursor ?? null,
      equity: d.equity ?? null,
      position: d.position,
      lastPrice: d.lastPrice ?? null,
      halt: risk.halt ? `${risk.halt.code}: ${risk.halt.message}` : null,
      killSwitch: risk.killSwitch !== null,
    };
  };

  /** Apply the venue's view of one of our orders to its row. */
  const applyVenueOrder = (row: DeploymentOrder, v: VenueOrder) => {
    row.venueOrderId = v.venueOrderId;
    row.filled = v.filled;
    row.averagePrice = Number.isFinite(v.averagePrice) ? v.averagePrice : null;
    row.status = v.status === 'open' ? 'open' : v.status === 'closed' ? 'filled' : v.status === 'canceled' || v.status === 'expired' ? 'canceled' : 'rejected';
  };

  /**
   * Halt, written straight to the row (and to `d` in memory): `d` may be a step's detached copy, which
   * is never flushed.
   */
  const halt = async (em: EntityManager, d: Deployment, code: (typeof HaltCode)[keyof typeof HaltCode], message: string) => {
    const risk = RiskState.parse(d.riskState);
    if (risk.halt) return;
    const next = applyControl(risk, { type: 'halt', code, message }, now());
    await em.nativeUpdate(Deployment, { id: d.id }, { riskState: next });
    d.riskState = next;
    await addEvent(em, d, 'risk', code, `halted: ${message}`);
    log.warn({ deploymentId: d.id, code, message }, 'deployment halted');
  };

  /**
   * Store the venue's fills we do not have yet, and return them. A fill of an order we cannot name is
   * exposure we did not create or cannot account for: returned so the caller halts.
   */
  const syncFills = async (em: EntityManager, d: Deployment, venue: BrokerAdapter): Promise<{ added: StoredFill[]; unknown: string[] }> => {
    const rows = await em.find(DeploymentOrder, { deployment: d.id, venueOrderId: { $ne: null } });
    const byVenueId = new Map(rows.map((r) => [r.venueOrderId!, r.clientOrderId]));
    const [last] = await em.getConnection().execute<{ t: number | null }[]>('select max(time) as t from deployment_fills where deployment_id = ?', [d.id], 'all', em.getTransactionContext());
    // Re-read a margin before the last stored fill: trades of one millisecond can straddle two syncs. Before
    // the first, a margin before the start: the venue's clock may stamp our first trades a little earlier.
    const since = last?.t != null ? Number(last.t) - 60_000 : d.startedAt - 60_000;
    const fills = await venue.fillsSince(d.symbol, since);
    const stored = new Set((await em.find(DeploymentFill, { deployment: d.id, time: { $gte: since } }, { fields: ['tradeId'], disableIdentityMap: true })).map((f) => f.tradeId));
    const unknown: string[] = [];
    const added: DeploymentFill[] = [];
    for (const f of fills) {
      if (stored.has(f.tradeId)) continue;
      const coid = f.clientOrderId ?? byVenueId.get(f.venueOrderId);
      if (!coid) {
        // The margin's other trades came before this deployment (a previous one on the same keys): the
        // account's holdings then are its starting balance (`venueBaseline`), not exposure it must explain.
        if (f.time < d.startedAt) continue;
        unknown.push(`trade ${f.tradeId} of venue order ${f.venueOrderId}`);
        continue;
      }
      // By reference: `d` may be a step's detached copy, which must never be flushed.
      added.push(em.create(DeploymentFill, { deployment: em.getReference(Deployment, d.id), tradeId: f.tradeId, clientOrderId: coid, venueOrderId: f.venueOrderId, symbol: f.symbol, side: f.side, quantity: f.quantity, price: f.price, fee: f.fee, time: f.time }));
    }
    await em.flush();
    return { added: added.map(toStoredFill), unknown };
  };

  /**
   * A deployment that ends (stopped, failed) takes no more steps, and a step stores fills only at its next
   * bar: store the fills of a real venue now, once its orders are cancelled, and write the position and
   * equity they make, so the book it ends with is the venue's. A fill we cannot name halts, as in a step.
   * A venue that cannot answer does not hold the stop up (it would wait for the venue): journaled instead.
   */
  const settleFills = async (em: EntityManager, d: Deployment, venue: BrokerAdapter | undefined): Promise<void> => {
    if (!venue || venue instanceof PaperBroker) return; // the paper venue's fills are stored with their bar
    let unknown: string[];
    try {
      ({ unknown } = await syncFills(em, d, venue));
    } catch (err) {
      if (!(err instanceof VenueError)) throw err;
      log.warn({ deploymentId: d.id, err: err.message }, 'could not store the last fills of an ending deployment');
      await addEvent(em, d, 'reconcile', 'FILLS_NOT_SYNCED', `the venue's last fills could not be read as the deployment ended (${err.message}): the position shown may miss them`);
      return;
    }
    const book = await bookOf(em, d);
    const marked = { position: book.position, ...(d.lastPrice != null && { equity: equityOf(book, d.lastPrice) }) };
    await em.nativeUpdate(Deployment, { id: d.id }, marked);
    Object.assign(d, marked);
    if (unknown.length) await halt(em, d, HaltCode.unknownExposure, `${unknown.join('; ')} is not ours`);
  };

  /**
   * Reconcile the deployment with its venue: every order we know of, every working order the venue
   * knows of, every fill, and (live) the venue's balance against our position. Anything unexplained
   * halts the deployment; a venue that cannot answer fails the activity (retried), never reads as flat.
   */
  const reconcile = async (em: EntityManager, d: Deployment): Promise<void> => {
    const venue = await venueOf(d);
    if (!venue) return;
    const ours = await em.find(DeploymentOrder, { deployment: d.id, status: { $in: ['pending', ...working] } });
    for (const row of ours) {
      const v = await venue.fetchOrder(d.symbol, row.clientOrderId);
      if (v) applyVenueOrder(row, v);
      else if (row.status === 'open') {
        // The venue acknowledged it once and no longer knows it: nothing of it is left to work.
        row.status = 'canceled';
        row.message = 'the venue has no order with this id: it never arrived';
      }
      // Pending and unknown rows the venue has not seen are left to `sendPending`: an unknown one may be in
      // flight or not yet visible, so it is looked up again there once its original can no longer arrive,
      // and only then sent again under its id (see `resendable`).
    }
    await em.flush();
    const known = new Set((await em.find(DeploymentOrder, { deployment: d.id }, { fields: ['clientOrderId'] })).map((r) => r.clientOrderId));
    const strangers = (await venue.openOrders(d.symbol)).filter((o) => !known.has(o.clientOrderId));
    const { unknown: unknownFills } = await syncFills(em, d, venue);
    const problems = [...strangers.map((o) => `working venue order ${o.clientOrderId || o.venueOrderId} is not ours`), ...unknownFills.map((f) => `${f} is not ours`)];
    const book = await bookOf(em, d);
    if (venue.kind === 'ccxt') {
      const balances = await venue.balances();
      const { base } = assetsOf(d.symbol);
      const held = balances[base];
      if (held === undefined || !Number.isFinite(held)) problems.push(`the venue reported no ${base} balance: a missing report is not a flat position`);
      else {
        if (d.venueBaseline === null || d.venueBaseline === undefined) d.venueBaseline = held - book.position;
        const venuePosition = held - d.venueBaseline;
        if (Math.abs(venuePosition - book.position) > 1e-8 * Math.max(1, Math.abs(book.position))) {
          problems.push(`the venue holds ${venuePosition} ${base} for this deployment, its fills say ${book.position}`);
        }
      }
    }
    d.position = book.position;
    d.lastReconciledAt = new Date();
    await em.flush();
    if (problems.length) await halt(em, d, HaltCode.unknownExposure, problems.join('; '));
    await addEvent(em, d, 'reconcile', problems.length ? 'MISMATCH' : 'OK', problems.length ? `reconciliation found ${problems.length} problem(s)` : `reconciled with the venue: position ${book.position}`, { position: book.position });
  };

  /**
   * Cancel replaced and killed orders, then send what is pending. Safe to repeat at any point. `rows` are
   * the deployment's pending, working and unknown rows as `em` tracks them (see `liveRows`); they are
   * updated in place, and nothing is read when none of them needs the venue.
   */
  const sendPending = async (em: EntityManager, d: Deployment, venue: BrokerAdapter | undefined, rows: readonly DeploymentOrder[]): Promise<void> => {
    if (!venue) return;
    const toCancel = rows.filter((r) => working.includes(r.status) && r.reasonCode !== null && r.reasonCode !== undefined && cancelReasons.has(r.reasonCode));
    const pending = rows.filter((r) => r.status === 'pending' || (resendable(r) && !toCancel.includes(r)));
    if (!toCancel.length && !pending.length) return;
    const limits = RiskLimits.parse(d.riskLimits);
    // A crash can delay a send: never send on a reference price the gate would now call stale.
    const tooOld = (row: DeploymentOrder) => row.referenceAt !== null && row.referenceAt !== undefined && now() - row.referenceAt > limits.maxReferenceAgeMs;
    // Before an unknown row is looked up (to resend or cancel it): until then its original may still arrive.
    const lateArrivalPassed = async (row: DeploymentOrder) => {
      if (row.status !== 'unknown' || row.sentAt == null || venue.lateArrivalMs === undefined) return;
      const wait = row.sentAt + venue.lateArrivalMs - now();
      if (wait > 0) await sleep(wait);
    };
    const refuseStale = async (row: DeploymentOrder) => {
      // An unknown row may be on the venue after all: only one it has not seen is left unsent.
      await lateArrivalPassed(row);
      const v = row.status === 'unknown' ? await venue.fetchOrder(d.symbol, row.clientOrderId) : undefined;
      if (v) return applyVenueOrder(row, v);
      row.status = 'canceled';
      row.reasonCode = 'STALE_REFERENCE';
      row.message = 'not sent: its reference price went stale before it could be sent';
    };
    const placeRequest = (row: DeploymentOrder) => ({ clientOrderId: row.clientOrderId, symbol: row.symbol, side: row.side === 'sell' ? ('sell' as const) : ('buy' as const), quantity: row.quantity, type: row.type === 'limit' ? ('limit' as const) : ('market' as const), limitPrice: row.limitPrice ?? undefined });
    // bench/trading.ts measures bar arrival → order at the venue from this line (debug: free when off).
    const logSent = (row: DeploymentOrder, sentAt: number) => log.debug({ deploymentId: d.id, clientOrderId: row.clientOrderId, barObservedAt: row.referenceAt, sentAt }, 'order sent');

    if (venue instanceof PaperBroker) {
      // The paper venue lives in our database: every cancel and send happens on its state in memory, and
      // then the venue's state and the rows that mirror it are written in one transaction. Either both are
      // stored or neither is: never a row the venue does not back (an order "that never arrived", or a
      // cancelled one that still fills), and a send that was not stored is simply sent again, under the
      // same client order id, by the next step.
      const events: JournalEntry[] = [];
      const sent: [DeploymentOrder, number][] = [];
      for (const row of toCancel) {
        const v = (await venue.cancelOrder(d.symbol, row.clientOrderId)) ?? (await venue.fetchOrder(d.symbol, row.clientOrderId));
        if (v) applyVenueOrder(row, v);
        else row.status = 'canceled';
      }
      for (const row of pending) {
        if (tooOld(row)) {
          await refuseStale(row);
          continue;
        }
        const sentAt = now();
        try {
          applyVenueOrder(row, await venue.placeOrder(placeRequest(row)));
          sent.push([row, sentAt]);
        } catch (err) {
          // The paper venue answers at once: anything but a refusal is a bug, not an outage.
          if (!(err instanceof VenueError) || err.kind !== 'rejected') throw err;
          row.status = 'rejected';
          row.reasonCode = 'VENUE_REJECTED';
          row.message = err.message;
          events.push(['order', 'VENUE_REJECTED', `the venue refused ${row.clientOrderId}: ${err.message}`]);
        }
      }
      await inTransaction(em, async () => {
        await em.nativeUpdate(Deployment, { id: d.id }, { paperState: venue.state as unknown as Record<string, unknown> });
        await insertEvents(em, d.id, events);
      });
      for (const [row, sentAt] of sent) logSent(row, sentAt);
      return;
    }

    // A real venue: one call at a time, each answer stored before the next call.
    for (const row of toCancel) {
      // "No such order" for an unknown one is final only once its original can no longer arrive.
      await lateArrivalPassed(row);
      const v = (await venue.cancelOrder(d.symbol, row.clientOrderId)) ?? (await venue.fetchOrder(d.symbol, row.clientOrderId));
      if (v) applyVenueOrder(row, v);
      else row.status = 'canceled';
      await em.flush();
    }
    let venueError: VenueError | undefined;
    for (const row of pending) {
      if (tooOld(row)) {
        await refuseStale(row);
        await em.flush();
        continue;
      }
      try {
        // An unknown row is looked up first, once its original can no longer arrive, and sent again only if
        // the venue has not seen it: a 5xx can come back for an order the venue executed, and a venue that
        // keeps ids unique only among open orders (Binance) would take a resend of a filled one as a second
        // order.
        await lateArrivalPassed(row);
        const seen = row.status === 'unknown' ? await venue.fetchOrder(d.symbol, row.clientOrderId) : undefined;
        if (seen) {
          applyVenueOrder(row, seen);
          await em.flush();
          continue;
        }
        // Unknown from the moment the request can leave: a worker that dies before the answer is stored
        // leaves a row that is looked up, not one that is taken as never sent.
        const sentAt = now();
        row.status = 'unknown';
        row.sentAt = sentAt;
        await em.flush();
        applyVenueOrder(row, await venue.placeOrder(placeRequest(row)));
        await em.flush();
        logSent(row, sentAt);
      } catch (err) {
        if (!(err instanceof VenueError)) throw err;
        if (err.kind === 'rejected') {
          row.status = 'rejected';
          row.reasonCode = 'VENUE_REJECTED';
          row.message = err.message;
          await em.flush();
          await addEvent(em, d, 'order', 'VENUE_REJECTED', `the venue refused ${row.clientOrderId}: ${err.message}`);
        } else {
          // Maybe placed: keep it visible and let the retry resend it under the same id. The request was
          // stamped no later than now, so a late original can arrive until `lateArrivalMs` from here.
          row.status = 'unknown';
          row.sentAt = now();
          row.message = err.message;
          await em.flush();
          venueError ??= err;
        }
      }
    }
    if (venueError) throw venueError;
  };

  const nextBars = async (d: Deployment, max: number): Promise<FeedPoll> => {
    const feed = FeedConfig.parse(d.feed);
    if (feed.kind === 'replay') {
      let bars = series.get(d.id);
      if (!bars) {
        const request = chooseData((await planOf(d)).plan.data.request, feed.data);
        bars = await loadBars(request, datasetReader(orm.em.fork(), d.owner));
        series.set(d.id, bars);
      }
      return replayPoll(bars, feed, d.startedAt, d.cursor ?? null, now(), max);
    }
    let source = feeds.get(d.id);
    if (!source) {
      source = configureExchange(CcxtConfig.parse({ exchange: feed.exchange, sandbox: feed.sandbox, baseUrl: feed.baseUrl }), { apiKey: '', secret: '' });
      feeds.set(d.id, source);
    }
    try {
      return await ccxtPoll(source, feed, d.cursor ?? null, now(), max);
    } catch (err) {
      throw new VenueError('unavailable', `market data: ${(err as Error).message}`, { cause: err });
    }
  };

  /**
   * The strategy on one bar. Custom nodes run in this worker's sandbox: if it crashes, runs out of time
   * or memory, or the node's code throws, nothing of the bar has been committed yet, so the activity
   * attempt fails with a message that says so and Temporal retries it; the retry reconciles first and
   * evaluates the bar again from the state saved after the previous bar, under the same client order
   * ids. The first failure of a step is also recorded as a `strategy` event for the user to see.
   *
   * The node's own code failing (`NodeError`) is deterministic: the sandbox has no clock and a seeded
   * random generator, so the same state and bar fail again. Retried forever it would block the workflow
   * in that step, where not even a stop control is applied; so when the retry fails too, the deployment
   * fails (`failStrategy`) and the step ends normally.
   */
  const evaluate = async (em: EntityManager, d: Deployment, bar: FeedBar, run: () => Promise<BarEvaluation>): Promise<BarEvaluation> => {
    try {
      return await run();
    } catch (err) {
      if (!(err instanceof SandboxError)) throw err;
      const attempt = Context.current().info.attempt;
      const when = new Date(bar.time).toISOString();
      if (err.code === 'NodeError' && attempt > 1) {
        await failStrategy(em, d, `a custom node's code failed on the bar of ${when} again (${err.message}): the deployment stopped trading; fix the node, save a new version and deploy again`);
        throw new StrategyFailed();
      }
      const message = `a custom node failed on the bar of ${when} (${err.message}); nothing of that bar was committed and the step is retried`;
      log.warn({ deploymentId: d.id, code: err.code, bar: bar.time }, message);
      if (attempt === 1) {
        // A fork of its own: the bar's entity manager holds rows that must not be flushed now.
        const fork = em.fork();
        await addEvent(fork, fork.getReference(Deployment, d.id), 'strategy', err.code, message).catch((e: unknown) => log.warn({ err: e, deploymentId: d.id }, 'could not record the custom node failure'));
      }
      throw ApplicationFailure.create({ type: err.code, message, cause: err });
    }
  };

  /** The strategy cannot go on: the deployment fails, and its orders are cancelled as on a stop. */
  const failStrategy = async (em: EntityManager, d: Deployment, message: string): Promise<void> => {
    const fork = em.fork();
    const current = await load(fork, d.id);
    if (current.status !== 'running' && current.status !== 'paused') return;
    // Orders first, as the stop control cancels them: an order already sent (a paper market order waiting
    // for the next open) is cancelled at the venue before the deployment shows as failed, so it is never
    // seen failed with an order still working. A crash in between leaves it running, and the retried bar
    // fails the same way and gets here again.
    await fork.transactional(async (tx) => {
      await tx.nativeUpdate(DeploymentOrder, { deployment: d.id, status: { $in: working } }, { reasonCode: 'STOPPED' });
      await tx.nativeUpdate(DeploymentOrder, { deployment: d.id, status: 'pending' }, { status: 'canceled', reasonCode: 'STOPPED', message: 'the deployment failed before it was sent' });
    });
    const venue = await venueOf(current);
    await sendPending(fork, current, venue, await liveRows(fork, d.id));
    await settleFills(fork, current, venue);
    // The status and its journal entry together: nobody sees one without the other.
    const failed = await fork.transactional(async (tx) => {
      const updated = await tx.nativeUpdate(Deployment, { id: d.id, status: { $in: ['running', 'paused'] } }, { status: 'failed', error: message });
      if (updated === 1) await addEvent(tx, d, 'strategy', 'FAILED', message);
      return updated === 1;
    });
    if (failed) log.error({ deploymentId: d.id }, message);
  };

  /**
   * What one step activity keeps in memory from bar to bar, so a bar costs one transaction instead of a
   * dozen reads: the deployment as of its last commit, its live order rows, its fills (the book), and for
   * paper its venue. All of it was read once, at the start of the step.
   */
  const openStep = async (id: string): Promise<Step> => {
    // `commit`: `em` writes only when told to, never on a read that happens to follow a change.
    const em = orm.em.fork({ flushMode: 'commit' });
    // Detached (loaded through a fork of its own and never flushed): every write to the deployment's row
    // is an explicit update, the bar's guarded by its cursor, so a stale copy can never be written back.
    const [d, orders, fills] = await Promise.all([load(orm.em.fork(), id), liveRows(em, id), storedFills(em, id)]);
    return { em, d, orders, fills, venue: await venueOf(d) };
  };

  /** After a write: forget the rows that no longer need the venue. */
  const pruneRows = (step: Step) => {
    step.orders = step.orders.filter((r) => r.status === 'pending' || working.includes(r.status));
  };

  /**
   * The outbox rows of a bar's webhook alerts (made, not persisted): one per alert, under the delivery id
   * derived from the deployment, the node and the bar's time, so whichever attempt commits the bar writes
   * the same id, and a receiver can drop a repeat.
   */
  const alertRows = (em: EntityManager, d: Deployment, plan: Plan, raised: readonly SinkEvent[], barTime: number, t: number): DeploymentAlert[] =>
    raised
      .filter((e) => e.kind === 'webhook')
      .map((e) => {
        const params = plan.nodes.find((n) => n.id === e.nodeId)!.params as WebhookAlertParams;
        const deliveryId = webhookDeliveryId(d.id, e.nodeId, barTime);
        const payload = alertPayload({ deliveryId, runId: d.id, template: params.message, event: { ...e, time: barTime, bar: d.barsProcessed }, test: false });
        return em.create(DeploymentAlert, { deliveryId, deployment: em.getReference(Deployment, d.id), nodeId: e.nodeId, barTime, url: params.url, secretName: params.secretName ?? null, payload, status: 'pending', attempts: 0, nextAttemptAt: t }, { persist: false });
      });

  /**
   * Deliver the deployment's due alerts from the outbox, oldest first, after the bars' orders have gone
   * out: one attempt each per step, a short timeout, so a slow or dead receiver never holds up trading.
   * A failure that may pass (a network error, a timeout, a 5xx, 408 or 429) is tried again on a later
   * step, after a growing pause, up to `alertAttempts` tries; one that cannot (another 4xx, a redirect, a
   * refused address, no signing secret) fails the alert at once. Each outcome is journaled. Sent at least
   * once: a worker that dies after the receiver answered and before the row is marked sends it again,
   * under the same delivery id.
   */
  const deliverAlerts = async (em: EntityManager, d: Deployment): Promise<void> => {
    const due = await em.find(DeploymentAlert, { deployment: d.id, status: 'pending', nextAttemptAt: { $lte: now() } }, { orderBy: { barTime: 'asc', nodeId: 'asc' }, limit: alertsPerStep });
    for (const alert of due) {
      alert.attempts++;
      const node = `"${alert.nodeId}"`, when = new Date(alert.barTime).toISOString();
      try {
        const secret = resolveWebhookSecret(alert.secretName ?? undefined, env);
        const receipt = await deliverWebhook({ url: alert.url, body: alert.payload as AlertPayload, secret, deliveryId: alert.deliveryId }, { maxAttempts: 1, timeoutMs: alertTimeoutMs, allowPrivateNetworks: allowPrivateFromEnv(env) });
        Object.assign(alert, { status: 'sent', sentAt: now(), receiverStatus: receipt.status, lastError: null });
        await em.flush();
        await addEvent(em, d, 'alert', 'ALERT_SENT', `alert of ${node} for the bar of ${when} delivered (HTTP ${receipt.status})`, { deliveryId: alert.deliveryId });
      } catch (err) {
        if (!(err instanceof WebhookDeliveryError) && !(err instanceof WebhookConfigError)) throw err;
        const again = err instanceof WebhookDeliveryError && err.retryable && alert.attempts < alertAttempts;
        alert.lastError = err.message;
        alert.receiverStatus = err instanceof WebhookDeliveryError ? (err.status ?? null) : null;
        if (again) alert.nextAttemptAt = now() + Math.min(alertMaxPauseMs, alertFirstPauseMs * 2 ** (alert.attempts - 1));
        else alert.status = 'failed';
        await em.flush();
        if (!again) await addEvent(em, d, 'alert', 'ALERT_FAILED', `alert of ${node} for the bar of ${when} not delivered after ${alert.attempts} ${alert.attempts === 1 ? 'try' : 'tries'}: ${err.message}`, { deliveryId: alert.deliveryId });
      }
    }
  };

  /**
   * One bar: fills first (the open), then the strategy on the close, the gate, and the orders. False when
   * the bar's commit found the cursor already past it (another worker, or an attempt that was thought
   * dead, got there first): the step's memory is then out of date and the step must end.
   */
  const processBar = async (step: Step, bar: FeedBar): Promise<boolean> => {
    const { em, d, venue } = step;
    if (d.cursor !== null && d.cursor !== undefined && bar.time <= d.cursor) return true; // a duplicate bar: already done
    const { plan, nodeId } = await planOf(d);
    const t = now();
    const limits = RiskLimits.parse(d.riskLimits);
    let risk = RiskState.parse(d.riskState);
    const stale = t - bar.observedAt > d.staleAfterMs;
    const ref = em.getReference(Deployment, d.id);

    // The bar's journal, its new order rows, and the gate every order of the bar passes: the strategy's,
    // and those of the synthetic levels the bar crossed (trading/synthetic-orders.ts).
    const events: JournalEntry[] = [];
    const orders: DeploymentOrder[] = [];
    const gate = (order: ProposedOrder, note: string | undefined, position: number, trigger: string | null = null): DeploymentOrder => {
      const r = checkOrder(risk, limits, order, { now: t, reference: { price: bar.close, time: bar.observedAt }, book: { [d.symbol]: { position, price: bar.close } } });
      const wasHalted = risk.halt;
      risk = r.state;
      const allowed = r.decision.allow;
      const status: DeploymentOrderStatus = !allowed ? 'denied' : d.mode === 'shadow' ? 'shadow' : 'pending';
      const reason = r.decision.allow ? null : r.decision;
      const row = em.create(DeploymentOrder, { deployment: ref, clientOrderId: order.clientOrderId, barTime: bar.time, symbol: order.symbol, side: order.side, type: order.type, quantity: order.quantity, limitPrice: order.limitPrice ?? null, referencePrice: bar.close, referenceAt: bar.observedAt, status, reasonCode: reason?.code ?? null, message: reason?.message ?? note ?? null, trigger }, { persist: false });
      orders.push(row);
      if (reason) events.push(['denial', reason.code, `${order.side} ${order.quantity} ${order.symbol}${order.type === 'limit' ? ` @ ${order.limitPrice}` : ''} refused: ${reason.message}`, { clientOrderId: order.clientOrderId }]);
      if (!wasHalted && risk.halt) events.push(['risk', risk.halt.code, `halted: ${risk.halt.message}`]);
      return row;
    };

    // 1. What the venue did since the last bar, and the synthetic orders (stop entries, protective exits)
    // whose levels the bar crossed, in the backtest broker's order of events. Paper fills land in `newFills`.
    const newFills: DeploymentFill[] = [];
    const recordFill = (f: VenueFill) => {
      newFills.push(em.create(DeploymentFill, { deployment: ref, tradeId: f.tradeId, clientOrderId: f.clientOrderId ?? null, venueOrderId: f.venueOrderId, symbol: f.symbol, side: f.side, quantity: f.quantity, price: f.price, fee: f.fee, time: f.time }, { persist: false }));
    };
    const tradable = isTradableBar(bar);
    if (venue instanceof PaperBroker) {
      // The paper venue works its orders in `runSyntheticBar`, around the synthetic ones.
    } else if (venue) {
      const { added, unknown } = await syncFills(em, d, venue);
      step.fills = sortFills([...step.fills, ...added]);
      if (unknown.length) await halt(em, d, HaltCode.unknownExposure, `${unknown.join('; ')} is not ours`);
      risk = RiskState.parse(d.riskState);
      for (const row of step.orders) {
        if (!working.includes(row.status)) continue;
        const v = await venue.fetchOrder(d.symbol, row.clientOrderId);
        if (v) applyVenueOrder(row, v);
      }
      // Order rows only mirror the venue: safe to write ahead of the bar's transaction.
      await em.flush();
    }
    const before = bookFromFills(d.initialCash, step.fills);
    const { io, inFlight } = syntheticIO({ em, d, bar, venue, rows: step.orders, gate, recordFill, applyVenueOrder, journal: (...entry) => events.push(entry) });
    let syn = (await runSyntheticBar(loadSyntheticState(d.syntheticState), bar, before.position, io, d.status === 'running' && !stale)).state;
    if (venue instanceof PaperBroker) {
      // The rows mirror the venue's state of this bar: they are written with it, in the bar's transaction.
      for (const row of step.orders) {
        if (!working.includes(row.status)) continue;
        const v = await venue.fetchOrder(d.symbol, row.clientOrderId);
        if (v) applyVenueOrder(row, v);
      }
    }
    const book = newFills.map(toStoredFill).reduce(applyFill, before);
    // The position once this bar's triggered market orders have filled (live: they are sent after the commit).
    const held = book.position + inFlight();

    // 2. The strategy, on the state it saved after the last bar.
    const ev = await evaluate(em, d, bar, () => evaluateBar(plan, [d.symbol], [bar], { cash: book.cash, lanes: [{ position: book.position, avgPrice: book.avgPrice }] }, (d.snapshot ?? undefined) as StrategySnapshot | undefined));
    const instruction = ev.instructions[0]!;
    // The webhook alerts the bar raised go into the outbox with the bar, and are delivered after it
    // (`deliverAlerts`). A paused deployment sends nothing, and a late bar's signals are not acted on:
    // neither raises alerts.
    const alerts = d.status === 'running' && !stale ? alertRows(em, d, plan, ev.events, bar.time, t) : [];
    // A bad bar's price marks nothing: the last good one does.
    const equity = equityOf(book, tradable ? bar.close : (d.lastPrice ?? NaN));
    const unmarked = risk;
    risk = observeEquity(risk, limits, equity, t);
    events.push(...equityLimitEvents(unmarked, risk));

    // 3. Orders: what the instruction asks, through the gate.
    let last = (d.lastInstruction ? decodeState(d.lastInstruction) : undefined) as Instruction | undefined;
    const lastBefore = last;
    let outage = d.outage;
    let replace = false;
    let stopEntry = false;

    if (d.status !== 'running') {
      // Paused: the strategy keeps its state warm, nothing is sent, and the last instruction stays the
      // one before the pause so the first changed instruction after resuming is acted on.
    } else if (!tradable) {
      // A NaN, ±Infinity or non-positive price (docs/engine.md §2): nothing can be priced on this bar, so
      // nothing is decided on it; the strategy gave no instruction, and a catch-up waits for a good bar.
      events.push(['feed', 'BAD_BAR', `bar ${Number.isFinite(bar.time) ? new Date(bar.time).toISOString() : bar.time} has an unusable price (open ${bar.open}, high ${bar.high}, low ${bar.low}, close ${bar.close}): skipped, no order is priced on it`]);
    } else if (stale) {
      if (!outage) {
        events.push(['outage', 'STALE_BAR', `bar ${new Date(bar.time).toISOString()} arrived ${Math.round((t - bar.observedAt) / 1000)} s late: its signals are not traded (catch-up policy ${d.catchUp})`]);
        if (d.catchUp === 'halt') {
          const before = risk.halt;
          risk = applyControl(risk, { type: 'halt', code: HaltCode.outage, message: 'bars arrived late after an outage; a person must decide how to continue (catch-up policy: halt)' }, t);
          if (!before && risk.halt) events.push(['risk', HaltCode.outage, `halted: ${risk.halt.message}`]);
        }
      }
      outage = true;
      last = instruction.target === instruction.target ? instruction : last; // skipped, not deferred
    } else {
      if (outage) {
        outage = false;
        events.push(['outage', 'CAUGHT_UP', `caught up with the feed; catch-up policy ${d.catchUp}`]);
        if (d.catchUp === 'flatten') {
          replace = true;
          const flat = flattenOrder(d.id, bar.time, d.symbol, held, 0);
          if (flat) gate(flat, 'flatten after an outage (catch-up policy)', book.position);
          if (instruction.target === instruction.target) last = instruction;
        }
      }
      if (!replace) {
        const action = planInstruction(instruction, { deploymentId: d.id, barTime: bar.time, nodeId, symbol: d.symbol, position: held, last });
        if (action.kind === 'replace') {
          replace = true;
          if (action.order) gate(action.order, undefined, book.position);
          // A stop or stop-limit entry is kept by the deployment until a bar touches its stop.
          stopEntry = action.synthetic === true;
        }
        if (instruction.target === instruction.target) last = instruction;
      }
    }

    // A changed instruction sets the position's exits and replaces the synthetic entry (docs/engine.md §3.1).
    if (last && last !== lastBefore && !sameInstruction(lastBefore, last)) syn = takeInstruction(syn, last, held, bar.time, stopEntry);
    if (!syn.notified && venue?.kind === 'ccxt' && last && usesSynthetic(last)) {
      events.push(['synthetic', 'BAR_BASED_LEVELS', syntheticLiveNotice]);
      syn = { ...syn, notified: true };
    }

    // 4. Commit the bar: once, whoever gets here first. One transaction: the guarded update of the
    // deployment, then the rows (order mirrors, replaced orders, new fills and orders) in one flush, and
    // the journal in one statement.
    const fields = {
      cursor: bar.time,
      barsProcessed: d.barsProcessed + 1,
      snapshot: ev.snapshot as unknown as Record<string, unknown>,
      // Encoded: an instruction's unused fields are NaN, which plain JSON would turn into null.
      lastInstruction: last ? (encodeState(last) as Record<string, unknown>) : null,
      riskState: risk as unknown as Record<string, unknown>,
      paperState: venue instanceof PaperBroker ? (venue.state as unknown as Record<string, unknown>) : d.paperState,
      syntheticState: syn as unknown as Record<string, unknown>,
      lastPrice: tradable ? bar.close : (d.lastPrice ?? null),
      lastPriceAt: tradable ? bar.observedAt : (d.lastPriceAt ?? null),
      equity,
      position: book.position,
      outage,
    };
    const committed = await inTransaction(em, async () => {
      const updated = await em.nativeUpdate(Deployment, { id: d.id, $or: [{ cursor: null }, { cursor: { $lt: bar.time } }] }, fields);
      if (updated !== 1) return false;
      if (replace) {
        for (const row of step.orders) {
          // A protective exit is not replaced: it closes the position whatever the strategy says next.
          if (row.barTime >= bar.time || isExitRow(row)) continue;
          if (working.includes(row.status)) row.reasonCode = 'REPLACED';
          else if (row.status === 'pending') {
            row.status = 'canceled';
            row.reasonCode = 'REPLACED';
            row.message = 'replaced by a newer instruction before it was sent';
          }
        }
      }
      for (const f of newFills) em.persist(f);
      for (const o of orders) em.persist(o);
      for (const a of alerts) em.persist(a);
      await insertEvents(em, d.id, events);
      return true;
    });
    if (!committed) return false;
    Object.assign(d, fields);
    step.fills.push(...newFills.map(toStoredFill));
    step.orders.push(...orders);
    pruneRows(step);
    return true;
  };

  return {
    /** At start and after any outage: make the books agree with the venue, or halt. */
    async reconcileDeployment(id: string): Promise<DeploymentSummary> {
      const em = orm.em.fork();
      const d = await load(em, id);
      if (d.status === 'stopped' || d.status === 'failed') return summaryOf(d);
      await reconcile(em, d);
      try {
        await sendPending(em, d, await venueOf(d), await liveRows(em, id));
      } catch (err) {
        // The books agree with the venue; a send or cancel it could not make now is left to the steps, which
        // make it again (an unknown order under its id), not taken for exposure that cannot be explained.
        if (!(err instanceof VenueError)) throw err;
        log.warn({ deploymentId: id, err: err.message }, 'a send after reconciling failed; the next step makes it again');
      }
      return summaryOf(await load(em, id));
    },

    /** Process the bars that have arrived since the last step (at most a few), bar by bar. */
    async stepDeployment(id: string): Promise<StepResult> {
      const ctx = Context.current();
      // Heartbeat while alive, however long one venue call takes: only a dead worker goes silent.
      const beat = setInterval(() => ctx.heartbeat(), 2000);
      try {
        let step = await openStep(id);
        if (step.d.status === 'stopped' || step.d.status === 'failed') return { summary: summaryOf(step.d), processed: 0, waitMs: 0, ended: true };
        // A retried step means the last attempt died or failed mid-way, and stale bars mean nobody was
        // looking for a while: either way, reconcile with the venue before anything else.
        if (ctx.info.attempt > 1 || step.d.outage) {
          const em = orm.em.fork();
          await reconcile(em, await load(em, id));
          step = await openStep(id);
        }
        // Orders a crashed attempt left pending or unknown go first: they belong to bars already committed.
        await sendPending(step.em, step.d, step.venue, step.orders);
        pruneRows(step);
        const poll = await nextBars(step.d, barsPerStep);
        let processed = 0;
        for (const bar of poll.bars) {
          let committed: boolean;
          try {
            committed = await processBar(step, bar);
          } catch (err) {
            if (!(err instanceof StrategyFailed)) throw err;
            // Failed for good: cancel what is working on the venue, and let the workflow end.
            const em = orm.em.fork();
            const d = await load(em, id);
            await sendPending(em, d, await venueOf(d), await liveRows(em, id));
            return { summary: summaryOf(d), processed: 0, waitMs: 0, ended: true };
          }
          if (!committed) {
            // Someone else committed this bar: what this step holds is out of date. Step again at once,
            // from what is stored.
            log.warn({ deploymentId: id, bar: bar.time }, 'bar already committed elsewhere; stepping again from the stored state');
            const em = orm.em.fork();
            return { summary: summaryOf(await load(em, id)), processed, waitMs: 0, ended: false };
          }
          processed++;
          await sendPending(step.em, step.d, step.venue, step.orders);
          pruneRows(step);
          ctx.heartbeat({ bar: bar.time });
        }
        // Alerts after the orders: the bars' new ones, and earlier ones due for another try.
        await deliverAlerts(step.em, step.d);
        // A replay that has played its last bar stays running (it may hold a position, and stop or the kill
        // switch still apply) but takes no more bars: said once in the journal, or it looks alive for ever.
        // Checked only once the feed has ended, about once an hour after that.
        if (poll.ended && !(await step.em.count(DeploymentEvent, { deployment: id, code: 'REPLAY_ENDED' }))) {
          await addEvent(step.em, step.d, 'feed', 'REPLAY_ENDED', `the replay has played its last bar (${step.d.barsProcessed} bars processed): the deployment takes no more bars and keeps its position; stop it to end it`);
        }
        return { summary: summaryOf(step.d), processed, waitMs: poll.waitMs, ended: poll.ended };
      } finally {
        clearInterval(beat);
      }
    },

    /** Pause, resume, the kill switch, re-enabling and param changes: applied between steps, recorded, persisted. */
    async controlDeployment(id: string, input: DeploymentControl): Promise<DeploymentSummary> {
      const control = DeploymentControl.parse(input);
      const em = orm.em.fork();
      const d = await load(em, id);
      let risk = RiskState.parse(d.riskState);
      const t = now();
      let message = '';
      let data: Record<string, unknown> = {};
      switch (control.action) {
        case 'pause':
          if (d.status === 'running') d.status = 'paused';
          message = `paused by ${control.by}`;
          break;
        case 'resume':
          if (d.status === 'paused') d.status = 'running';
          message = `resumed by ${control.by}`;
          break;
        case 'kill':
          risk = applyControl(risk, { type: 'kill', by: control.by }, t);
          // A synthetic stop entry is a working order too; protective exits stay (they only reduce).
          d.syntheticState = cancelEntry(loadSyntheticState(d.syntheticState)) as unknown as Record<string, unknown>;
          await em.nativeUpdate(DeploymentOrder, { deployment: d.id, status: { $in: working } }, { reasonCode: 'KILL_SWITCH' });
          await em.nativeUpdate(DeploymentOrder, { deployment: d.id, status: 'pending' }, { status: 'canceled', reasonCode: 'KILL_SWITCH', message: 'cancelled by the kill switch before it was sent' });
          message = `kill switch engaged by ${control.by}: working orders cancelled, only reducing orders allowed`;
          break;
        case 'releaseKill':
          risk = applyControl(risk, { type: 'releaseKill', by: control.by }, t);
          message = `kill switch released by ${control.by}`;
          break;
        case 'reenable':
          risk = applyControl(risk, { type: 'reenable', by: control.by, equity: d.equity ?? d.initialCash }, t);
          message = `re-enabled by ${control.by}`;
          break;
        case 'stop':
          d.status = 'stopped';
          await em.nativeUpdate(DeploymentOrder, { deployment: d.id, status: { $in: working } }, { reasonCode: 'STOPPED' });
          await em.nativeUpdate(DeploymentOrder, { deployment: d.id, status: 'pending' }, { status: 'canceled', reasonCode: 'STOPPED', message: 'the deployment was stopped before it was sent' });
          message = `stopped by ${control.by}`;
          break;
        case 'params': {
          // Checked again here (the route checked it too): the deployment may have stopped or changed since.
          if (d.status !== 'running' && d.status !== 'paused') throw ApplicationFailure.create({ type: 'NotRunning', message: `the deployment is ${d.status}`, nonRetryable: true });
          const owned = deps.customNodes ? (await deps.customNodes.registryFor(em, d.owner, d.graph)).registry : registry;
          const checked = await checkParamChange({ graph: d.graph, limits: d.riskLimits }, control.change!, owned, async (g) => (deps.customNodes ? deps.customNodes.compile(orm.em.fork(), d.owner, g) : compile(g, owned)));
          if (!checked.ok) throw ApplicationFailure.create({ type: 'InvalidParamChange', message: checked.errors.map((e) => `${e.path}: ${e.message}`).join('; '), nonRetryable: true });
          d.graph = checked.graph;
          d.riskLimits = checked.limits as unknown as Record<string, unknown>;
          // Nodes with new params start their state afresh: state built for the old params does not fit the new.
          d.snapshot = restartNodeStates(d.snapshot, checked.plan, Object.keys(checked.changes.params));
          plans.delete(id);
          message = `params changed by ${control.by}: ${describeChanges(checked.changes)}`;
          data = checked.changes;
          break;
        }
      }
      d.riskState = risk;
      await em.flush();
      await addEvent(em, d, 'control', control.action.toUpperCase(), message, { ...data, by: control.by });
      const venue = await venueOf(d);
      await sendPending(em, d, venue, await liveRows(em, id));
      if (control.action === 'stop') {
        await settleFills(em, d, venue);
        await venues.get(id)?.close();
        venues.delete(id);
        plans.delete(id);
        series.delete(id);
        feeds.delete(id);
      }
      log.info({ deploymentId: id, action: control.action, by: control.by }, 'deployment control');
      return summaryOf(await load(em, id));
    },

    /** The workflow's last resort when the venue cannot be reconciled: unknown exposure halts. */
    /** The workflow's step failed for good (`stepRounds`): the deployment fails, its orders cancelled as on a stop. */
    async failDeployment(id: string, message: string): Promise<DeploymentSummary> {
      const em = orm.em.fork();
      await failStrategy(em, await load(em, id), message);
      return summaryOf(await load(orm.em.fork(), id));
    },

    /**
     * The first failed round of steps in a row, in the journal, so the user sees why nothing moves. Best
     * effort: it never fails, so it can never hold the workflow away from its controls.
     */
    async noteStepFailure(id: string, message: string): Promise<void> {
      const em = orm.em.fork();
      // The reason may quote a venue's signed request (not every failure is a VenueError, which redacts its own).
      await addEvent(em, em.getReference(Deployment, id), 'step', 'STEP_FAILED', `a step failed: ${redactSignedQuery(message)}`).catch((err: unknown) => log.warn({ err, deploymentId: id }, 'could not journal a failed step'));
    },

    async haltDeployment(id: string, code: string, message: string): Promise<DeploymentSummary> {
      const em = orm.em.fork();
      const d = await load(em, id);
      await halt(em, d, code === HaltCode.outage ? HaltCode.outage : HaltCode.unknownExposure, redactSignedQuery(message));
      return summaryOf(await load(em, id));
    },
  };
}

export type DeploymentActivities = ReturnType<typeof createDeploymentActivities>;
