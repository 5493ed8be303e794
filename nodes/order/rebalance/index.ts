import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { setMarket } from '../instruction.ts';

/**
 * Rebalance the symbol to a weight of portfolio equity. Re-sized only when the holding drifts outside a
 * band, or on a schedule, so a portfolio does not pay commission on every small move.
 */
export const rebalance = defineNode({
  type: 'order.rebalance',
  version: 1,
  category: 'order',
  title: 'Rebalance to weight',
  description: 'Hold the symbol at a weight of portfolio equity (from Portfolio weights), re-sizing when it drifts.',
  docs: {
    example: 'Portfolio weights → Weight: every selected symbol is held at its share of equity, the rest sold.',
    caveats: [
      'Weight is a fraction of portfolio equity (0.25 = 25 %); negative weights go short.',
      'A weight of 0 always closes the position, and a change of sign always goes through; otherwise the position is re-sized only when its value is more than the band away from the target value, and (with a period) only every N bars.',
      'Sized at the signal bar’s close, filled at the next open. A NaN weight gives no instruction: whatever is held stays.',
      'Every N bars counts this symbol’s own bars: symbols that start late or miss bars rebalance on other bars than the rest.',
    ],
  },
  inputs: { weight: { kind: 'number', description: 'Fraction of portfolio equity to hold.' } },
  outputs: { order: { kind: 'order', description: 'Target position in units of the symbol.' } },
  params: z.object({
    bandPercent: z.number().min(0).max(100).default(5).describe('Re-size only when the holding is off target by more than this percent of equity.'),
    everyBars: z.number().int().min(1).max(100_000).default(1).describe('Consider re-sizing only every N bars (1 = every bar).'),
  }),
  init: () => ({ target: NaN, bars: 0 }),
  step(s, p, input, out, ctx) {
    const w = input.weight;
    const due = s.bars % p.everyBars === 0;
    s.bars++;
    if (!(w === w && Math.abs(w) < Infinity && ctx.close > 0 && ctx.equity > 0)) {
      setMarket(out.order, s.target);
      return;
    }
    const held = s.target === s.target ? s.target : ctx.position;
    const wanted = (w * ctx.equity) / ctx.close;
    const flip = wanted === 0 || Math.sign(wanted) !== Math.sign(held);
    const drift = Math.abs(wanted - held) * ctx.close > (p.bandPercent / 100) * ctx.equity;
    if (s.target !== s.target || (due && (drift || (flip && wanted !== held)))) s.target = wanted === 0 ? 0 : wanted;
    setMarket(out.order, s.target);
  },
});
