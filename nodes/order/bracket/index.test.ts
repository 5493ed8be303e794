import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { OrderType, type Order } from '../../ports.ts';
import { runNode, targets } from '../../testing.ts';
import { idleAfter, orderRegistry } from '../testing.ts';
import { bracket } from './index.ts';

const exits = (orders: Order[]) => orders.map((o) => [o.stopLoss, o.takeProfit]);

describe('order.bracket', () => {
  it('percent levels from the signal close for a market entry, held while the order repeats', () => {
    const { order } = runNode(bracket, { params: { stopLoss: 5, takeProfit: 10 }, inputs: { order: [10, 10, 10] }, ctx: [{ close: 100 }, { close: 120 }, { close: 80 }] });
    expect(targets(order)).toEqual([10, 10, 10]);
    expect(exits(order)).toEqual([[95, 110], [95, 110], [95, 110]]);
    expect(order[0]).toMatchObject({ type: OrderType.market, trail: NaN });
  });

  it('a short gets its stop above and its target below', () => {
    const { order } = runNode(bracket, { params: { stopLoss: 5, takeProfit: 10 }, inputs: { order: [-10] }, ctx: [{ close: 100 }] });
    expect(exits(order)).toEqual([[105, 90]]);
  });

  it('a limit entry measures from its limit, a stop entry from its stop', () => {
    const limit = runNode(bracket, { params: { stopLoss: 5, takeProfit: 10 }, inputs: { order: [{ target: 10, type: OrderType.limit, limit: 98, expiry: 3 }] }, ctx: [{ close: 100 }] }).order;
    // 98 − 5 % of 98 = 93.1; 98 + 10 % = 107.8. The entry itself passes unchanged.
    expect(limit[0]).toMatchObject({ target: 10, type: OrderType.limit, limit: 98, expiry: 3, stopLoss: expect.closeTo(93.1, 12), takeProfit: expect.closeTo(107.8, 12) });
    const stop = runNode(bracket, { params: { stopLoss: 5 }, inputs: { order: [{ target: 10, type: OrderType.stop, stop: 102, expiry: 0 }] }, ctx: [{ close: 100 }] }).order;
    expect(stop[0].stopLoss).toBeCloseTo(96.9, 12);
  });

  it('with Distance wired: multiples of its value at the signal; unknown Distance holds the entry back', () => {
    const { order } = runNode(bracket, {
      params: { stopLoss: 2, takeProfit: 3 },
      inputs: { order: [10, 10, 10], distance: [NaN, 2, 3] },
      ctx: [{ close: 100 }, { close: 101 }, { close: 102 }],
    });
    // Bar 0: no instruction. Bar 1: 101 − 2 · 2 = 97, 101 + 3 · 2 = 107, kept at bar 2 although Distance moved.
    expect(targets(order)).toEqual([NaN, 10, 10]);
    expect(exits(order).slice(1)).toEqual([[97, 107], [97, 107]]);
  });

  it('trailing percent becomes a fraction; an empty param lets the incoming exit of that kind through', () => {
    const { order } = runNode(bracket, { params: { takeProfit: 10, trailPercent: 5 }, inputs: { order: [{ target: 10, type: 0, expiry: 0, stopLoss: 90, trail: 0.1 }] }, ctx: [{ close: 100 }] });
    expect(order[0]).toMatchObject({ stopLoss: 90, takeProfit: 110, trail: 0.05 });
  });

  it('re-arms on a new instruction, keeps the levels while going flat, and passes “no instruction” through', () => {
    const { order } = runNode(bracket, {
      params: { stopLoss: 5 },
      inputs: { order: [10, 10, 0, NaN, 20, 20] },
      ctx: [{ close: 100 }, { close: 110 }, { close: 120 }, { close: 90 }, { close: 90 }, { close: 50 }],
    });
    expect(targets(order)).toEqual([10, 10, 0, NaN, 20, 20]);
    expect(order.map((o: Order) => o.stopLoss)).toEqual([95, 95, 95, NaN, 85.5, 85.5]);
  });

  it('in a graph: the stop-loss exits, the still-true signal does not buy back, a new signal does', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        up: { type: 'logic.threshold', params: { operator: '>', level: 100 } },
        entry: { type: 'order.market', params: { sizeMode: 'units', size: 10 } },
        guard: { type: 'order.bracket', params: { stopLoss: 5, takeProfit: 10 } },
      },
      ['data.close -> up.value', 'up.result -> entry.enter', 'entry.order -> guard.order'],
      { initialCash: 10_000, commissionBps: 0, slippageBps: 0 },
    );
    // Signal at bar 1 (101): stop 95.95, target 111.1. In at bar 2's open (100); bar 3 dips to 95: out at 95.95.
    // Bar 4 is still above 100, but the order is unchanged: no re-entry. Bar 5 turns it off, bar 6 on again:
    // a new order, filled at bar 7's open (104) with levels from 103.
    const bars = makeBars({ close: [99, 101, 102, 101, 102, 99, 103, 103], open: [99, 99, 100, 101, 101, 102, 99, 104], low: [99, 99, 100, 95, 101, 99, 99, 103] });
    const run = runGraph(graph, bars, { guard: 'guard.order' }, orderRegistry);
    expect(run.broker.fills.map((f) => [f.time, f.quantity, f.price, f.reason ?? 'signal'])).toEqual([
      [bars.time[2], 10, 100, 'signal'],
      [bars.time[3], -10, expect.closeTo(95.95, 9), 'stopLoss'],
      [bars.time[7], 10, 104, 'signal'],
    ]);
    expect(run.broker.trades).toEqual([expect.objectContaining({ exitReason: 'stopLoss', entryPrice: 100 })]);
  });

  it('in a graph with Distance: levels are multiples of it at the signal', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        up: { type: 'logic.threshold', params: { operator: '>', level: 100 } },
        entry: { type: 'order.market', params: { sizeMode: 'units', size: 10 } },
        atr: { type: 'math.constant', params: { value: 2 } },
        guard: { type: 'order.bracket', params: { stopLoss: 2, takeProfit: 3 } },
      },
      ['data.close -> up.value', 'up.result -> entry.enter', 'entry.order -> guard.order', 'atr.value -> guard.distance'],
      { initialCash: 10_000, commissionBps: 0, slippageBps: 0 },
    );
    // Signal at 101: take-profit 101 + 3 · 2 = 107. In at 100; bar 3 reaches 108: out at 107.
    const bars = makeBars({ close: [99, 101, 102, 106], open: [99, 99, 100, 102], high: [99, 101, 102, 108] });
    const run = runGraph(graph, bars, {}, orderRegistry);
    expect(run.broker.fills.map((f) => [f.quantity, f.price, f.reason ?? 'signal'])).toEqual([[10, 100, 'signal'], [-10, 107, 'takeProfit']]);
  });
});

describe('order.bracket idle', () => {
  const params = { stopLoss: 2, takeProfit: 3 };
  it('idle while the order it armed repeats, or while going flat; not on a new order', () => {
    expect(idleAfter(bracket, { params, bars: [{ order: 10 }] }, { order: 10 })).toBe(true);
    expect(idleAfter(bracket, { params, bars: [{ order: 10 }, { order: 0 }] }, { order: 0 })).toBe(true);
    // A new target (Target position upstream, say, which is not bar-by-bar) re-arms: not idle.
    expect(idleAfter(bracket, { params, bars: [{ order: 10 }] }, { order: 12 })).toBe(false);
    expect(idleAfter(bracket, { params, bars: [{ order: 10 }] }, { order: { target: 10, type: 1, limit: 95, expiry: 0 } })).toBe(false);
  });

  it('no instruction: idle only after no instruction, and an order after one is not idle', () => {
    expect(idleAfter(bracket, { params, bars: [{ order: 10 }, { order: NaN }] }, { order: NaN })).toBe(true);
    expect(idleAfter(bracket, { params, bars: [{ order: 10 }] }, { order: NaN })).toBe(false);
    // The same order as before the gap would be written again, with its levels.
    expect(idleAfter(bracket, { params, bars: [{ order: 10 }, { order: NaN }] }, { order: 10 })).toBe(false);
  });

  it('an entry held back for want of a Distance stays idle until the Distance is known', () => {
    const held = { params, bars: [{ order: 10, distance: NaN }] };
    expect(idleAfter(bracket, held, { order: 10, distance: NaN })).toBe(true);
    expect(idleAfter(bracket, held, { order: 10, distance: 1.5 })).toBe(false);
    expect(idleAfter(bracket, { params, bars: [{ order: 10, distance: 1.5 }] }, { order: 10, distance: NaN })).toBe(true);
  });
});
