import { describe, expect, it } from 'vitest';
import { runCrossNode } from '../../testing.ts';
import { weights } from './index.ts';

describe('portfolio.weights', () => {
  it('equal: the selected symbols share the gross exposure; none selected is all cash', () => {
    const { weight } = runCrossNode(weights, { inputs: { selected: [[1, 0, 1, NaN], [0, 0, 0, 0]] } });
    expect(weight).toEqual([[0.5, 0, 0.5, 0], [0, 0, 0, 0]]);
  });

  it('a symbol whose input is unknown on a bar (its bar missing) keeps its weight, and the others theirs', () => {
    // Three selected, then the third has no bar: it keeps 1/3 and the others stay at 1/3 (they were moved
    // to 1/2 each, bought up for a bar and sold back). Then it is known again, and deselected.
    const { weight } = runCrossNode(weights, { inputs: { selected: [[1, 1, 1], [1, 1, NaN], [1, 1, 0]] } });
    const expected = [[1 / 3, 1 / 3, 1 / 3], [1 / 3, 1 / 3, 1 / 3], [0.5, 0.5, 0]];
    weight.forEach((bar, t) => bar.forEach((w, k) => expect(w).toBeCloseTo(expected[t]![k]!, 12)));
    // With a score (inverse volatility), a selected symbol's NaN score is unknown too.
    const scored = runCrossNode(weights, { params: { mode: 'inverseVolatility' }, inputs: { selected: [[1, 1], [1, 1]], score: [[0.01, 0.01], [0.02, NaN]] } });
    expect(scored.weight).toEqual([[0.5, 0.5], [0.5, 0.5]]);
  });

  it('proportional keeps signs (long/short), scaled to the gross', () => {
    const { weight } = runCrossNode(weights, { params: { mode: 'proportional', grossPercent: 200, maxWeightPercent: 1000 }, inputs: { score: [[3, -1, 0, Infinity]] } });
    expect(weight[0]).toEqual([1.5, -0.5, 0, 0]);
  });

  it('unwired, every symbol takes part equally; with both wired, scores count only where selected', () => {
    expect(runCrossNode(weights, { inputs: { score: [[5, 1, 2, 2]] } }).weight[0]).toEqual([0.25, 0.25, 0.25, 0.25]);
    const { weight } = runCrossNode(weights, { params: { mode: 'proportional' }, inputs: { selected: [[1, 0, 1]], score: [[3, 9, 1]] } });
    expect(weight[0]).toEqual([0.75, 0, 0.25]);
  });

  it('inverse volatility gives the calmer symbol more, and the cap binds', () => {
    const { weight } = runCrossNode(weights, { params: { mode: 'inverseVolatility' }, inputs: { score: [[0.01, 0.03, -1]] } });
    expect(weight[0]![0]).toBeCloseTo(0.75, 12);
    expect(weight[0]![1]).toBeCloseTo(0.25, 12);
    expect(weight[0]![2]).toBe(0);
    expect(runCrossNode(weights, { params: { maxWeightPercent: 40 }, inputs: { selected: [[1, 0, 0]] } }).weight[0]).toEqual([0.4, 0, 0]);
  });
});
