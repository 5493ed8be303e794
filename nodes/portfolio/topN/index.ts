import { z } from 'zod';
import { defineCrossNode } from '../../contract.ts';

/** Select the N symbols with the best scores on each bar: the core of a rotation strategy. */
export const topN = defineCrossNode({
  type: 'portfolio.topN',
  version: 1,
  category: 'portfolio',
  scope: 'cross',
  title: 'Top N symbols',
  description: 'True for the N symbols with the best score on the bar, false for the rest.',
  docs: {
    example: 'Score = ROC(90), N = 3, then Weights (equal) and Rebalance: hold the 3 strongest symbols.',
    caveats: [
      'A NaN score (the symbol has no bar here, or its score is not defined yet) leaves its selection as it was: a held symbol keeps its slot through a missing bar, and the other symbols are not rotated up and back for it. One never selected stays out. With fewer scored symbols than N, all scored ones are selected.',
      'Ties at the boundary go to the symbol listed first, so the selection is deterministic.',
      'An optional Minimum score keeps weak symbols out even when fewer than N remain.',
    ],
  },
  inputs: { score: { kind: 'number', description: 'The value to select by, per symbol.' } },
  outputs: { selected: { kind: 'bool', description: 'Whether the symbol is among the top N.' } },
  params: z.object({
    count: z.number().int().min(1).max(500).default(3).describe('How many symbols to select.'),
    best: z.enum(['highest', 'lowest']).default('highest').describe('Whether the highest or the lowest scores are best.'),
    minScore: z.number().nullable().default(null).describe('Scores must be at least this (at most, when lowest is best) to be selected; empty for no floor.'),
  }),
  warmup: () => 0,
  init: () => ({ last: [] as number[] }),
  step(s, p, input, out) {
    const scores = input.score;
    const n = scores.length;
    const sign = p.best === 'highest' ? 1 : -1;
    // Symbols without a score keep what they had; those that held a slot keep it, out of the N. Until
    // session 21 a missing bar deselected a holding, and Weights moved the rest up for a bar and back.
    let kept = 0;
    for (let k = 0; k < n; k++) if (scores[k] !== scores[k] && s.last[k] === 1) kept++;
    for (let k = 0; k < n; k++) {
      const x = scores[k]!;
      if (x !== x) {
        out.selected[k] = s.last[k] === 1 ? 1 : 0;
        continue;
      }
      if (p.minScore !== null && sign * x < sign * p.minScore) {
        out.selected[k] = 0;
        continue;
      }
      // Rank with ties broken by symbol order: strictly better scores, plus equal ones listed earlier.
      let ahead = 0;
      for (let m = 0; m < n; m++) {
        const y = scores[m]!;
        if (sign * y > sign * x || (y === x && m < k)) ahead++;
      }
      out.selected[k] = ahead < p.count - kept ? 1 : 0;
    }
    for (let k = 0; k < n; k++) s.last[k] = out.selected[k]!;
  },
});
