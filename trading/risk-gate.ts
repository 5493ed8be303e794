import { z } from 'zod';

/**
 * The pre-trade risk engine (DESIGN.md §3): it sits between the strategy's instructions and the order
 * gateway, outside any user node, so nothing a strategy does can bypass it. Pure and deterministic: the
 * caller passes the clock, the reference price and the book, and persists the returned state, so the
 * same inputs give the same decision on every worker and on every retry.
 *
 * States (NautilusTrader's trading states):
 * - ACTIVE: every check applies, any order may pass.
 * - REDUCING: only orders that shrink a position pass (kill switch, daily-loss limit).
 * - HALTED: nothing passes until a person re-enables the deployment (drawdown, throttle, unknown
 *   exposure after reconciliation, an outage under the "halt" catch-up policy, a manual halt).
 */

// Strict: a misspelt limit (`maxDrawdown` for `maxDrawdownPct`) was dropped and its default applied,
// a safety limit other than the one asked for.
export const RiskLimits = z.strictObject({
  maxOrderQuantity: z.number().positive().describe('Largest quantity one order may carry, in units of the instrument.'),
  maxOrderNotional: z.number().positive().describe('Largest quantity × price of one order, in the quote currency.'),
  priceCollarPct: z.number().positive().max(100).default(5).describe('An order price more than this % away from the reference price is refused.'),
  maxReferenceAgeMs: z.number().int().positive().default(300_000).describe('A reference price older than this is stale: no order is priced against it.'),
  maxPosition: z.number().positive().describe('Largest absolute position per symbol, in units.'),
  maxGrossExposure: z.number().positive().describe('Largest sum of |position| × price over all symbols, in the quote currency.'),
  maxDrawdownPct: z.number().positive().max(100).default(20).describe('Equity this % below its peak halts the deployment.'),
  maxDailyLossPct: z.number().positive().max(100).default(5).describe('Equity this % below the start of the UTC day allows only reducing orders until the next day.'),
  throttle: z
    .strictObject({
      maxOrders: z.number().int().positive().default(20).describe('New orders allowed in one window.'),
      windowMs: z.number().int().positive().default(60_000),
    })
    .default({ maxOrders: 20, windowMs: 60_000 })
    .describe('More new orders than this in the window disables the deployment until a person re-enables it.'),
});
export type RiskLimits = z.infer<typeof RiskLimits>;

export const TradingState = { active: 'ACTIVE', reducing: 'REDUCING', halted: 'HALTED' } as const;
export type TradingState = (typeof TradingState)[keyof typeof TradingState];

/** Why an order was refused. Stable strings: they are stored with every denial and shown to people. */
export const DenialCode = {
  invalidQuantity: 'INVALID_QUANTITY',
  invalidPrice: 'INVALID_PRICE',
  invalidReference: 'INVALID_REFERENCE',
  duplicateOrder: 'DUPLICATE_ORDER',
  halted: 'HALTED',
  reduceOnly: 'REDUCE_ONLY',
  staleReference: 'STALE_REFERENCE',
  priceCollar: 'PRICE_COLLAR',
  maxOrderQuantity: 'MAX_ORDER_QUANTITY',
  maxOrderNotional: 'MAX_ORDER_NOTIONAL',
  maxPosition: 'MAX_POSITION',
  maxGrossExposure: 'MAX_GROSS_EXPOSURE',
  throttle: 'THROTTLE',
} as const;
export type DenialCode = (typeof DenialCode)[keyof typeof DenialCode];

/** Why the deployment stopped trading (HALTED) or may only reduce (REDUCING). */
export const HaltCode = {
  drawdown: 'DRAWDOWN',
  dailyLoss: 'DAILY_LOSS',
  throttle: 'THROTTLE',
  unknownExposure: 'UNKNOWN_EXPOSURE',
  outage: 'OUTAGE',
  manual: 'MANUAL',
} as const;
export type HaltCode = (typeof HaltCode)[keyof typeof HaltCode];

const Reason = z.object({ code: z.string(), message: z.string(), at: z.number() });
export type Reason = z.infer<typeof Reason>;

/** Recent client order ids remembered for the duplicate check; older ones are also unique by construction. */
export const rememberedOrderIds = 1000;

/** What the gate remembers between orders. Plain JSON: persisted with the deployment. */
export const RiskState = z.object({
  /** Set by the drawdown, throttle, reconciliation and outage checks, or a person; only a person clears it. */
  halt: Reason.nullable(),
  /** The kill switch: blocks new exposure, allows reduce-only, persists until a person releases it. */
  killSwitch: Reason.nullable(),
  /** The daily-loss limit: reduce-only until the UTC day changes. */
  dailyLoss: Reason.nullable(),
  peakEquity: z.number(),
  /** The UTC day (epoch days) `dayStartEquity` belongs to. */
  day: z.number(),
  dayStartEquity: z.number(),
  /** Times of the new orders allowed inside the current throttle window. */
  messages: z.array(z.number()),
  recentOrderIds: z.array(z.string()),
});
export type RiskState = z.infer<typeof RiskState>;

const dayMs = 86_400_000;
/** Percentages are compared with this slack so a limit set at exactly 5 % means 5 %, not 5.0000000000000044 %. */
const pctTolerance = 1e-9;

export function initialRiskState(equity: number, now: number): RiskState {
  return { halt: null, killSwitch: null, dailyLoss: null, peakEquity: equity, day: Math.floor(now / dayMs), dayStartEquity: equity, messages: [], recentOrderIds: [] };
}

/** HALTED beats REDUCING beats ACTIVE. */
export function tradingState(state: RiskState): TradingState {
  if (state.halt) return TradingState.halted;
  if (state.killSwitch || state.dailyLoss) return TradingState.reducing;
  return TradingState.active;
}

export type Side = 'buy' | 'sell';

/** An order the strategy wants, before the gate. */
export interface ProposedOrder {
  clientOrderId: string;
  symbol: string;
  side: Side;
  quantity: number;
  type: 'market' | 'limit';
  /** Required for a limit order. */
  limitPrice?: number;
  /**
   * A protective exit (stop-loss, take-profit, trailing stop) closing the position: it must reduce the
   * position, and then it passes the kill switch, the daily-loss limit and a halt (except a halt for
   * unknown exposure, where the book that sizes it cannot be trusted), and the throttle breaker does not
   * refuse it. A stop that was set to protect a position protects it most when trading is stopped.
   */
  protective?: boolean;
}

/** What the gate needs to know about the market and the book at the moment of the order. */
export interface GateContext {
  now: number;
  /** The last trusted price of the order's symbol and when it was observed (epoch ms). */
  reference: { price: number; time: number };
  /** Signed positions and their marks, every symbol the deployment holds (the order's symbol included). */
  book: Record<string, { position: number; price: number }>;
}

export type Decision = { allow: true } | { allow: false; code: DenialCode; message: string };

const deny = (code: DenialCode, message: string): Decision => ({ allow: false, code, message });
const positiveFinite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0;

/** A reduce-only order shrinks the position towards zero without crossing it. */
export function isReducing(position: number, side: Side, quantity: number): boolean {
  if (position === 0) return false;
  return (position > 0 ? side === 'sell' : side === 'buy') && quantity <= Math.abs(position) * (1 + 1e-12);
}

const fmt = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(10)).toString() : String(x));

/**
 * Decide on one order. Returns the decision and the next state: an allowed order is remembered for the
 * duplicate check and counted by the throttle, and a throttle breach halts the deployment.
 */
export function checkOrder(state: RiskState, limits: RiskLimits, order: ProposedOrder, ctx: GateContext): { decision: Decision; state: RiskState } {
  const decision = decide(state, limits, order, ctx);
  if (!decision.allow) {
    if (decision.code === DenialCode.throttle) {
      return { decision, state: { ...state, halt: { code: HaltCode.throttle, message: decision.message, at: ctx.now } } };
    }
    return { decision, state };
  }
  const windowStart = ctx.now - limits.throttle.windowMs;
  const next: RiskState = {
    ...state,
    messages: [...state.messages.filter((t) => t > windowStart), ctx.now],
    recentOrderIds: [...state.recentOrderIds, order.clientOrderId].slice(-rememberedOrderIds),
  };
  return { decision, state: next };
}

function decide(state: RiskState, limits: RiskLimits, order: ProposedOrder, ctx: GateContext): Decision {
  // Garbage in is refused before any limit is compared with it: NaN fails every comparison and would pass.
  if (!positiveFinite(order.quantity)) return deny(DenialCode.invalidQuantity, `quantity ${fmt(order.quantity)} is not a positive finite number`);
  if (order.type === 'limit' && !positiveFinite(order.limitPrice)) return deny(DenialCode.invalidPrice, `limit price ${fmt(order.limitPrice ?? NaN)} is not a positive finite number`);
  if (!positiveFinite(ctx.reference.price) || !Number.isFinite(ctx.reference.time)) {
    return deny(DenialCode.invalidReference, `reference price ${fmt(ctx.reference.price)} for ${order.symbol} is not a positive finite number`);
  }
  if (state.recentOrderIds.includes(order.clientOrderId)) return deny(DenialCode.duplicateOrder, `client order id ${order.clientOrderId} was already sent`);

  const position = ctx.book[order.symbol]?.position ?? 0;
  const reducing = isReducing(position, order.side, order.quantity);
  const status = tradingState(state);
  if (order.protective && !reducing) return deny(DenialCode.reduceOnly, `a protective exit must reduce the position (${fmt(position)}) without crossing zero`);
  const exitThroughHalt = order.protective === true && state.halt?.code !== HaltCode.unknownExposure;
  if (status === TradingState.halted && !exitThroughHalt) return deny(DenialCode.halted, `the deployment is halted (${state.halt!.code}): ${state.halt!.message}`);
  if (status === TradingState.reducing && !reducing) {
    const why = state.killSwitch ? 'the kill switch is on' : 'the daily loss limit was reached';
    return deny(DenialCode.reduceOnly, `only orders that reduce the position are allowed: ${why}`);
  }

  const age = ctx.now - ctx.reference.time;
  if (age > limits.maxReferenceAgeMs) return deny(DenialCode.staleReference, `the reference price is ${Math.round(age / 1000)} s old (limit ${Math.round(limits.maxReferenceAgeMs / 1000)} s)`);
  const price = order.type === 'limit' ? order.limitPrice! : ctx.reference.price;
  const away = (Math.abs(price - ctx.reference.price) / ctx.reference.price) * 100;
  if (away > limits.priceCollarPct + pctTolerance) {
    return deny(DenialCode.priceCollar, `price ${fmt(price)} is ${away.toFixed(1)} % away from the reference ${fmt(ctx.reference.price)} (collar ${limits.priceCollarPct} %)`);
  }
  if (order.quantity > limits.maxOrderQuantity) return deny(DenialCode.maxOrderQuantity, `quantity ${fmt(order.quantity)} exceeds the maximum order size ${fmt(limits.maxOrderQuantity)}`);
  const notional = order.quantity * price;
  if (notional > limits.maxOrderNotional) return deny(DenialCode.maxOrderNotional, `notional ${fmt(notional)} exceeds the maximum order notional ${fmt(limits.maxOrderNotional)}`);

  // Position and exposure limits stop growth; an order that shrinks an over-limit book is always welcome.
  const after = position + (order.side === 'buy' ? order.quantity : -order.quantity);
  if (Math.abs(after) > limits.maxPosition && Math.abs(after) > Math.abs(position)) {
    return deny(DenialCode.maxPosition, `the position would be ${fmt(after)}, beyond the maximum ${fmt(limits.maxPosition)}`);
  }
  let grossBefore = 0;
  let grossAfter = 0;
  for (const [symbol, held] of Object.entries(ctx.book)) {
    if (symbol === order.symbol) continue;
    const g = Math.abs(held.position) * held.price;
    grossBefore += g;
    grossAfter += g;
  }
  grossBefore += Math.abs(position) * price;
  grossAfter += Math.abs(after) * price;
  if (grossAfter > limits.maxGrossExposure && grossAfter > grossBefore) {
    return deny(DenialCode.maxGrossExposure, `gross exposure would be ${fmt(grossAfter)}, beyond the maximum ${fmt(limits.maxGrossExposure)}`);
  }

  // The throttle is last: only an order that would otherwise go counts as a message.
  const windowStart = ctx.now - limits.throttle.windowMs;
  const inWindow = state.messages.filter((t) => t > windowStart).length;
  if (inWindow + 1 > limits.throttle.maxOrders && !order.protective) {
    return deny(DenialCode.throttle, `more than ${limits.throttle.maxOrders} orders in ${Math.round(limits.throttle.windowMs / 1000)} s: the deployment is disabled until a person re-enables it`);
  }
  return { allow: true };
}

/**
 * Mark the deployment's equity: a new peak, a new UTC day, the drawdown halt and the daily-loss limit.
 * A non-finite equity is not evidence of anything and leaves the state unchanged.
 */
export function observeEquity(state: RiskState, limits: RiskLimits, equity: number, now: number): RiskState {
  if (!Number.isFinite(equity)) return state;
  let next = state;
  const day = Math.floor(now / dayMs);
  if (day !== state.day) next = { ...next, day, dayStartEquity: equity, dailyLoss: null };
  if (equity > next.peakEquity) next = { ...next, peakEquity: equity };
  const drawdown = next.peakEquity > 0 ? ((next.peakEquity - equity) / next.peakEquity) * 100 : 0;
  if (!next.halt && drawdown >= limits.maxDrawdownPct - pctTolerance) {
    next = { ...next, halt: { code: HaltCode.drawdown, message: `equity ${fmt(equity)} is ${drawdown.toFixed(2)} % below its peak ${fmt(next.peakEquity)} (limit ${limits.maxDrawdownPct} %)`, at: now } };
  }
  const dayLoss = next.dayStartEquity > 0 ? ((next.dayStartEquity - equity) / next.dayStartEquity) * 100 : 0;
  if (!next.dailyLoss && dayLoss >= limits.maxDailyLossPct - pctTolerance) {
    next = { ...next, dailyLoss: { code: HaltCode.dailyLoss, message: `equity ${fmt(equity)} is ${dayLoss.toFixed(2)} % below the day's start ${fmt(next.dayStartEquity)} (limit ${limits.maxDailyLossPct} %)`, at: now } };
  }
  return next;
}

/** What people and the platform can do to the gate. */
export type RiskControl =
  | { type: 'kill'; by: string }
  | { type: 'releaseKill'; by: string }
  /** Clear a halt (throttle, drawdown, unknown exposure, outage): a person's decision, never automatic. */
  | { type: 'reenable'; by: string; equity: number }
  | { type: 'halt'; code: HaltCode; message: string };

export function applyControl(state: RiskState, control: RiskControl, now: number): RiskState {
  switch (control.type) {
    case 'kill':
      return state.killSwitch ? state : { ...state, killSwitch: { code: 'KILL_SWITCH', message: `kill switch engaged by ${control.by}`, at: now } };
    case 'releaseKill':
      return { ...state, killSwitch: null };
    case 'reenable':
      // Nothing to clear: the state stays as it is (a re-enable of a deployment that is not halted moved
      // its drawdown peak to today's equity, hiding the drawdown so far).
      if (!state.halt) return state;
      // The peak restarts at today's equity, or the drawdown check would halt again on the next bar; the
      // throttle window restarts so the orders that tripped it do not count twice.
      return { ...state, halt: null, messages: [], peakEquity: Number.isFinite(control.equity) ? control.equity : state.peakEquity };
    case 'halt':
      // The first reason stays: it is the one a person needs to read.
      return state.halt ? state : { ...state, halt: { code: control.code, message: control.message, at: now } };
  }
}
