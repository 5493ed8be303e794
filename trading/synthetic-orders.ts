import { z } from 'zod';
import { isGoodBar } from '../engine/bars.ts';
import { limitPrice, near, stopPrice, type ExitReason } from '../engine/broker.ts';
import { OrderType } from '../nodes/ports.ts';
import type { Bar } from './adapters/paper.ts';
import type { Side } from './risk-gate.ts';
import type { Instruction } from './strategy-runner.ts';

/**
 * Synthetic orders: the stop and stop-limit entries and the protective exits (stop-loss, take-profit,
 * trailing stop) of a deployment, kept by the deployment itself rather than rested on the venue, as many
 * trading bots do (freqtrade's default stoploss works this way). One code path for every venue, and the
 * levels live in the deployment's row, committed with the bar, so a crash or a second worker never loses
 * or doubles one.
 *
 * On each new closed bar the deployment checks the bar against these levels with the backtest broker's
 * own price functions (`stopPrice`, `limitPrice` from engine/broker.ts), in the broker's order of events
 * (docs/engine.md §3.2): the entry if it fills at the open, the exits (at the open, then inside the bar,
 * stop side first), then the entry if it fills inside the bar. A crossed level becomes an ordinary order
 * sent through the gateway (risk gate, client order id, reconciliation): a market order (an exit is
 * reduce-only), or a limit order for a stop-limit whose stop triggered. The paper venue fills it at the
 * price the backtest would have (the level, or the open on a gap); a real venue fills the market order at
 * its own price after the bar closed, which is the one documented difference (docs/trading.md).
 *
 * Everything here is pure: the state goes in, the next state comes out, the caller persists it.
 */

/** JSON has no NaN: an absent price is stored as null. */
const price = z.number().nullable();
const toStored = (x: number): number | null => (x === x && Number.isFinite(x) ? x : null);
const fromStored = (x: number | null | undefined): number => (x === null || x === undefined ? NaN : x);

export const exitReasons = ['stopLoss', 'takeProfit', 'trailingStop'] as const;
export type ProtectiveReason = (typeof exitReasons)[number];

/** A stop or stop-limit entry waiting for its stop to be touched. */
export const SyntheticEntry = z.object({
  /** The position to hold, as the instruction said. */
  target: z.number(),
  type: z.enum(['stop', 'stopLimit']),
  stop: price,
  limit: price,
  /** Bars it may still be worked on; null for good-till-cancelled. */
  barsLeft: z.number().int().positive().nullable(),
  dayOrder: z.boolean(),
  /** UTC day (epoch days) a day order is valid through, fixed on its first eligible bar. */
  validDay: z.number().int().nullable(),
  /** The bar whose close decided it. */
  decidedAt: z.number(),
  /**
   * A stop-limit whose stop triggered but whose limit did not fill on that bar rests on the venue as a
   * limit order, this one, for the rest of the entry's life: cancelled when the entry expires.
   */
  sent: z.string().nullable().default(null),
});
export type SyntheticEntry = z.infer<typeof SyntheticEntry>;

export const SyntheticState = z.object({
  version: z.literal(1),
  entry: SyntheticEntry.nullable(),
  stopLoss: price,
  takeProfit: price,
  /** Trailing distance as a fraction of the best price since entry. */
  trail: price,
  /** Sign of the target of the instruction that set the exits: they only guard a position on that side (or any, for a target of 0). */
  side: z.number(),
  /** Best price since the position opened; the trailing stop hangs from it. */
  anchor: price,
  /** The first bar (time) whose whole range the position has seen: the anchor follows bars from it on. */
  heldFrom: z.number().nullable(),
  /**
   * An exit that triggered and has not closed the position yet: the id of the order sent for it (null
   * when none is working), so a retry or a later bar never sends a second one while the first may fill.
   */
  exit: z.object({ reason: z.enum(exitReasons), clientOrderId: z.string().nullable(), at: z.number() }).nullable(),
  /** The "levels are worked on closed bars" notice was journaled (live venues). */
  notified: z.boolean().default(false),
});
export type SyntheticState = z.infer<typeof SyntheticState>;

export function initialSyntheticState(): SyntheticState {
  return { version: 1, entry: null, stopLoss: null, takeProfit: null, trail: null, side: 0, anchor: null, heldFrom: null, exit: null, notified: false };
}

/** The stored state, or a fresh one for a deployment that never had any (created before synthetic orders). */
export function loadSyntheticState(stored: unknown): SyntheticState {
  return stored === null || stored === undefined ? initialSyntheticState() : SyntheticState.parse(stored);
}

/** Whether the instruction asks for anything the deployment works synthetically. */
export function usesSynthetic(i: Instruction): boolean {
  return i.type === OrderType.stop || i.type === OrderType.stopLimit || [i.stopLoss, i.takeProfit, i.trail].some((x) => x === x);
}

const dayMs = 86_400_000;

/**
 * A changed instruction was taken at a bar's close (docs/engine.md §3.1): its exits now guard the position
 * (the trailing anchor belongs to the position and stays), and it replaces the working entry. A stop or
 * stop-limit entry is kept here, unless the position is already at the target; `workEntry` false (a stale
 * bar, a flatten) keeps no entry, since such bars' signals are not traded.
 */
export function takeInstruction(s: SyntheticState, i: Instruction, position: number, barTime: number, workEntry: boolean): SyntheticState {
  const type = i.type !== i.type ? OrderType.market : i.type;
  const stopType = type === OrderType.stop ? 'stop' : type === OrderType.stopLimit ? 'stopLimit' : undefined;
  const entry: SyntheticEntry | null =
    workEntry && stopType && !near(i.target, position)
      ? { target: i.target, type: stopType, stop: toStored(i.stop), limit: toStored(i.limit), barsLeft: i.expiry > 0 ? Math.ceil(i.expiry) : null, dayOrder: i.expiry < 0, validDay: null, decidedAt: barTime, sent: null }
      : null;
  return { ...s, entry, stopLoss: toStored(i.stopLoss), takeProfit: toStored(i.takeProfit), trail: toStored(i.trail), side: Math.sign(i.target) };
}

/** The kill switch cancels working orders: a synthetic entry is one. */
export function cancelEntry(s: SyntheticState): SyntheticState {
  return s.entry ? { ...s, entry: null } : s;
}

/**
 * Follow the book through one fill. A new position (from flat, or a flip) starts the trailing anchor at
 * its fill price; filled at the open the whole bar came after it, filled inside the bar its anchor
 * follows bars from the next one. Flat again, the exit in progress is done.
 */
export function observeFill(s: SyntheticState, before: number, after: number, fillPrice: number, barTime: number, atOpen: boolean): SyntheticState {
  if (after === 0) return s.anchor === null && s.exit === null && s.heldFrom === null ? s : { ...s, anchor: null, heldFrom: null, exit: null };
  if (before === 0 || Math.sign(before) !== Math.sign(after)) return { ...s, anchor: toStored(fillPrice), heldFrom: atOpen ? barTime : barTime + 1, exit: null };
  return s;
}

/** What the venue is asked to do when a level is crossed, and how the paper venue fills it on that bar. */
export interface Triggered {
  side: Side;
  quantity: number;
  /** The order sent: market for a stop (entry or exit) and a take-profit, limit for a triggered stop-limit. */
  type: 'market' | 'limit';
  limitPrice?: number;
  /**
   * How the backtest fills it on the triggering bar, for the paper venue: a stop at `stop` (the level, or
   * the open on a gap; slippage paid), a limit at `limit` (no slippage), or a stop-limit. Absent: an
   * ordinary order, worked from the next bar.
   */
  fill?: { type: 'stop'; stop: number } | { type: 'limit'; limit: number } | { type: 'stopLimit'; stop: number; limit: number };
}

export interface EntryCheck {
  state: SyntheticState;
  /** The entry's stop was touched on this bar. */
  triggered: boolean;
  /** It fills at the open (a gap through its stop): before the exits. Otherwise after them. */
  atOpen: boolean;
}

/**
 * Where the synthetic entry stands on a new bar, before anything else of the bar happens: a day order
 * past its day is dropped, and a touched stop is reported (the caller sizes and sends it, at the open or
 * after the exits, see `EntryCheck.atOpen`). Mirrors SimBroker's `entryFillPrice`.
 */
export function checkEntry(s: SyntheticState, bar: Bar, position: number): EntryCheck {
  let e = s.entry;
  if (!e) return { state: s, triggered: false, atOpen: false };
  if (e.dayOrder) {
    const day = Math.floor(bar.time / dayMs);
    const validDay = e.validDay ?? day;
    if (day > validDay) return { state: { ...s, entry: null }, triggered: false, atOpen: false };
    if (e.validDay === null) e = { ...e, validDay };
  }
  if (e.sent !== null) return { state: e === s.entry ? s : { ...s, entry: e }, triggered: false, atOpen: false };
  const buy = e.target > position;
  const hit = stopPrice(buy, fromStored(e.stop), bar.open, bar.high, bar.low);
  const next = e === s.entry ? s : { ...s, entry: e };
  if (hit !== hit) return { state: next, triggered: false, atOpen: false };
  let atOpen = hit === bar.open;
  // A stop-limit triggered at the open is a limit for the whole bar: at the open only if the open is within it.
  if (e.type === 'stopLimit' && atOpen) atOpen = limitPrice(buy, fromStored(e.limit), bar.open, bar.high, bar.low) === bar.open;
  return { state: next, triggered: true, atOpen };
}

/**
 * The order a triggered entry becomes, sized against the position as it stands when it is sent; the
 * entry is done (it is a venue order now). Undefined when the position is already at the target.
 */
export function entryOrder(s: SyntheticState, position: number): { state: SyntheticState; order?: Triggered } {
  const e = s.entry;
  if (!e) return { state: s };
  const state = { ...s, entry: null };
  const delta = e.target - position;
  if (near(e.target, position) || Math.abs(delta) <= 1e-9 * Math.max(Math.abs(e.target), Math.abs(position), 1)) return { state };
  const side: Side = delta > 0 ? 'buy' : 'sell';
  const stop = fromStored(e.stop);
  if (e.type === 'stop') return { state, order: { side, quantity: Math.abs(delta), type: 'market', fill: { type: 'stop', stop } } };
  const limit = fromStored(e.limit);
  return { state, order: { side, quantity: Math.abs(delta), type: 'limit', limitPrice: limit, fill: { type: 'stopLimit', stop, limit } } };
}

export interface ExitCheck {
  reason: ProtectiveReason;
  order: Triggered;
}

/**
 * The protective exit this bar triggers, if any. Mirrors SimBroker's `protect`: the stop side (the
 * tighter of the stop-loss and the trailing stop, ties to the stop-loss) before the take-profit, except
 * that a take-profit gapped through at the open fills there. An exit closes the whole position.
 */
export function checkExit(s: SyntheticState, bar: Bar, position: number): ExitCheck | undefined {
  if (position === 0 || position * s.side < 0 || s.exit) return undefined;
  const long = position > 0;
  let stopLevel = fromStored(s.stopLoss);
  let stopReason: ProtectiveReason = 'stopLoss';
  const trail = fromStored(s.trail), anchor = fromStored(s.anchor);
  if (trail === trail && anchor === anchor) {
    const trailing = long ? anchor * (1 - trail) : anchor * (1 + trail);
    if (stopLevel !== stopLevel || (long ? trailing > stopLevel : trailing < stopLevel)) {
      stopLevel = trailing;
      stopReason = 'trailingStop';
    }
  }
  const takeProfit = fromStored(s.takeProfit);
  // Exits are sells for a long and buys for a short.
  const stopAt = stopPrice(!long, stopLevel, bar.open, bar.high, bar.low);
  const takeAt = limitPrice(!long, takeProfit, bar.open, bar.high, bar.low);
  const side: Side = long ? 'sell' : 'buy';
  const quantity = Math.abs(position);
  if (stopAt === bar.open || (stopAt === stopAt && takeAt !== bar.open)) return { reason: stopReason, order: { side, quantity, type: 'market', fill: { type: 'stop', stop: stopLevel } } };
  if (takeAt === takeAt) return { reason: 'takeProfit', order: { side, quantity, type: 'market', fill: { type: 'limit', limit: takeProfit } } };
  return undefined;
}

/**
 * An exit was sent (or refused): the position's levels are gone (one cancels the other), and so is the
 * entry that was building it. The exit stays in progress until the book is flat.
 */
export function exitSent(s: SyntheticState, reason: ProtectiveReason, clientOrderId: string | null, barTime: number): SyntheticState {
  return { ...s, entry: null, stopLoss: null, takeProfit: null, anchor: null, exit: { reason, clientOrderId, at: barTime } };
}

/**
 * An exit in progress whose order is no longer working and did not close the position (refused by the
 * gate or the venue, cancelled): the rest of the position goes at market, as the backtest sends the rest
 * of a cut stop at the next open. Undefined while its order may still fill.
 */
export function exitRetry(s: SyntheticState, position: number, orderWorking: boolean): ExitCheck | undefined {
  if (!s.exit || position === 0 || orderWorking) return undefined;
  const long = position > 0;
  return { reason: s.exit.reason, order: { side: long ? 'sell' : 'buy', quantity: Math.abs(position), type: 'market' } };
}

/**
 * The end of a bar: a working entry has one bar less to live, and the trailing anchor takes the bar's
 * best price if the position has seen the whole bar. `entryWorked` false (a paused or stale bar) leaves
 * the entry's life alone, as a skipped bar does in a backtest.
 */
export function endBar(s: SyntheticState, bar: Bar, position: number, entryWorked: boolean): SyntheticState {
  let next = s;
  const e = s.entry;
  if (e && entryWorked && e.barsLeft !== null) next = { ...next, entry: e.barsLeft <= 1 ? null : { ...e, barsLeft: e.barsLeft - 1 } };
  if (position !== 0 && s.anchor !== null && s.heldFrom !== null && bar.time >= s.heldFrom) {
    const anchor = position > 0 ? Math.max(s.anchor, bar.high) : Math.min(s.anchor, bar.low);
    if (anchor !== s.anchor) next = { ...next, anchor };
  }
  return next;
}

/** A readable line for the journal and the order row. */
export function describeTrigger(reason: ProtectiveReason | 'stopEntry' | 'stopLimitEntry', order: Triggered): string {
  const what = { stopLoss: 'stop-loss', takeProfit: 'take-profit', trailingStop: 'trailing stop', stopEntry: 'stop entry', stopLimitEntry: 'stop-limit entry' }[reason];
  const level = !order.fill ? NaN : order.fill.type === 'limit' ? order.fill.limit : order.fill.stop;
  return Number.isFinite(level) ? `${what} at ${Number(level.toPrecision(10))} crossed` : `${what}: the rest of the position`;
}

/** A fill as the synthetic book needs it. */
export interface FillLike {
  side: Side;
  quantity: number;
  price: number;
}

/** What `runSyntheticBar` needs from the deployment: its venue, its gate and its order rows. */
export interface SyntheticIO {
  /**
   * Paper: work the venue's own (strategy) orders for one phase of the bar and return their fills. Live:
   * absent, the venue worked its orders in real time and their fills were synced before the bar.
   */
  venuePhase?: (phase: 'open' | 'inside') => FillLike[];
  /**
   * Gate and send (or record) the order a crossed level asks for. Returns the fills it made on this bar
   * (the paper venue fills it at once, at the backtest's price) and its client order id, or null when the
   * gate or the venue refused it.
   */
  submit: (kind: 'entry' | 'exit', reason: ProtectiveReason | 'stopEntry' | 'stopLimitEntry', order: Triggered, position: number) => Promise<{ fills: FillLike[]; clientOrderId: string | null }>;
  /** A protective exit fired: cancel the strategy's working entry orders (one cancels the other). */
  cancelEntries: () => Promise<void>;
  /** Whether an order sent for a level may still fill (working, or filled with fills not yet in the book). */
  working: (clientOrderId: string) => Promise<boolean>;
  /** Cancel an order a triggered stop-limit left resting, when the entry expires. */
  cancel: (clientOrderId: string) => Promise<void>;
}

const signed = (f: FillLike) => (f.side === 'buy' ? f.quantity : -f.quantity);

/** Whether a bar can be traded on: the engine's bad-bar rule (docs/engine.md §2), a NaN, ±Infinity or non-positive price skips it. */
export function isTradableBar(bar: Bar): boolean {
  const f = (x: number) => Float64Array.of(x);
  return isGoodBar({ time: f(bar.time), open: f(bar.open), high: f(bar.high), low: f(bar.low), close: f(bar.close), volume: f(bar.volume) }, 0);
}

/**
 * One bar of synthetic orders, in the backtest broker's order of events (docs/engine.md §3.2):
 * 1. the venue's orders that fill at the open (paper);
 * 2. the synthetic entry, if its stop is gapped through at the open;
 * 3. the protective exits (a gap at the open, then inside the bar, stop side first) — or the rest of an
 *    exit that did not close the position; an exit cancels the working entries;
 * 4. the venue's orders that fill inside the bar (paper);
 * 5. the synthetic entry, if its stop is touched inside the bar (and no exit cancelled it);
 * 6. the entry's expiry and the trailing anchor.
 * `position` is the book before the bar's venue fills (paper), or after them (live). `entries` false (a
 * paused or stale bar) leaves the entry unworked; exits always act, since they only ever reduce risk.
 */
export async function runSyntheticBar(state: SyntheticState, bar: Bar, position: number, io: SyntheticIO, entries: boolean): Promise<{ state: SyntheticState; position: number; exited: boolean }> {
  let s = state;
  let held = position;
  const take = (fills: readonly FillLike[], atOpen: boolean) => {
    for (const f of fills) {
      let after = held + signed(f);
      if (Math.abs(after) <= 1e-12 * Math.max(1, Math.abs(held))) after = 0;
      s = observeFill(s, held, after, f.price, bar.time, atOpen);
      held = after;
    }
  };
  if (!isTradableBar(bar)) return { state: s, position: held, exited: false };
  // A stop-limit resting on the venue since its trigger: done once it no longer works; a day order past its day is cancelled before the bar.
  const resting = s.entry?.sent;
  if (resting && !(await io.working(resting))) s = { ...s, entry: null };
  const entry = entries ? checkEntry(s, bar, held) : { state: s, triggered: false, atOpen: false };
  s = entry.state;
  if (resting && s.entry === null && (await io.working(resting))) await io.cancel(resting);
  take(io.venuePhase?.('open') ?? [], true);
  const sendEntry = async (atOpen: boolean) => {
    const e = s.entry!;
    const r = entryOrder(s, held);
    s = r.state;
    if (!r.order) return;
    const sent = await io.submit('entry', e.type === 'stopLimit' ? 'stopLimitEntry' : 'stopEntry', r.order, held);
    take(sent.fills, atOpen);
    // What a stop-limit's limit did not fill on the trigger bar rests on the venue, within the entry's life.
    if (e.type === 'stopLimit' && sent.clientOrderId !== null && (await io.working(sent.clientOrderId))) s = { ...s, entry: { ...e, sent: sent.clientOrderId } };
  };
  if (entry.triggered && entry.atOpen) await sendEntry(true);

  const retry = s.exit && held !== 0 ? exitRetry(s, held, s.exit.clientOrderId !== null && (await io.working(s.exit.clientOrderId))) : undefined;
  const exit = retry ?? checkExit(s, bar, held);
  if (exit) {
    await io.cancelEntries();
    const sent = await io.submit('exit', exit.reason, exit.order, held);
    s = exitSent(s, exit.reason, sent.clientOrderId, bar.time);
    take(sent.fills, true);
  }
  take(io.venuePhase?.('inside') ?? [], false);
  if (entry.triggered && !entry.atOpen && s.entry) await sendEntry(false);
  const living = s.entry;
  s = endBar(s, bar, held, entries);
  if (living?.sent && s.entry === null) await io.cancel(living.sent);
  return { state: s, position: held, exited: exit !== undefined };
}

export type { ExitReason };

/** Journaled once for a live deployment whose strategy uses stop entries or protective exits. */
export const syntheticLiveNotice =
  'This strategy uses stop entries or protective exits. The deployment works them on closed bars: when a bar crosses a level, a market order is sent after that bar closes and fills at the venue\'s price then, not at the level (there is no intrabar stop on a live venue), so live fills can be worse than the backtest\'s. See docs/trading.md, "Stop entries and protective exits".';
