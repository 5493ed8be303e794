import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { OrderType } from '../../ports.ts';
import { runNode, targets } from '../../testing.ts';
import { orderRegistry } from '../testing.ts';
import { closeAll } from './index.ts';

describe('order.closeAll', () => {
  it('goes flat while the condition holds, then waits for a new incoming order (resume “new order”)', () => {
    const { order, closing } = runNode(closeAll, { inputs: { order: [10, 10, 10, 10, 0, 12], condition: [0, 1, 0, NaN, 0, 0] } });
    expect(targets(order)).toEqual([10, 0, 0, 0, 0, 12]);
    expect(closing).toEqual([0, 1, 1, 1, 0, 0]);
  });

  it('resume “when false” passes the incoming order as soon as the condition clears', () => {
    const { order } = runNode(closeAll, { params: { resume: 'whenFalse' }, inputs: { order: [10, 10, 10, 10, 0, 12], condition: [0, 1, 0, NaN, 0, 0] } });
    expect(targets(order)).toEqual([10, 0, 10, 10, 0, 12]);
  });

  it('an incoming “no instruction” is not a new order; when not closing, every field passes through', () => {
    const { order } = runNode(closeAll, { inputs: { order: [{ target: 10, type: 0, expiry: 0 }, { target: NaN }, { target: 10, type: 0, expiry: 0 }, { target: 5, type: OrderType.limit, limit: 99, expiry: 2, stopLoss: 90 }], condition: [1, 0, 0, 0] } });
    expect(targets(order)).toEqual([0, 0, 0, 5]);
    expect(order[0]).toMatchObject({ type: OrderType.market, stopLoss: NaN });
    expect(order[3]).toEqual({ target: 5, type: OrderType.limit, limit: 99, stop: NaN, expiry: 2, stopLoss: 90, takeProfit: NaN, trail: NaN });
  });

  it('in a graph: sells at the next open when the condition fires, and does not buy back until the strategy re-enters', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        up: { type: 'logic.threshold', params: { operator: '>', level: 100 } },
        hot: { type: 'logic.threshold', params: { operator: '>', level: 110 } },
        entry: { type: 'order.market', params: { sizeMode: 'units', size: 10 } },
        kill: { type: 'order.closeAll' },
      },
      ['data.close -> up.value', 'data.close -> hot.value', 'up.result -> entry.enter', 'entry.order -> kill.order', 'hot.result -> kill.condition'],
      { initialCash: 10_000, commissionBps: 0, slippageBps: 0 },
    );
    // In at bar 1's open (101); bar 2 closes at 112: out at bar 3's open (112). Bars 3–4 the strategy still says
    // 10: held flat. Bar 5 (99) it says 0, bar 6 (101) 10 again: a new order, in at bar 7's open (101).
    const bars = makeBars({ close: [101, 105, 112, 108, 108, 99, 101, 102] });
    const run = runGraph(graph, bars, { kill: 'kill.order' }, orderRegistry);
    expect(run.values.kill).toEqual([10, 10, 0, 0, 0, 0, 10, 10]);
    expect(run.broker.fills.map((f) => [f.time, f.quantity, f.price])).toEqual([
      [bars.time[1], 10, 101],
      [bars.time[3], -10, 112],
      [bars.time[7], 10, 101],
    ]);
  });
});
