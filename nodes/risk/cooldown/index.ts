import { z } from 'zod';
import { bool } from '../../bool.ts';
import { defineNode } from '../../contract.ts';
import { applyGate, blockCaveat, GateMode, gateState, resumeCaveat } from '../shared/gate.ts';

/** After a position is closed, refuses new entries for a number of bars. */
export const cooldown = defineNode({
  type: 'risk.cooldown',
  version: 1,
  category: 'risk',
  title: 'Cooldown',
  description: 'After a position closes (by signal or by a stop), wait N bars before opening another.',
  docs: {
    example: 'Cooldown 5 after a stop-out: no re-entry on the next few bars of chop.',
    caveats: [
      'A close is seen at the first close where the position reads flat after not being flat, whatever closed it (the strategy’s exit, a stop-loss, a take-profit). A trade opened and closed inside one bar is seen too, by the cash it moved. A flip (long to short in one fill) is not a close: the position never reads flat.',
      'Cooldown N refuses new risk in the orders decided at the close of the bar the position closed on and of the N − 1 bars after it; an entry decided N bars after that close passes and fills at the next open.',
      blockCaveat,
      resumeCaveat,
      '`blocked` is 1 while cooling down. No warm-up.',
    ],
  },
  inputs: { order: { kind: 'order', description: 'The order to guard.' } },
  outputs: {
    order: { kind: 'order', description: 'The order, or flat while cooling down.' },
    blocked: { kind: 'bool', description: 'True while cooling down.' },
  },
  params: z.object({
    bars: z.number().int().min(1).max(1_000_000).default(5).describe('Bars to wait after a position closes.'),
  }),
  warmup: () => 0,
  init: () => ({ prevPosition: 0, prevCash: NaN, remaining: 0, gate: gateState() }),
  step(s, p, input, out, ctx) {
    const position = ctx.position;
    const closed =
      position === 0 && (s.prevPosition !== 0 || (s.prevCash === s.prevCash && ctx.cash !== s.prevCash));
    s.prevPosition = position;
    s.prevCash = ctx.cash;
    if (closed) s.remaining = p.bars;
    const blocked = s.remaining > 0;
    if (blocked) s.remaining--;
    applyGate(s.gate, blocked ? GateMode.block : GateMode.pass, input.order, out.order, ctx);
    out.blocked = bool(blocked);
  },
});
