import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { OrderType } from '../../ports.ts';
import { runNode } from '../../testing.ts';
import { orderRegistry } from '../testing.ts';
import { stopLimitOrder } from './index.ts';

describe('order.stopLimit', () => {
  it('stop = close + offset %, limit = stop + limit offset %; sized at the limit', () => {
    const { order } = runNode(stopLimitOrder, {
      params: { offsetPercent: 2, limitOffsetPercent: 0.5 },
      inputs: { enter: [1, 1] },
      ctx: [{ equity: 10_251, close: 100 }, { equity: 10_251, close: 130 }],
    });
    // Stop 102, limit 102 · 1.005 = 102.51; 10 251 / 102.51 = 100 units.
    expect(order[0]).toEqual({ target: expect.closeTo(100, 9), type: OrderType.stopLimit, limit: expect.closeTo(102.51, 12), stop: 102, expiry: 0, stopLoss: NaN, takeProfit: NaN, trail: NaN });
    expect(order[1]).toEqual(order[0]);
  });

  it('a short: stop below the close, limit below the stop', () => {
    const { order } = runNode(stopLimitOrder, { params: { side: 'short', sizeMode: 'units', size: 2, offsetPercent: 2, limitOffsetPercent: 1 }, inputs: { enter: [1] }, ctx: [{ close: 100 }] });
    expect(order[0]).toMatchObject({ target: -2, stop: 98, limit: expect.closeTo(97.02, 12) });
  });

  it('in a graph: opening beyond the limit, it fills at the limit when the bar comes back to it', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        up: { type: 'logic.threshold', params: { operator: '>', level: 100 } },
        order: { type: 'order.stopLimit', params: { sizeMode: 'units', size: 10, offsetPercent: 1, limitOffsetPercent: 0.5 } },
      },
      ['data.close -> up.value', 'up.result -> order.enter'],
      { initialCash: 10_000, commissionBps: 0, slippageBps: 10 },
    );
    // Signal at 101: stop 102.01, limit 102.52005. Bar 2 stays under the stop; bar 3 opens at 103 and dips to 102.4.
    const bars = makeBars({ close: [99, 101, 101.5, 103], open: [99, 99, 101, 103], high: [99, 101, 101.8, 103.5], low: [99, 99, 101, 102.4] });
    const run = runGraph(graph, bars, {}, orderRegistry);
    expect(run.broker.fills.map((f) => [f.time, f.quantity, f.price])).toEqual([[bars.time[3], 10, expect.closeTo(102.52005, 9)]]);
  });
});
