import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { setMarket } from '../../order/instruction.ts';
import { capParam, entryInputs, sideParam, wantsIn } from '../shared/sizing.ts';

/**
 * Fixed-fractional sizing: risk a fixed percent of equity per trade, given how far away the stop is.
 * units = equity × risk % ÷ stop distance, so a wider stop means a smaller position.
 */
export const fixedFractional = defineNode({
  type: 'risk.fixedFractional',
  version: 1,
  category: 'risk',
  title: 'Fixed fractional',
  description: 'Risk a fixed percent of equity per trade: units = equity × risk % ÷ stop distance.',
  docs: {
    example: 'Distance = ATR(14), multiple 2, risk 1 %: with equity 100 000 and ATR 2.5 the stop is 5 away, so 1 000 ÷ 5 = 200 units, stop 5 below the entry close.',
    caveats: [
      'Stop distance, in price units: Distance × multiple when the Distance input is wired (for example an ATR), else stop % × close. A distance that is NaN (warming up) or ≤ 0 makes the size unknown: `percent` is NaN and an Enter is not acted on.',
      'Size: units = equity × risk % ÷ stop distance, at the close of the bar where the position opens, then capped so the position is worth at most Max % of equity (when the cap binds, less than risk % is at stake).',
      'With Attach stop on (the default) the order carries a stop-loss at the entry close − distance (long) or + distance (short), fixed for the trade, so the risk it sized for is actually bounded; a stop at or below 0 is left off. The broker fills a stop at the stop price or at the open on a gap through it, so a gap can lose more than risk %.',
      'Sized once, at entry, and held (with its stop) unchanged until the exit.',
      'No warm-up of its own: the first size is known when Distance is. In level mode (Exit unwired) it enters on the first bar the size is known while Enter is still true; in latched mode an Enter pulse with no size is lost.',
      'Enter and Exit work as in Target % of equity. The order is a market order; take-profit and trailing exits can be added with Stop / take-profit after it.',
    ],
  },
  inputs: {
    ...entryInputs,
    distance: { kind: 'number', description: 'Stop distance in price units, e.g. an ATR (times Multiple).', optional: true },
  },
  outputs: {
    order: { kind: 'order', description: 'Target position in units of the symbol, with its stop-loss.' },
    percent: { kind: 'number', description: 'The size this bar would take, in percent of equity (NaN when unknown).' },
  },
  params: z.object({
    riskPercent: z.number().gt(0).max(100).default(1).describe('Equity to lose if the stop is hit, in percent.'),
    multiple: z.number().gt(0).max(1000).default(1).describe('Stop distance = Distance input × this (when Distance is wired).'),
    stopPercent: z.number().gt(0).max(100).default(2).describe('Stop distance as a percent of the close, when Distance is not wired.'),
    attachStop: z.boolean().default(true).describe('Put the stop-loss on the order (entry close ∓ distance).'),
    maxPercent: capParam(100),
    side: sideParam,
  }),
  warmup: () => 0,
  init: (_p, wired) => ({ target: 0, stop: NaN, latched: wired.exit ? 1 : 0, distanceWired: wired.distance ? 1 : 0 }),
  step(s, p, input, out, ctx) {
    const close = ctx.close;
    const distance = s.distanceWired === 1 ? input.distance * p.multiple : (close * p.stopPercent) / 100;
    const weight = distance > 0 && distance < Infinity && close > 0 ? Math.min(p.maxPercent / 100, ((p.riskPercent / 100) * close) / distance) : NaN;
    out.percent = weight * 100;
    if (!wantsIn(s.latched === 1, s.target !== 0, input.enter, input.exit)) {
      s.target = 0;
      s.stop = NaN;
    } else if (s.target === 0 && weight === weight && ctx.equity > 0) {
      const sign = p.side === 'long' ? 1 : -1;
      s.target = (sign * weight * ctx.equity) / close;
      const stop = close - sign * distance;
      s.stop = p.attachStop && stop > 0 ? stop : NaN;
    }
    setMarket(out.order, s.target);
    out.order.stopLoss = s.stop;
  },
});
