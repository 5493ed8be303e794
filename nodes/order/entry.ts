import { z } from 'zod';
import { isTrue } from '../bool.ts';
import type { StepContext } from '../contract.ts';
import { OrderType, type Order } from '../ports.ts';

/**
 * What the entry order nodes (market, limit, stop, stop-limit) share: the Enter/Exit inputs and their
 * two modes, the sizing params, the time-in-force params, and the rule that a size is computed once,
 * when the position is opened, so the instruction stays unchanged (and the broker leaves it alone)
 * while the strategy stays in.
 */

export const signalInputs = {
  enter: { kind: 'bool', description: 'Open the position (or hold it, when Exit is not wired).' },
  exit: { kind: 'bool', description: 'Close the position at market.', optional: true },
} as const;

export const sizingParams = {
  side: z.enum(['long', 'short']).default('long').describe('Direction of the position.'),
  sizeMode: z.enum(['percentEquity', 'units']).default('percentEquity').describe('How Size is measured: a percent of equity, or units of the symbol.'),
  size: z.number().gt(0).max(1e12).default(100).describe('Position size: percent of equity (over 100 uses leverage) or units, as Size mode says.'),
};

export const timeInForceParams = {
  timeInForce: z
    .enum(['gtc', 'day', 'bars'])
    .default('gtc')
    .describe('How long the entry order works: until cancelled, through the (UTC) day of its first bar, or a number of bars.'),
  expiryBars: z.number().int().min(1).max(100_000).default(5).describe('Bars the entry order works when Time in force is "bars".'),
};

interface Sizing {
  side: 'long' | 'short';
  sizeMode: 'percentEquity' | 'units';
  size: number;
}

/** The order port's `expiry` field for these params: 0 good-till-cancelled, −1 day, n bars. */
export function expiryOf(p: { timeInForce: 'gtc' | 'day' | 'bars'; expiryBars: number }): number {
  return p.timeInForce === 'gtc' ? 0 : p.timeInForce === 'day' ? -1 : p.expiryBars;
}

/**
 * Signed units to hold for these params, valued at `price` (the price the order expects to pay).
 * 0 when it cannot be sized: a price or equity that is not positive.
 */
export function entryTarget(p: Sizing, ctx: Readonly<StepContext>, price: number): number {
  const sign = p.side === 'long' ? 1 : -1;
  if (p.sizeMode === 'units') return sign * p.size;
  if (!(price > 0 && price < Infinity && ctx.equity > 0)) return 0;
  return (sign * (p.size / 100) * ctx.equity) / price;
}

/**
 * Whether the strategy wants to be in. Level mode (Exit unwired, `latched` 0): exactly while Enter is
 * true. Latched mode: Enter opens, Exit closes, Exit wins when both fire; `holding` keeps it in between.
 */
export function wantsIn(latched: number, holding: boolean, enter: number, exit: number): boolean {
  return latched === 1 ? !isTrue(exit) && (isTrue(enter) || holding) : isTrue(enter);
}

/**
 * The idle test of a node that sizes once, at entry, and holds the size (`target`, 0 when flat) while
 * in: true when this bar's Enter and Exit cannot change it. In, it stays in unless the signals say out
 * (Exit in latched mode, Enter false in level mode); out, it stays out unless they say in, and a step
 * would only write the flat 0 it already holds (a -0, which a step rewrites as 0, is not idle).
 */
export function holdIdle(latched: number, target: number, enter: number, exit: number): boolean {
  if (target !== 0) return latched === 1 ? !isTrue(exit) : isTrue(enter);
  return 1 / target > 0 && !wantsIn(latched, false, enter, exit);
}

const watchEnter = Object.freeze(['enter'] as const), watchExit = Object.freeze(['exit'] as const);

/**
 * The one signal `holdIdle`'s true answer hangs on (the contract's `idleWatch`). In: Exit in latched
 * mode, Enter in level mode. Out: Enter while it is not true (Exit cannot bring the position in); with
 * Enter and Exit both true in latched mode, Exit (Enter turning false keeps it out as well).
 */
export function holdWatch(latched: number, target: number, enter: number): readonly ('enter' | 'exit')[] {
  if (target !== 0) return latched === 1 ? watchExit : watchEnter;
  return latched === 1 && isTrue(enter) ? watchExit : watchEnter;
}

/** Write an entry instruction: `target` units by an order of `type` at `limit`/`stop` (NaN when unused). */
export function setEntry(order: Order, target: number, type: number, limit: number, stop: number, expiry: number): void {
  order.target = target;
  order.type = type;
  order.limit = type === OrderType.limit || type === OrderType.stopLimit ? limit : NaN;
  order.stop = type === OrderType.stop || type === OrderType.stopLimit ? stop : NaN;
  order.expiry = expiry;
  order.stopLoss = NaN;
  order.takeProfit = NaN;
  order.trail = NaN;
}
