import { z } from 'zod';
import type { StepContext } from '../../contract.ts';
import { copyOrder, setMarket } from '../../order/instruction.ts';
import { OrderType, type Order } from '../../ports.ts';

/**
 * Shared logic of the halt-style gates (drawdown halt, daily loss limit, cooldown, session filter): each
 * decides per bar whether new risk is refused, and `applyGate` turns that into the order the broker sees.
 *
 * The broker replaces its working order when the instruction changes and ignores a repeat. So a gate
 * must not send a replacement it does not need: if it "held" an instruction the broker had already
 * finished with (filled, then stopped out), sending the original again when the block ends would revive
 * it and open a trade the strategy never asked for twice. The gate therefore tracks whether the last
 * instruction it sent can still trade, and only replaces one that can, or a new one that adds risk.
 */

/** What a halt does while in force: pass, refuse new risk, or go flat. */
export const GateMode = { pass: 0, block: 1, flatten: 2 } as const;
export type GateMode = (typeof GateMode)[keyof typeof GateMode];

export const haltActionParam = z
  .enum(['block', 'flatten'])
  .default('block')
  .describe('Block: refuse new risk but let the position be held and reduced. Flatten: order flat and stay flat.');

/** Caveats every halt-style gate shares, word for word. */
export const blockCaveat =
  'Block: an order that adds risk (an entry, a scale-in, a flip) is replaced by a market order to hold what is held (flat for an entry or a flip, keeping a held position’s protective exits), which also cancels an entry order the broker is still working (a resting limit). Exits, reductions, no instruction (NaN) and repeats of an instruction the broker has finished with pass unchanged.';
export const flattenCaveat =
  'Flatten: the output is a market order for 0, which closes the position and cancels any working order; once flat, a repeat of an instruction the broker has finished with passes unchanged.';
export const resumeCaveat =
  'When the block ends the incoming order passes again, so an order it withheld (a standing entry signal) is sent then; an instruction the broker had already finished with is not sent again, so a position the broker closed itself (a stop-loss) is not reopened by a signal that merely stayed on.';

export interface GateState {
  /** The last instruction this gate sent (NaN target: none yet). */
  sent: Order;
  /** Bar it was sent on. */
  sentBar: number;
  /** UTC day (epoch days) of the first bar the broker worked it on, for day orders. */
  firstDay: number;
  /**
   * The position and cash at the previous bar's close, kept only while an instruction may still trade
   * (`done` 0), the only time they are read: a gate with nothing to watch changes no state from bar to
   * bar, so it can be idle (Drawdown halt).
   */
  prevPosition: number;
  prevCash: number;
  /** 1 once the broker can no longer trade on `sent`: reached, cancelled by an exit, expired, or a market order done. */
  done: number;
}

export function gateState(): GateState {
  return { sent: noOrder(), sentBar: -1, firstDay: NaN, prevPosition: 0, prevCash: NaN, done: 1 };
}

/** An instruction with every field NaN: "no instruction", as plain data for a node's state. */
export function noOrder(): Order {
  return { target: NaN, type: NaN, limit: NaN, stop: NaN, expiry: NaN, stopLoss: NaN, takeProfit: NaN, trail: NaN };
}

/**
 * True when holding `target` carries no more risk than holding `position`: flat, or on the same side and
 * no larger. A flip (long to short) is not a reduction: its closing half is, its opening half is new risk.
 */
export function reducesRisk(target: number, position: number): boolean {
  return target === 0 || (target > 0 ? position >= target : target < 0 && position <= target);
}

/**
 * Write the order for this bar into `out`, given the gate's verdict `mode`, and keep the bookkeeping.
 * Call it exactly once per bar, whatever the mode.
 */
export function applyGate(g: GateState, mode: GateMode, incoming: Readonly<Order>, out: Order, ctx: Readonly<StepContext>): void {
  observe(g, ctx);
  const position = ctx.position;
  let changed = false;
  if (mode !== GateMode.pass) {
    // A repeat (or no instruction) is a no-op at the broker; what matters then is the order it still holds.
    const repeat = incoming.target !== incoming.target || sameOrder(incoming, g.sent);
    const idle = g.done === 1 || g.sent.target !== g.sent.target;
    if (mode === GateMode.flatten) changed = !(repeat && position === 0 && (idle || g.sent.target === 0));
    else {
      const t = repeat ? (idle ? NaN : g.sent.target) : incoming.target;
      changed = t === t && !reducesRisk(t, position);
    }
    if (changed) {
      const t = incoming.target === incoming.target ? incoming.target : g.sent.target;
      const hold = mode === GateMode.block && t * position > 0 ? position : 0;
      const keep = hold !== 0 && g.sent.target * hold > 0;
      const stopLoss = g.sent.stopLoss, takeProfit = g.sent.takeProfit, trail = g.sent.trail;
      setMarket(out, hold);
      if (keep) {
        out.stopLoss = stopLoss;
        out.takeProfit = takeProfit;
        out.trail = trail;
      }
    }
  }
  if (!changed) copyOrder(incoming, out);
  commit(g, out, ctx);
}

/** Update whether the broker can still trade on the last instruction sent, from what this bar shows. */
function observe(g: GateState, ctx: Readonly<StepContext>): void {
  const position = ctx.position;
  const o = g.sent;
  if (g.done === 0 && ctx.bar > g.sentBar) {
    const day = Math.floor(ctx.time / dayMs);
    if (ctx.bar === g.sentBar + 1) g.firstDay = day;
    const market = o.type === OrderType.market || o.type !== o.type;
    if (
      near(position, o.target) ||
      // Entry orders only move the position toward their target; moving away is a protective exit, which cancels them.
      Math.abs(o.target - position) > Math.abs(o.target - g.prevPosition) ||
      // Same position, different cash: it filled and a protective exit closed it inside the bar.
      (position === g.prevPosition && ctx.cash !== g.prevCash) ||
      // A working market order trades on every bar; one that did not is done (it was cut by the leverage cap).
      (market && position === g.prevPosition) ||
      (o.expiry > 0 && ctx.bar >= g.sentBar + o.expiry) ||
      (o.expiry < 0 && day > g.firstDay)
    ) g.done = 1;
  }
  if (g.done === 0) {
    g.prevPosition = position;
    g.prevCash = ctx.cash;
  }
}

/** Record the instruction sent this bar, when it is a new one. */
function commit(g: GateState, out: Readonly<Order>, ctx: Readonly<StepContext>): void {
  if (out.target !== out.target || sameOrder(out, g.sent)) return;
  copyOrder(out, g.sent);
  g.sentBar = ctx.bar;
  g.firstDay = NaN;
  g.prevPosition = ctx.position;
  g.prevCash = ctx.cash;
  // The broker takes an instruction at its current position as "nothing to do".
  g.done = near(out.target, ctx.position) ? 1 : 0;
}

const dayMs = 86_400_000;

/** Every field equal, NaN equal to NaN: the broker's test for a repeated instruction. */
export function sameOrder(a: Readonly<Order>, b: Readonly<Order>): boolean {
  return (
    same(a.target, b.target) && same(a.type, b.type) && same(a.limit, b.limit) && same(a.stop, b.stop) &&
    same(a.expiry, b.expiry) && same(a.stopLoss, b.stopLoss) && same(a.takeProfit, b.takeProfit) && same(a.trail, b.trail)
  );
}

function same(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b);
}

/** Equal up to float noise, as the broker judges it. */
function near(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)) || a === b;
}
