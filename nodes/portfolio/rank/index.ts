import { z } from 'zod';
import { defineCrossNode } from '../../contract.ts';

/**
 * Cross-sectional rank: where each symbol's score stands among all symbols' scores on the same bar.
 * Ties share the best rank of the group (competition ranking: 1, 2, 2, 4), so equal scores are
 * treated equally whatever the symbol order.
 */
export const rank = defineCrossNode({
  type: 'portfolio.rank',
  version: 1,
  category: 'portfolio',
  scope: 'cross',
  title: 'Rank across symbols',
  description: 'Rank each symbol’s score against the other symbols on the same bar.',
  docs: {
    example: 'Score = ROC(90) of each symbol; rank 1 is the strongest momentum, Percentile 1 the top.',
    caveats: [
      'A symbol whose score is NaN (warming up, or its bar is missing) gets NaN and does not count.',
      'Ties share the best rank of the group: scores 5, 3, 3, 1 rank 1, 2, 2, 4.',
      'Percentile is (count − rank) / (count − 1): 1 for the best, 0 for the worst, 1 when only one symbol has a score.',
    ],
  },
  inputs: { score: { kind: 'number', description: 'The value to rank, per symbol.' } },
  outputs: {
    rank: { kind: 'number', description: '1 for the best score, 2 for the next, …' },
    percentile: { kind: 'number', description: 'From 1 (best) to 0 (worst).' },
  },
  params: z.object({
    best: z.enum(['highest', 'lowest']).default('highest').describe('Whether the highest or the lowest score ranks first.'),
  }),
  warmup: () => 0,
  init: () => ({}),
  step(_s, p, input, out) {
    const scores = input.score;
    const n = scores.length;
    let count = 0;
    for (let k = 0; k < n; k++) if (scores[k]! === scores[k]!) count++;
    const sign = p.best === 'highest' ? 1 : -1;
    for (let k = 0; k < n; k++) {
      const x = scores[k]!;
      if (x !== x) {
        out.rank[k] = NaN;
        out.percentile[k] = NaN;
        continue;
      }
      // Symbols are few (tens to hundreds): counting the better scores is simpler than sorting, and exact on ties.
      let better = 0;
      for (let m = 0; m < n; m++) if (sign * scores[m]! > sign * x) better++;
      out.rank[k] = better + 1;
      out.percentile[k] = count > 1 ? (count - 1 - better) / (count - 1) : 1;
    }
  },
});
