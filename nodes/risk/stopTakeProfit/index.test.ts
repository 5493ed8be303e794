import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import { createRegistry } from '../../registry.ts';
import { idleAfter } from '../../order/testing.ts';
import { runNode, targets } from '../../testing.ts';
import { stopTakeProfit } from './index.ts';

const reg = createRegistry([...registry.definitions.filter((d) => d.type !== stopTakeProfit.type), stopTakeProfit]);
/** Always in at 50 % of equity, with a 5 % stop-loss and a 10 % take-profit; no costs. */
const entryWithExits = fixture(
  {
    data: { type: 'data.synthetic' },
    on: { type: 'logic.threshold', params: { operator: '>', level: 0 } },
    order: { type: 'order.targetPercent', params: { percent: 50 } },
    exits: { type: 'risk.stopTakeProfit', params: { stopLoss: 5, takeProfit: 10 } },
  },
  ['data.close -> on.value', 'on.result -> order.enter', 'order.order -> exits.order'],
  { initialCash: 100_000, commissionBps: 0, slippageBps: 0 },
);
const field = (orders: Record<string, number>[], f: string) => orders.map((o) => o[f]);

describe('risk.stopTakeProfit', () => {
  it('percent levels from the signal close, fixed for the trade; scaling keeps them; the exit keeps them', () => {
    const { order, stopLoss, takeProfit } = runNode(stopTakeProfit, {
      params: { stopLoss: 2, takeProfit: 4, trail: 3 },
      inputs: { order: [10, 10, 15, 0, -5] },
      ctx: [100, 102, 104, 103, 50].map((close) => ({ close })),
    });
    expect(targets(order)).toEqual([10, 10, 15, 0, -5]);
    // Long from 100: stop 98, target 104, trail 3 %. Short from 50: stop 51, target 48.
    expect(field(order, 'stopLoss')).toEqual([98, 98, 98, 98, 51]);
    expect(field(order, 'takeProfit')).toEqual([104, 104, 104, 104, 48]);
    expect(field(order, 'trail')).toEqual([0.03, 0.03, 0.03, 0.03, 0.03]);
    expect(stopLoss).toEqual([98, 98, 98, 98, 51]);
    expect(takeProfit).toEqual([104, 104, 104, 104, 48]);
  });

  it('a new trade on the same side after a flat instruction gets new levels; NaN passes and is not a new trade', () => {
    const { order } = runNode(stopTakeProfit, {
      params: { stopLoss: 10 },
      inputs: { order: [10, NaN, 10, 0, 10] },
      ctx: [100, 200, 300, 400, 500].map((close) => ({ close })),
    });
    expect(targets(order)).toEqual([10, NaN, 10, 0, 10]);
    expect(field(order, 'stopLoss')).toEqual([90, NaN, 90, 90, 450]);
  });

  it('distance basis: multiples of Distance; an unknown distance defers the levels to the first bar it is known', () => {
    const { order } = runNode(stopTakeProfit, {
      params: { basis: 'distance', stopLoss: 2, takeProfit: 3, trail: 1 },
      inputs: { order: [{ target: 10, stopLoss: 1 }, { target: 10 }, { target: 10 }, { target: 10 }], distance: [NaN, 1.5, 2, 2] },
      ctx: [100, 100, 102, 102].map((close) => ({ close })),
    });
    // Until bar 1 the incoming stop passes; from bar 1's close 100 and distance 1.5: stop 97, target 104.5, trail 1.5 %.
    expect(field(order, 'stopLoss')).toEqual([1, 97, 97, 97]);
    expect(field(order, 'takeProfit')).toEqual([NaN, 104.5, 104.5, 104.5]);
    expect(field(order, 'trail')).toEqual([NaN, 0.015, 0.015, 0.015]);
  });

  it('writes only the levels set above 0, passing the rest and every other field through; a level at or below 0 is left off', () => {
    const { order } = runNode(stopTakeProfit, {
      params: { stopLoss: 0, takeProfit: 5 },
      inputs: { order: [{ target: -3, type: 1, limit: 101, expiry: 4, stopLoss: 110, trail: 0.02 }] },
    });
    expect(order[0]).toEqual({ target: -3, type: 1, limit: 101, stop: NaN, expiry: 4, stopLoss: 110, takeProfit: 95, trail: 0.02 });
    expect(runNode(stopTakeProfit, { params: { stopLoss: 150 }, inputs: { order: [1] } }).order[0].stopLoss).toBeNaN();
  });

  it('the broker works the exits: a stop at its level, no re-entry while the signal stays on', () => {
    const run = runGraph(entryWithExits, makeBars({ close: [100, 101, 96, 94, 99, 120] }), { sl: 'exits.stopLoss', tp: 'exits.takeProfit' }, reg);
    // Entered at bar 0's close of 100: stop 95, target 110. Bar 3 (96 → 94) goes through 95: out at 95.
    expect(run.values.sl).toEqual([95, 95, 95, 95, 95, 95]);
    expect(run.values.tp).toEqual([110, 110, 110, 110, 110, 110]);
    expect(run.broker.fills.map((f) => [f.quantity, f.price, f.reason])).toEqual([
      [500, 100, undefined],
      [-500, 95, 'stopLoss'],
    ]);
  });

  it('a take-profit fills as a limit in the real broker', () => {
    const run = runGraph(entryWithExits, makeBars({ close: [100, 104, 108, 112, 115] }), {}, reg);
    expect(run.broker.fills.map((f) => [f.quantity, f.price, f.reason])).toEqual([
      [500, 100, undefined],
      [-500, 110, 'takeProfit'],
    ]);
  });
});

describe('risk.stopTakeProfit idle', () => {
  it('idle while the target it protected repeats, not when it moves (Target position upstream is not bar-by-bar)', () => {
    expect(idleAfter(stopTakeProfit, { bars: [{ order: 5 }] }, { order: 5 })).toBe(true);
    expect(idleAfter(stopTakeProfit, { bars: [{ order: 5 }] }, { order: 7 })).toBe(false);
    expect(idleAfter(stopTakeProfit, { bars: [{ order: NaN }] }, { order: NaN })).toBe(true);
    expect(idleAfter(stopTakeProfit, { bars: [{ order: 5 }] }, { order: NaN })).toBe(false);
    expect(idleAfter(stopTakeProfit, { bars: [{ order: 5 }, { order: NaN }] }, { order: 5 })).toBe(false);
  });

  it('a trade waiting for a known Distance is not idle', () => {
    const params = { basis: 'distance' };
    expect(idleAfter(stopTakeProfit, { params, bars: [{ order: 5, distance: NaN }] }, { order: 5, distance: 2 })).toBe(false);
    expect(idleAfter(stopTakeProfit, { params, bars: [{ order: 5, distance: 2 }] }, { order: 5, distance: NaN })).toBe(true);
  });
});
