import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { OrderType } from '../../ports.ts';
import { runNode, targets } from '../../testing.ts';
import { idleAfter, orderRegistry } from '../testing.ts';
import { limitOrder } from './index.ts';

const book = { equity: 9_800, close: 100 };

describe('order.limit', () => {
  it('fixes the limit (close − offset %) and the size (valued at the limit) on the entry bar, then repeats them', () => {
    const { order } = runNode(limitOrder, {
      params: { offsetPercent: 2 },
      inputs: { enter: [1, 1, 0] },
      ctx: [book, { equity: 5_000, close: 80 }, book],
    });
    // Limit 100 · 0.98 = 98; 100 % · 9 800 / 98 = 100 units. Bar 1 repeats it unchanged; bar 2 is flat at market.
    expect(order[0]).toEqual({ target: expect.closeTo(100, 12), type: OrderType.limit, limit: 98, stop: NaN, expiry: 0, stopLoss: NaN, takeProfit: NaN, trail: NaN });
    expect(order[1]).toEqual(order[0]);
    expect(order[2]).toMatchObject({ target: 0, type: OrderType.market, limit: NaN });
  });

  it('a short sells above the close; units ignore the price', () => {
    const { order } = runNode(limitOrder, { params: { side: 'short', sizeMode: 'units', size: 4, offsetPercent: 2 }, inputs: { enter: [1] }, ctx: [book] });
    expect(order[0]).toMatchObject({ target: -4, type: OrderType.limit, limit: 102 });
  });

  it('with Price wired, the limit is the price; an unknown price holds the entry back until it is known', () => {
    const { order } = runNode(limitOrder, {
      params: { sizeMode: 'units', size: 5, offsetPercent: 2 },
      inputs: { enter: [1, 1, 1], price: [NaN, 95, 90] },
      ctx: () => book,
    });
    expect(targets(order)).toEqual([0, 5, 5]);
    // Fixed at 95 on entry: the later 90 does not move it.
    expect(order.map((o: { limit: number }) => o.limit)).toEqual([NaN, 95, 95]);
  });

  it('time in force: gtc 0, day −1, bars n', () => {
    const expiry = (params: Record<string, unknown>) => runNode(limitOrder, { params, inputs: { enter: [1] }, ctx: [book] }).order[0].expiry;
    expect(expiry({})).toBe(0);
    expect(expiry({ timeInForce: 'day' })).toBe(-1);
    expect(expiry({ timeInForce: 'bars', expiryBars: 3 })).toBe(3);
  });

  it('latched mode: Exit sends flat at market', () => {
    const { order } = runNode(limitOrder, { params: { sizeMode: 'units', size: 2 }, inputs: { enter: [1, 0, 0], exit: [0, 0, 1] }, ctx: () => book });
    expect(order.map((o: { target: number; type: number }) => [o.target, o.type])).toEqual([[2, 1], [2, 1], [0, 0]]);
  });

  it('in a graph: keeps working until a bar reaches the limit, and fills there without slippage', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        dip: { type: 'logic.threshold', params: { operator: '<', level: 100 } },
        never: { type: 'logic.threshold', params: { operator: '>', level: 1000 } },
        order: { type: 'order.limit', params: { sizeMode: 'units', size: 10, offsetPercent: 1 } },
      },
      ['data.close -> dip.value', 'data.close -> never.value', 'dip.result -> order.enter', 'never.result -> order.exit'],
      { initialCash: 10_000, commissionBps: 0, slippageBps: 10 },
    );
    // Signal at bar 1's close of 99: limit 98.01. Bar 2's low 98.5 misses; bar 3's low 97.5 reaches it.
    const bars = makeBars({ close: [101, 99, 100, 100, 97], open: [101, 101, 99.5, 100, 98], low: [101, 99, 98.5, 97.5, 97] });
    const run = runGraph(graph, bars, {}, orderRegistry);
    expect(run.broker.fills).toEqual([{ time: bars.time[3], quantity: 10, price: expect.closeTo(98.01, 9), commission: 0 }]);
    expect(run.broker.position).toBe(10);
  });
});

describe('order.limit idle, Price wired', () => {
  it('a held entry ignores the Price input; a flat one waiting for a known Price is not idle', () => {
    const params = { sizeMode: 'units', size: 3 };
    expect(idleAfter(limitOrder, { params, bars: [{ enter: 1, price: 95 }] }, { enter: 1, price: 80 })).toBe(true);
    expect(idleAfter(limitOrder, { params, bars: [{ enter: 1, price: NaN }] }, { enter: 1, price: 95 })).toBe(false);
  });
});
