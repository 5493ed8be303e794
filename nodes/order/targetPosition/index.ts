import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { setMarket } from '../instruction.ts';

/** Holds a position in units given by another node (a position-sizing calculation, say). */
export const targetPosition = defineNode({
  type: 'order.targetPosition',
  version: 1,
  category: 'order',
  title: 'Target position (units)',
  description: 'Hold the number of units another node computes: positive long, negative short, 0 flat.',
  docs: {
    example: 'Units = risk budget ÷ (2 × ATR), gated by a trend condition: a volatility-sized position.',
    caveats: [
      'Emits a market instruction at every close. The size is taken when the position opens (from flat or across zero) and then held while Units keeps its sign, so a size that moves every bar does not churn trades; a 0 closes, a sign change flips.',
      'With a rebalance band, the held size is also updated when Units moves more than that percent away from it.',
      'Unknown Units (NaN, or infinite) is no instruction: the broker leaves the position and any working order alone.',
      'The broker fills the change at the next bar’s open, moved against you by the slippage model, within the participation and leverage caps.',
    ],
  },
  inputs: { units: { kind: 'number', description: 'Units to hold, signed.' } },
  outputs: { order: { kind: 'order', description: 'Target position in units, at market.' } },
  params: z.object({
    rebalanceBandPercent: z
      .number()
      .gt(0)
      .max(1000)
      .optional()
      .describe('Re-size a held position when Units drifts more than this percent from it. Empty: sized only at entry.'),
  }),
  init: () => ({ held: 0 }),
  step(s, p, input, out) {
    const u = input.units;
    if (!(Math.abs(u) < Infinity)) {
      setMarket(out.order, NaN);
      return;
    }
    const h = s.held;
    if (u === 0 || h === 0 || u > 0 !== h > 0) s.held = u + 0;
    else if (p.rebalanceBandPercent !== undefined && Math.abs(u - h) > (p.rebalanceBandPercent / 100) * Math.abs(h)) s.held = u;
    setMarket(out.order, s.held);
  },
});
