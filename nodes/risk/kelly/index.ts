import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { holdIdle, holdWatch } from '../../order/entry.ts';
import { setMarket } from '../../order/instruction.ts';
import { capParam, entryInputs, sideParam, wantsIn } from '../shared/sizing.ts';

/**
 * Fractional Kelly sizing: f* = p − (1 − p) / b for a win probability p and a payoff ratio b (average
 * win ÷ average loss), scaled by a fraction and capped; the position's value is that share of equity.
 */
export const kelly = defineNode({
  type: 'risk.kelly',
  version: 1,
  category: 'risk',
  title: 'Kelly sizing',
  description: 'Size the position by the (fractional) Kelly criterion from a win probability and payoff ratio.',
  docs: {
    example: 'Win probability 55 %, payoff 1.5, half Kelly: f* = 0.55 − 0.45 / 1.5 = 25 %, so the position is 12.5 % of equity.',
    caveats: [
      'Size: Kelly % = fraction × (p − (1 − p) ÷ b) × 100, capped at Max % of equity; units = Kelly % ÷ 100 × equity ÷ close, at the close of the bar where the position opens. This is the classic bet-sizing reading: the position’s value is the stake. If a loss costs only a stop distance, size with Fixed fractional instead.',
      'A zero or negative edge sizes 0: the node does not enter (it never goes the other way).',
      'The Win probability and Payoff inputs, when wired, replace the params. A wired input that is NaN (warming up) or out of range (p outside 0–1, payoff ≤ 0) makes the size unknown: `percent` is NaN and an Enter is not acted on.',
      'Sized once, at entry, and held unchanged until the exit, even if p or b move while the position is open.',
      'No warm-up of its own: the first size is known when its wired inputs are. In level mode (Exit unwired) it enters on the first bar the size is known and positive while Enter is still true; in latched mode an Enter pulse with no size is lost.',
      'Enter and Exit work as in Target % of equity. Writes a plain market order (no limit, no protective exits).',
    ],
  },
  inputs: {
    ...entryInputs,
    winProbability: { kind: 'number', description: 'Chance a trade wins, 0–1 (replaces the param when wired).', optional: true },
    payoffRatio: { kind: 'number', description: 'Average win ÷ average loss (replaces the param when wired).', optional: true },
  },
  outputs: {
    order: { kind: 'order', description: 'Target position in units of the symbol.' },
    percent: { kind: 'number', description: 'The size this bar would take, in percent of equity (0 without an edge; NaN when unknown).' },
  },
  params: z.object({
    winProbability: z.number().min(0).max(1).default(0.55).describe('Chance a trade wins, 0–1, when the input is not wired.'),
    payoffRatio: z.number().positive().max(1e6).default(1.5).describe('Average win ÷ average loss, when the input is not wired.'),
    fraction: z.number().gt(0).max(1).default(0.5).describe('Share of full Kelly to bet (0.5 = half Kelly, a common choice).'),
    maxPercent: capParam(25),
    side: sideParam,
  }),
  warmup: () => 0,
  init: (_p, wired) => ({ target: 0, latched: wired.exit ? 1 : 0, pWired: wired.winProbability ? 1 : 0, bWired: wired.payoffRatio ? 1 : 0 }),
  step(s, p, input, out, ctx) {
    const prob = s.pWired === 1 ? input.winProbability : p.winProbability;
    const payoff = s.bWired === 1 ? input.payoffRatio : p.payoffRatio;
    // NaN fails every comparison, so an unknown input is not `known`.
    const known = prob >= 0 && prob <= 1 && payoff > 0 && payoff < Infinity;
    const weight = known ? Math.min(p.maxPercent / 100, Math.max(0, p.fraction * (prob - (1 - prob) / payoff))) : NaN;
    out.percent = weight * 100;
    if (!wantsIn(s.latched === 1, s.target !== 0, input.enter, input.exit)) s.target = 0;
    else if (s.target === 0 && weight > 0 && ctx.close > 0 && ctx.equity > 0) {
      s.target = ((p.side === 'long' ? 1 : -1) * weight * ctx.equity) / ctx.close;
    }
    setMarket(out.order, s.target);
  },
  // Sized once, at entry, and `percent` comes from the params alone when neither input is wired: only a
  // bar whose signals open or close the position can change anything. With an input wired, `percent`
  // follows it, and what it read last is not kept.
  idleInputs: ['enter', 'exit'],
  idle: (s, _p, input) => s.pWired === 0 && s.bWired === 0 && holdIdle(s.latched, s.target, input.enter, input.exit),
  idleWatch: (s, _p, input) => holdWatch(s.latched, s.target, input.enter),
});
