import { z } from 'zod';
import { defineCrossNode } from '../../contract.ts';

/**
 * Turn per-symbol signals into portfolio weights that add up to the chosen gross exposure, ready for
 * the Rebalance order node.
 */
export const weights = defineCrossNode({
  type: 'portfolio.weights',
  version: 1,
  category: 'portfolio',
  scope: 'cross',
  title: 'Portfolio weights',
  description: 'Per-symbol weights summing to a gross exposure: equal across the selected symbols, or by a score.',
  docs: {
    example: 'Top N → Selected, Equal, Gross 100 %: each of the 3 selected symbols gets 1/3 of equity.',
    caveats: [
      'Selected (optional) limits the weights to the symbols where it is true; unwired, every symbol takes part.',
      'Equal: every taking part symbol gets the same weight. Proportional: weight = score / Σ|score|, so a negative score is a short weight. Inverse volatility: weight ∝ 1 / score for positive scores (wire a volatility, e.g. Stdev of returns).',
      'A symbol whose score (when wired) or selection is NaN gets weight 0; when no symbol takes part, every weight is 0 (all cash).',
      'Weights are scaled to the gross exposure, then each is capped at the maximum weight (the rest stays in cash).',
    ],
  },
  inputs: {
    selected: { kind: 'bool', description: 'Which symbols take part (e.g. from Top N).', optional: true },
    score: { kind: 'number', description: 'Score or volatility, for the proportional and inverse-volatility modes.', optional: true },
  },
  outputs: { weight: { kind: 'number', description: 'Fraction of equity to hold in the symbol (0.25 = 25 %).' } },
  params: z.object({
    mode: z.enum(['equal', 'proportional', 'inverseVolatility']).default('equal').describe('How symbols’ weights compare: equal, proportional to Score, or to 1 / Score.'),
    grossPercent: z.number().min(0).max(1000).default(100).describe('Sum of the absolute weights, in percent of equity (over 100 uses leverage).'),
    maxWeightPercent: z.number().gt(0).max(1000).default(100).describe('Cap on any one symbol’s absolute weight, in percent of equity.'),
  }),
  warmup: () => 0,
  init: (_p, wired) => ({ selection: wired.selected ? 1 : 0, scored: wired.score ? 1 : 0 }),
  step(s, p, input, out) {
    const n = out.weight.length;
    let total = 0;
    for (let k = 0; k < n; k++) {
      const takesPart = s.selection === 0 || input.selected[k] === 1;
      const raw = takesPart ? rawWeight(p.mode, s.scored === 1 ? input.score[k]! : 1) : 0;
      out.weight[k] = raw;
      total += Math.abs(raw);
    }
    const gross = p.grossPercent / 100;
    const cap = p.maxWeightPercent / 100;
    for (let k = 0; k < n; k++) {
      const w = total > 0 ? (out.weight[k]! / total) * gross : 0;
      out.weight[k] = Math.max(-cap, Math.min(cap, w));
    }
  },
});

function rawWeight(mode: 'equal' | 'proportional' | 'inverseVolatility', x: number): number {
  if (!(x === x && Math.abs(x) < Infinity)) return 0;
  if (mode === 'equal') return x > 0 ? 1 : 0;
  if (mode === 'proportional') return x;
  return x > 0 ? 1 / x : 0;
}
