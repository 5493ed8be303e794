import { z } from 'zod';
import { bool } from '../../bool.ts';
import { defineNode } from '../../contract.ts';

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
      'The percent cap uses equity and price at the signal bar’s close.',
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
  init: () => ({}),
  step(_s, p, input, out, ctx) {
    const target = input.order;
    if (target !== target) {
      out.order = NaN;
      out.limited = 0;
      return;
    }
    let cap = ctx.close > 0 && ctx.equity > 0 ? ((p.maxPercentEquity / 100) * ctx.equity) / ctx.close : 0;
    if (p.maxQuantity !== undefined) cap = Math.min(cap, p.maxQuantity);
    const capped = Math.sign(target) * Math.min(Math.abs(target), cap);
    out.order = capped;
    out.limited = bool(capped !== target);
  },
});
