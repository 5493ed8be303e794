import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { copyOrder } from '../../order/instruction.ts';

const level = (what: string, byDefault: number) =>
  z
    .number()
    .min(0)
    .max(1000)
    .default(byDefault)
    .describe(`${what}: percent of the close, or multiples of Distance (see Basis); 0 leaves the incoming order's own.`);

/**
 * Attaches protective exits to an order: a stop-loss, a take-profit and a trailing stop, as percents of
 * the signal bar's close or as multiples of a distance (an ATR, say). The broker then works them.
 */
export const stopTakeProfit = defineNode({
  type: 'risk.stopTakeProfit',
  version: 1,
  category: 'risk',
  title: 'Stop / take-profit',
  description: 'Attach a stop-loss, take-profit and trailing stop to an order, in % or as multiples of a distance (ATR).',
  docs: {
    example: 'Order → Stop / take-profit (basis distance, Distance = ATR(14), stop 2, take-profit 3): a long entered at a close of 100 with ATR 1.5 gets a stop at 97 and a target at 104.5.',
    caveats: [
      'Levels are computed at the close of the signal bar, the bar where a new trade’s target arrives (from flat or no instruction to a position, or a flip to the other side), and kept fixed for that trade: a long gets stop = close × (1 − stop %) or close − stop × Distance, take-profit = close × (1 + tp %) or close + tp × Distance; a short the mirror image. Scaling in or out on the same side keeps them.',
      'The trailing stop is a fraction of the best price since entry (that is how the broker trails): trail % ÷ 100, or trail × Distance ÷ close at the signal bar.',
      'Only the fields whose param is above 0 are written (stopLoss, takeProfit, trail); every other field, and any level set to 0, passes through from the incoming order. A level that would be at or below a price of 0 is left off (NaN).',
      'With basis Distance, a Distance that is NaN at the signal bar (warming up) or ≤ 0 defers the levels: they are computed from the close of the first later bar where it is known, and the order passes with its incoming exits until then. With Distance unwired, no level is ever set.',
      'An exit (target 0) keeps the trade’s levels on the order, so a resting exit order does not strip the stop; the next trade computes new ones. No instruction (NaN) passes as is.',
      'The broker fills the exits: a stop at its price or at the open on a gap through it, the take-profit as a limit; if both lie inside one bar the stop is assumed hit first. When the broker closes the position, the instruction is unchanged, so the trade is not re-entered until the upstream target changes.',
      'No warm-up of its own.',
    ],
  },
  inputs: {
    order: { kind: 'order', description: 'The order to protect.' },
    distance: { kind: 'number', description: 'A price distance for basis Distance, e.g. an ATR.', optional: true },
  },
  outputs: {
    order: { kind: 'order', description: 'The order with its exits attached.' },
    stopLoss: { kind: 'price', description: 'The stop-loss price on the order (NaN for none).' },
    takeProfit: { kind: 'price', description: 'The take-profit price on the order (NaN for none).' },
  },
  params: z.object({
    basis: z.enum(['percent', 'distance']).default('percent').describe('Levels as percents of the close, or as multiples of the Distance input.'),
    stopLoss: level('Stop-loss', 2),
    takeProfit: level('Take-profit', 0),
    trail: level('Trailing stop', 0),
  }),
  warmup: () => 0,
  // `target`: the incoming target on the last step (+0 for -0), for the idle test.
  init: () => ({ target: NaN, side: 0, tradeSide: 0, pending: 0, stopLoss: NaN, takeProfit: NaN, trail: NaN }),
  step(s, p, input, out, ctx) {
    const target = input.order.target;
    copyOrder(input.order, out.order);
    s.target = target + 0;
    if (target !== target) {
      out.stopLoss = out.order.stopLoss;
      out.takeProfit = out.order.takeProfit;
      return;
    }
    // A new trade: a position where the last instruction was flat (or none), or a flip.
    const side = Math.sign(target);
    if (side !== 0 && side !== s.side) {
      s.tradeSide = side;
      s.pending = 1;
      s.stopLoss = s.takeProfit = s.trail = NaN;
    }
    s.side = side;
    if (s.pending === 1 && side !== 0) {
      const close = ctx.close;
      const unit = p.basis === 'percent' ? close / 100 : input.distance;
      if (unit > 0 && unit < Infinity && close > 0) {
        s.pending = 0;
        const sl = close - s.tradeSide * p.stopLoss * unit;
        const tp = close + s.tradeSide * p.takeProfit * unit;
        s.stopLoss = sl > 0 ? sl : NaN;
        s.takeProfit = tp > 0 ? tp : NaN;
        s.trail = (p.trail * unit) / close;
      }
    }
    if (s.pending === 0 && s.tradeSide !== 0) {
      if (p.stopLoss > 0) out.order.stopLoss = s.stopLoss;
      if (p.takeProfit > 0) out.order.takeProfit = s.takeProfit;
      if (p.trail > 0) out.order.trail = s.trail;
    }
    out.stopLoss = out.order.stopLoss;
    out.takeProfit = out.order.takeProfit;
  },
  // With the order unchanged, only a trade still waiting for its levels (a distance not yet known) can
  // change. The target is compared with the state rather than assumed unchanged, because the order may
  // come from a node that is not bar-by-bar (Target position), whose target moves between steps; such
  // nodes (Target position, Close all) write every other field the same on every bar.
  idleInputs: ['order'],
  idle: (s, _p, input) => {
    const t = input.order.target;
    return t !== t ? s.target !== s.target : t === s.target && (s.pending === 0 || s.side === 0);
  },
});
