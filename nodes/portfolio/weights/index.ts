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
      'A symbol whose selection or score (when wired) is NaN (no bar here, or not defined yet) keeps the weight it had, and the others share what is left of the gross: a missing bar does not move the rest of the portfolio. One that never had a weight gets 0; when no symbol takes part, every weight is 0 (all cash).',
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
  init: (_p, wired) => ({ selection: wired.selected ? 1 : 0, scored: wired.score ? 1 : 0, last: [] as number[] }),
  step(s, p, input, out) {
    const n = out.weight.length;
    const gross = p.grossPercent / 100;
    const cap = p.maxWeightPercent / 100;
    // Symbols with an unknown input keep their last weight, reserved out of the gross; the rest are
    // weighted as usual over what is left. Until session 21 a missing bar zeroed the symbol's weight, and
    // the others were bought up for a bar and sold back.
    let total = 0, reserved = 0;
    const unknown = (k: number) => (s.selection === 1 && input.selected[k] !== input.selected[k]) || (s.scored === 1 && input.score[k] !== input.score[k] && (s.selection === 0 || input.selected[k] === 1));
    for (let k = 0; k < n; k++) {
      if (unknown(k)) {
        reserved += Math.abs(s.last[k] ?? 0);
        continue;
      }
      const takesPart = s.selection === 0 || input.selected[k] === 1;
      const raw = takesPart ? rawWeight(p.mode, s.scored === 1 ? input.score[k]! : 1) : 0;
      out.weight[k] = raw;
      total += Math.abs(raw);
    }
    const left = Math.max(0, gross - reserved);
    for (let k = 0; k < n; k++) {
      if (unknown(k)) out.weight[k] = s.last[k] ?? 0;
      else {
        const w = total > 0 ? (out.weight[k]! / total) * left : 0;
        out.weight[k] = Math.max(-cap, Math.min(cap, w));
      }
      s.last[k] = out.weight[k]!;
    }
  },
});

function rawWeight(mode: 'equal' | 'proportional' | 'inverseVolatility', x: number): number {
  if (!(x === x && Math.abs(x) < Infinity)) return 0;
  if (mode === 'equal') return x > 0 ? 1 : 0;
  if (mode === 'proportional') return x;
  return x > 0 ? 1 / x : 0;
}
