import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { OrderType } from '../../ports.ts';
import { runNode, targets } from '../../testing.ts';
import { orderRegistry } from '../testing.ts';
import { stopOrder } from './index.ts';

const book = { equity: 10_200, close: 100 };

describe('order.stop', () => {
  it('fixes the stop (close + offset % for a long) and the size (valued at the stop) on the entry bar', () => {
    const { order } = runNode(stopOrder, { params: { offsetPercent: 2, timeInForce: 'bars', expiryBars: 4 }, inputs: { enter: [1, 1, 0] }, ctx: [book, { close: 120 }, book] });
    // Stop 102; 100 % · 10 200 / 102 = 100 units.
    expect(order[0]).toEqual({ target: expect.closeTo(100, 12), type: OrderType.stop, limit: NaN, stop: 102, expiry: 4, stopLoss: NaN, takeProfit: NaN, trail: NaN });
    expect(order[1]).toEqual(order[0]);
    expect(order[2]).toMatchObject({ target: 0, type: OrderType.market, stop: NaN });
  });

  it('a short stop sits below the close; Price, when wired, is the stop', () => {
    expect(runNode(stopOrder, { params: { side: 'short', sizeMode: 'units', size: 3, offsetPercent: 2 }, inputs: { enter: [1] }, ctx: [book] }).order[0]).toMatchObject({ target: -3, stop: 98 });
    const { order } = runNode(stopOrder, { params: { sizeMode: 'units', size: 3 }, inputs: { enter: [1, 1], price: [NaN, 105] }, ctx: () => book });
    expect(targets(order)).toEqual([0, 3]);
    expect(order[1].stop).toBe(105);
  });

  it('in a graph: a gap through the stop fills at the open plus slippage', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        up: { type: 'logic.threshold', params: { operator: '>', level: 100 } },
        order: { type: 'order.stop', params: { sizeMode: 'units', size: 10, offsetPercent: 1 } },
      },
      ['data.close -> up.value', 'up.result -> order.enter'],
      { initialCash: 10_000, commissionBps: 0, slippageBps: 10 },
    );
    // Signal at bar 1's close of 101: stop 102.01. Bar 2's high 101.8 misses; bar 3 opens at 103, through it.
    const bars = makeBars({ close: [99, 101, 101.5, 103], open: [99, 99, 101, 103], high: [99, 101, 101.8, 103.5] });
    const run = runGraph(graph, bars, {}, orderRegistry);
    expect(run.broker.fills.map((f) => [f.time, f.quantity, f.price])).toEqual([[bars.time[3], 10, expect.closeTo(103.103, 9)]]);
  });
});
