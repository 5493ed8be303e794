import { describe, expect, it } from 'vitest';
import { runCrossNode } from '../../testing.ts';
import { topN } from './index.ts';

describe('portfolio.topN', () => {
  it('selects the N best scores, ties to the symbol listed first; a NaN score keeps the selection it had', () => {
    const { selected } = runCrossNode(topN, { params: { count: 2 }, inputs: { score: [[1, 5, 3, 5], [NaN, 2, NaN, NaN], [4, 4, 4, 1], [NaN, 1, 9, 2]] } });
    // Bar 1: the last symbol (selected, no bar) keeps its slot, the first (not selected) stays out, so one
    // slot is left for the scored ones. Bar 3: the first symbol, selected on bar 2 and unscored now, keeps
    // its slot; the best of the others (9) takes the second.
    expect(selected).toEqual([[0, 1, 0, 1], [0, 1, 0, 1], [1, 1, 0, 0], [1, 0, 1, 0]]);
  });

  it('lowest first, with a floor that keeps weak symbols out', () => {
    expect(runCrossNode(topN, { params: { count: 2, best: 'lowest' }, inputs: { score: [[3, 1, 2]] } }).selected).toEqual([[0, 1, 1]]);
    expect(runCrossNode(topN, { params: { count: 3, minScore: 0 }, inputs: { score: [[-1, 2, 0.5]] } }).selected).toEqual([[0, 1, 1]]);
  });
});
