import { z } from 'zod';
import { bool } from '../../bool.ts';
import { defineNode } from '../../contract.ts';
import { copyOrder } from '../../order/instruction.ts';
import { OrderType } from '../../ports.ts';
import { reducesRisk } from '../shared/gate.ts';

/** Caps how much position value one instruction may add: a fat-finger check on order size. */
export const maxOrderNotional = defineNode({
  type: 'risk.maxOrderNotional',
  version: 1,
  category: 'risk',
  title: 'Max order notional',
  description: 'Caps the value one order may add to the position, in currency and as a percent of equity.',
  docs: {
    example: 'Before the broker: no single order may add more than 20 000 or 25 % of equity to the position.',
    caveats: [
      'Checked when the incoming target changes, against the position held at that bar’s close, and then held while the target stays the same; it never re-checks or slices (the cut part is dropped, not worked on later bars). A new target is checked afresh.',
      'Only added risk counts: a reduction or an exit passes whole, and a flip passes its closing half and caps the new side. A scale-in of a long 10 to 100 with room for 5 units becomes 15.',
      'The price of an order’s value is its limit price (limit and stop-limit orders), its stop price (stop orders), else the close of the bar; the cap in units is the smaller of Max notional ÷ price and Max % × equity ÷ price, 0 with equity ≤ 0.',
      'Only the target is changed; the order type, prices, expiry and protective exits pass through.',
      '`limited` is 1 while the output target differs from the incoming one. NaN (no instruction) passes through, with `limited` 0. No warm-up.',
    ],
  },
  inputs: { order: { kind: 'order', description: 'The order to check.' } },
  outputs: {
    order: { kind: 'order', description: 'The order, its added size capped.' },
    limited: { kind: 'bool', description: 'True while the cap cut the target.' },
  },
  params: z.object({
    maxNotional: z.number().positive().max(1e15).optional().describe('Largest value one order may add to the position, in quote currency; empty for none.'),
    maxPercentEquity: z.number().gt(0).max(1000).default(100).describe('Largest value one order may add, as a percent of equity.'),
  }),
  warmup: () => 0,
  init: () => ({ target: NaN, capped: NaN }),
  step(s, p, input, out, ctx) {
    const order = input.order;
    const target = order.target;
    copyOrder(order, out.order);
    if (target !== target) {
      s.target = s.capped = NaN;
      out.limited = 0;
      return;
    }
    if (target !== s.target) {
      s.target = target;
      const position = ctx.position;
      if (reducesRisk(target, position)) s.capped = target;
      else {
        const t = order.type;
        const price = (t === OrderType.limit || t === OrderType.stopLimit) && order.limit > 0 ? order.limit : t === OrderType.stop && order.stop > 0 ? order.stop : ctx.close;
        let cap = price > 0 && ctx.equity > 0 ? ((p.maxPercentEquity / 100) * ctx.equity) / price : 0;
        if (p.maxNotional !== undefined) cap = price > 0 ? Math.min(cap, p.maxNotional / price) : 0;
        // Same side: grow from the position by at most `cap`. From flat or across zero: the new side only.
        const base = target * position > 0 ? Math.abs(position) : 0;
        s.capped = Math.sign(target) * (base + Math.min(Math.abs(target) - base, cap)) + 0;
      }
    }
    out.order.target = s.capped;
    out.limited = bool(s.capped !== target);
  },
  // The order is capped when its target changes, then held: the same target (NaN included, which the
  // state keeps too) changes nothing. Compared with the state rather than assumed, because the order may
  // come from a node that is not bar-by-bar (Target position), whose target moves between steps.
  idle: (s, _p, input) => {
    const t = input.order.target;
    return t === s.target || (t !== t && s.target !== s.target);
  },
});
