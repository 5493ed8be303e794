import { describe, expect, it } from 'vitest';
import { runCrossNode } from '../../testing.ts';
import { topN } from './index.ts';

describe('portfolio.topN', () => {
  it('selects the N best scores, ties to the symbol listed first, never a NaN', () => {
    const { selected } = runCrossNode(topN, { params: { count: 2 }, inputs: { score: [[1, 5, 3, 5], [NaN, 2, NaN, NaN], [4, 4, 4, 1]] } });
    expect(selected).toEqual([[0, 1, 0, 1], [0, 1, 0, 0], [1, 1, 0, 0]]);
  });

  it('lowest first, with a floor that keeps weak symbols out', () => {
    expect(runCrossNode(topN, { params: { count: 2, best: 'lowest' }, inputs: { score: [[3, 1, 2]] } }).selected).toEqual([[0, 1, 1]]);
    expect(runCrossNode(topN, { params: { count: 3, minScore: 0 }, inputs: { score: [[-1, 2, 0.5]] } }).selected).toEqual([[0, 1, 1]]);
  });
});
