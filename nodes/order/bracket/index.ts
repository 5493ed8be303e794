import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { OrderType } from '../../ports.ts';
import { copyOrder } from '../instruction.ts';
import { noOrder, sameOrder } from '../same.ts';

/** Adds a stop-loss, a take-profit and a trailing stop to an incoming order. */
export const bracket = defineNode({
  type: 'order.bracket',
  version: 1,
  category: 'order',
  title: 'Bracket (stop-loss / take-profit)',
  description: 'Protects each new position with a stop-loss, a take-profit and an optional trailing stop.',
  docs: {
    example: 'Market order → Bracket with Distance = ATR(14), stop-loss 2, take-profit 3: exits 2 ATR below or 3 ATR above the entry.',
    caveats: [
      'Levels are set once, when a new instruction with a non-zero target arrives, from its entry price: the signal close for a market order, the limit for a limit order, the stop for a stop or stop-limit order. A long gets its stop-loss below and its take-profit above that price; a short the reverse. A repeated instruction keeps the same levels, so nothing churns.',
      'Without Distance wired, stop-loss and take-profit are percents of the entry price. With Distance wired (an ATR, say), they are multiples of its value at the signal; an entry while Distance is unknown (NaN) or not positive is held back (no instruction) until it is known.',
      'The trailing stop is a percent below the best high since entry (above the best low for a short); the broker never loosens it as price moves. A param left empty adds no exit of that kind, and the incoming order’s own exit of that kind passes through.',
      'The broker checks the exits on every bar from the entry on (from the entry bar itself only when the entry filled at the open). A stop fills at its level, or at the open after a gap through it, less slippage; a take-profit fills at its level, or at a better open, without slippage. When both lie inside one bar, the stop is assumed hit first. Either one closes the whole position and cancels the other.',
      'After an exit the strategy does not re-enter until its order changes (a new entry signal). While an instruction to go flat is working, the levels from the entry stay attached.',
    ],
  },
  inputs: {
    order: { kind: 'order', description: 'The order to protect.' },
    distance: { kind: 'number', description: 'A price distance (ATR, say): the stop-loss and take-profit become multiples of it.', optional: true },
  },
  outputs: { order: { kind: 'order', description: 'The order with its protective exits.' } },
  params: z.object({
    stopLoss: z.number().gt(0).max(1000).optional().describe('Stop-loss distance from the entry price: percent of it, or × Distance when Distance is wired. Empty for none.'),
    takeProfit: z.number().gt(0).max(1000).optional().describe('Take-profit distance from the entry price: percent of it, or × Distance when Distance is wired. Empty for none.'),
    trailPercent: z.number().gt(0).max(99).optional().describe('Trailing stop, percent from the best price since entry. Empty for none.'),
  }),
  init: (_p, wired) => ({
    useDistance: wired.distance ? 1 : 0,
    /** 1 once the levels for the current instruction are set. */
    armed: 0,
    stopLoss: NaN,
    takeProfit: NaN,
    seen: noOrder(),
    /** 1 when the last step had no instruction (NaN target), for the idle test. */
    none: 0,
  }),
  step(s, p, input, out, ctx) {
    const o = input.order;
    copyOrder(o, out.order);
    // No instruction: nothing to protect, and nothing for the broker to change.
    if (o.target !== o.target) {
      s.none = 1;
      return;
    }
    s.none = 0;
    if (!sameOrder(s.seen, o)) {
      copyOrder(o, s.seen);
      if (o.target !== 0) s.armed = 0;
    }
    if (s.armed === 0 && o.target !== 0) {
      const ref = o.type === OrderType.limit ? o.limit : o.type === OrderType.stop || o.type === OrderType.stopLimit ? o.stop : ctx.close;
      const entry = ref > 0 && ref < Infinity ? ref : ctx.close;
      const d = input.distance;
      if (s.useDistance === 1 && !(d > 0 && d < Infinity) && (p.stopLoss !== undefined || p.takeProfit !== undefined)) {
        // Held back until the distance is known: an entry without the protection asked for is worse than a late one.
        out.order.target = NaN;
        return;
      }
      // Price distance per unit of the params: Distance itself, or 1 % of the entry price.
      const unit = s.useDistance === 1 ? d : entry / 100;
      const side = o.target > 0 ? 1 : -1;
      s.stopLoss = p.stopLoss === undefined ? NaN : entry - side * p.stopLoss * unit;
      s.takeProfit = p.takeProfit === undefined ? NaN : entry + side * p.takeProfit * unit;
      s.armed = 1;
    }
    if (p.stopLoss !== undefined) out.order.stopLoss = s.stopLoss;
    if (p.takeProfit !== undefined) out.order.takeProfit = s.takeProfit;
    if (p.trailPercent !== undefined) out.order.trail = p.trailPercent / 100;
  },
  // Levels are set once per new instruction and then repeated: the order it saw last (`seen`, and whether
  // it was none) repeated changes nothing once armed, or while it goes flat, or while an entry stays held
  // back for want of a Distance. The order is compared with the state rather than assumed unchanged,
  // because it may come from a node that is not bar-by-bar (Target position), which changes it between
  // steps; such nodes write every field but the target the same on every bar.
  idle: (s, p, input) => {
    const o = input.order;
    if (o.target !== o.target) return s.none === 1;
    if (s.none !== 0 || !sameOrder(s.seen, o)) return false;
    if (s.armed === 1 || o.target === 0) return true;
    const d = input.distance;
    return s.useDistance === 1 && !(d > 0 && d < Infinity) && (p.stopLoss !== undefined || p.takeProfit !== undefined);
  },
});
