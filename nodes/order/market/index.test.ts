import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { runNode, targets } from '../../testing.ts';
import { orderRegistry } from '../testing.ts';
import { marketOrder } from './index.ts';

const book = { equity: 10_000, close: 50 };

describe('order.market', () => {
  it('percent of equity, level mode: sized once at entry (percent · equity / close), held while Enter is true', () => {
    const { order } = runNode(marketOrder, {
      params: { size: 50 },
      inputs: { enter: [0, 1, 1, 0, 1, NaN] },
      ctx: [book, book, { equity: 20_000, close: 40 }, book, { equity: 9_000, close: 30 }, book],
    });
    // 50 % · 10 000 / 50 = 100, kept at bar 2; re-entry at bar 4: 50 % · 9 000 / 30 = 150. NaN Enter reads false.
    expect(targets(order)).toEqual([0, 100, 100, 0, 150, 0]);
  });

  it('units: the size as given, negative for a short, whatever equity and price do', () => {
    expect(targets(runNode(marketOrder, { params: { sizeMode: 'units', size: 7 }, inputs: { enter: [1, 1] }, ctx: [book, { equity: 1, close: 999 }] }).order)).toEqual([7, 7]);
    expect(targets(runNode(marketOrder, { params: { sizeMode: 'units', size: 7, side: 'short' }, inputs: { enter: [1, 0] }, ctx: () => book }).order)).toEqual([-7, 0]);
  });

  it('latched mode: Enter opens, Exit closes, Exit wins when both fire, NaN Exit keeps the position', () => {
    const { order } = runNode(marketOrder, {
      params: { sizeMode: 'units', size: 3 },
      inputs: { enter: [0, 1, 0, 0, 1, 1, 0], exit: [0, 0, NaN, 1, 0, 1, 0] },
      ctx: () => book,
    });
    expect(targets(order)).toEqual([0, 3, 3, 0, 3, 0, 0]);
  });

  it('emits a plain market instruction: no prices, no expiry, no protective exits', () => {
    const { order } = runNode(marketOrder, { inputs: { enter: [1] }, ctx: [book] });
    expect(order[0]).toEqual({ target: 200, type: 0, limit: NaN, stop: NaN, expiry: 0, stopLoss: NaN, takeProfit: NaN, trail: NaN });
  });

  it('does not enter on equity or a close that is not positive (percent mode)', () => {
    const { order } = runNode(marketOrder, { inputs: { enter: [1, 1, 1] }, ctx: [{ equity: 0, close: 50 }, { equity: 10_000, close: 0 }, book] });
    expect(targets(order)).toEqual([0, 0, 200]);
  });

  it('in a graph: decided at the close, filled at the next open plus slippage', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        up: { type: 'logic.threshold', params: { operator: '>', level: 100 } },
        order: { type: 'order.market', params: { sizeMode: 'units', size: 10 } },
      },
      ['data.close -> up.value', 'up.result -> order.enter'],
      { initialCash: 10_000, commissionBps: 0, slippageBps: 10 },
    );
    const bars = makeBars({ close: [100, 101, 102, 99, 98], open: [100, 100, 103, 101, 97] });
    const run = runGraph(graph, bars, { order: 'order.order' }, orderRegistry);
    expect(run.values.order).toEqual([0, 10, 10, 0, 0]);
    // Bought at bar 2's open 103 · 1.001, sold at bar 4's open 97 · 0.999.
    expect(run.broker.fills.map((f) => [f.quantity, f.price])).toEqual([
      [10, expect.closeTo(103.103, 9)],
      [-10, expect.closeTo(96.903, 9)],
    ]);
  });
});
