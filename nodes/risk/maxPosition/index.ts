import { z } from 'zod';
import { bool } from '../../bool.ts';
import { defineNode } from '../../contract.ts';
import { copyOrder } from '../../order/instruction.ts';

/** Caps the target position by quantity and by exposure as a percent of equity. */
export const maxPosition = defineNode({
  type: 'risk.maxPosition',
  version: 1,
  category: 'risk',
  title: 'Max position',
  description: 'Caps the position size by units and by percent of equity.',
  docs: {
    example: 'Between the order node and the broker: never hold more than 50 % of equity or 10 units.',
    caveats: [
      'Reduces an oversized target to the cap (keeping its sign) rather than dropping it, so exits always pass.',
      'The percent cap uses equity and price at the close of the bar where the target changed; a held target is not re-capped as prices move.',
    ],
  },
  inputs: { order: { kind: 'order', description: 'The target position to check.' } },
  outputs: {
    order: { kind: 'order', description: 'The target, capped.' },
    limited: { kind: 'bool', description: 'True on bars where the cap cut the target.' },
  },
  params: z.object({
    maxQuantity: z.number().positive().optional().describe('Largest absolute position in units; empty for no unit cap.'),
    maxPercentEquity: z.number().gt(0).max(1000).default(100).describe('Largest position value as a percent of equity.'),
  }),
  // The cap is checked when a new target arrives (a pre-trade check) and then held. Re-capping an
  // unchanged target every bar would chase equity and price with a dust trade on almost every bar.
  init: () => ({ target: NaN, capped: NaN }),
  step(s, p, input, out, ctx) {
    const target = input.order.target;
    // Every other field (order type, prices, protective exits) passes through unchanged.
    copyOrder(input.order, out.order);
    if (target !== target) {
      s.target = s.capped = NaN;
      out.limited = 0;
      return;
    }
    if (target !== s.target) {
      let cap = ctx.close > 0 && ctx.equity > 0 ? ((p.maxPercentEquity / 100) * ctx.equity) / ctx.close : 0;
      if (p.maxQuantity !== undefined) cap = Math.min(cap, p.maxQuantity);
      s.target = target;
      // `+ 0` turns the -0 of a short capped to nothing into a plain 0.
      s.capped = Math.sign(target) * Math.min(Math.abs(target), cap) + 0;
    }
    out.order.target = s.capped;
    out.limited = bool(s.capped !== target);
  },
  // An unchanged target is capped as it was (NaN included, which the state keeps too). Compared with the
  // state rather than assumed, because the order may come from a node that is not bar-by-bar (Target
  // position), whose target moves between steps; its other fields pass through, and such nodes (Target
  // position, Close all) write them the same on every bar.
  idle: (s, _p, input) => {
    const t = input.order.target;
    return t === s.target || (t !== t && s.target !== s.target);
  },
});
