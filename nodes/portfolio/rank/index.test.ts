import { describe, expect, it } from 'vitest';
import { runCrossNode } from '../../testing.ts';
import { rank } from './index.ts';

describe('portfolio.rank', () => {
  it('ranks scores across symbols, ties sharing the best rank, NaN left out', () => {
    const { rank: r, percentile } = runCrossNode(rank, { inputs: { score: [[5, 3, 3, 1], [NaN, 2, 4, 4], [NaN, NaN, 7, NaN]] } });
    expect(r).toEqual([[1, 2, 2, 4], [NaN, 3, 1, 1], [NaN, NaN, 1, NaN]]);
    expect(percentile[0]).toEqual([1, 2 / 3, 2 / 3, 0]);
    expect(percentile[1]).toEqual([NaN, 0, 1, 1]);
    expect(percentile[2]).toEqual([NaN, NaN, 1, NaN]);
  });

  it('ranks the lowest first when asked', () => {
    expect(runCrossNode(rank, { params: { best: 'lowest' }, inputs: { score: [[5, 3, 1]] } }).rank).toEqual([[3, 2, 1]]);
  });
});
