import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { runNode, targets } from '../../testing.ts';
import { orderRegistry } from '../testing.ts';
import { targetPosition } from './index.ts';

describe('order.targetPosition', () => {
  it('takes the size at entry and holds it while the sign stays; 0 closes, a sign change flips, NaN is no instruction', () => {
    const { order } = runNode(targetPosition, { inputs: { units: [NaN, 0, 10, 12, 8, NaN, 9, 0, -5, -7, 3, Infinity] } });
    expect(targets(order)).toEqual([NaN, 0, 10, 10, 10, NaN, 10, 0, -5, -5, 3, NaN]);
    expect(order[2]).toEqual({ target: 10, type: 0, limit: NaN, stop: NaN, expiry: 0, stopLoss: NaN, takeProfit: NaN, trail: NaN });
  });

  it('with a rebalance band, re-sizes only when Units drifts beyond it', () => {
    const { order } = runNode(targetPosition, { params: { rebalanceBandPercent: 20 }, inputs: { units: [10, 11, 12, 12.5, 10.5, 9, -3] } });
    // Band 20 % of the held size. Held 10: 11 and 12 (exactly 20 %) hold, 12.5 moves it. Held 12.5 (band 2.5):
    // 10.5 is 2 away and holds, 9 is 3.5 away and moves it. A sign change always goes through.
    expect(targets(order)).toEqual([10, 10, 10, 12.5, 12.5, 9, -3]);
  });

  it('a −0 input reads as a plain 0', () => {
    expect(Object.is(runNode(targetPosition, { inputs: { units: [5, -0] } }).order[1].target, 0)).toBe(true);
  });

  it('in a graph: a constant 5 units is bought once at the next open', () => {
    const graph = fixture(
      { data: { type: 'data.synthetic' }, five: { type: 'math.constant', params: { value: 5 } }, hold: { type: 'order.targetPosition' } },
      ['five.value -> hold.units'],
      { initialCash: 10_000, commissionBps: 0, slippageBps: 0 },
    );
    const bars = makeBars({ close: [100, 102, 104], open: [100, 101, 103] });
    const run = runGraph(graph, bars, {}, orderRegistry);
    expect(run.broker.fills.map((f) => [f.time, f.quantity, f.price])).toEqual([[bars.time[1], 5, 101]]);
  });
});
