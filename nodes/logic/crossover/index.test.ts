import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { runNode } from '../../testing.ts';
import { crossover } from './index.ts';

describe('logic.crossover', () => {
  it('fires on the bar A crosses B, counting a touch on the previous bar', () => {
    const { above, below } = runNode(crossover, {
      inputs: { a: [1, 2, 3, 2, 1, 1, 3], b: [2, 2, 2, 2, 2, 2, 2] },
    });
    // bar 2: A was equal (2 ≤ 2) and is now above; bar 4: A was equal and is now below.
    expect(above).toEqual([0, 0, 1, 0, 0, 0, 1]);
    expect(below).toEqual([0, 0, 0, 0, 1, 0, 0]);
  });

  it('is false on the first bar (no previous) and while and just after an input is NaN', () => {
    const { above, below } = runNode(crossover, {
      inputs: { a: [3, 1, NaN, 3, 1, 3], b: [2, 2, 2, 2, 2, NaN] },
    });
    // bar 1 crosses below; bar 2 NaN; bar 3 would be a cross from bar 1's 1 < 2 but the previous bar is unknown.
    expect(above).toEqual([0, 0, 0, 0, 0, 0]);
    expect(below).toEqual([0, 1, 0, 0, 1, 0]);
  });

  it('outputs are never NaN: a cross is an event, false until known', () => {
    const { above, below } = runNode(crossover, { inputs: { a: [NaN, NaN, 1], b: [NaN, 1, 0] } });
    expect([...above, ...below].every((v) => v === 0 || v === 1)).toBe(true);
  });

  it('in a graph, SMA(2) crossing SMA(3) with its warm-up from the graph', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        fast: { type: 'indicator.sma', params: { period: 2 } },
        slow: { type: 'indicator.sma', params: { period: 3 } },
        x: { type: 'logic.crossover' },
        order: { type: 'order.targetPercent' },
      },
      ['data.close -> fast.source', 'data.close -> slow.source', 'fast.value -> x.a', 'slow.value -> x.b', 'x.above -> order.enter', 'x.below -> order.exit'],
    );
    // fast SMA(2): –, 10, 9, 8, 10, 13; slow SMA(3): –, –, 29/3, 25/3, 29/3, 11. Only bar 4 crosses (8 ≤ 25/3, then 10 > 29/3).
    const run = runGraph(graph, makeBars({ close: [11, 9, 9, 7, 13, 13] }), { above: 'x.above', below: 'x.below' });
    expect(run.plan.warmup).toBe(3);
    expect(run.values.above).toEqual([0, 0, 0, 0, 1, 0]);
    expect(run.values.below).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
