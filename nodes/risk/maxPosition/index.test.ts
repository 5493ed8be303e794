import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { idleAfter } from '../../order/testing.ts';
import { runNode, targets } from '../../testing.ts';
import { maxPosition } from './index.ts';

const book = { equity: 1_000, close: 10 };

describe('risk.maxPosition', () => {
  it('caps by quantity, keeping the sign, and flags the bars it cut', () => {
    const { order, limited } = runNode(maxPosition, {
      params: { maxQuantity: 4, maxPercentEquity: 1000 },
      inputs: { order: [10, 3, -10, -4, 0] },
      ctx: () => book,
    });
    expect(targets(order)).toEqual([4, 3, -4, -4, 0]);
    expect(limited).toEqual([1, 0, 1, 0, 0]);
  });

  it('caps by percent of equity at the close: 50 % of 1 000 at 10 is 50 units', () => {
    const { order, limited } = runNode(maxPosition, { params: { maxPercentEquity: 50 }, inputs: { order: [80, -80, 50, 20] }, ctx: () => book });
    expect(targets(order)).toEqual([50, -50, 50, 20]);
    expect(limited).toEqual([1, 1, 0, 0]);
  });

  it('takes the tighter of the two caps', () => {
    // Percent cap 100 % · 1 000 / 10 = 100 units; quantity cap 30.
    expect(runNode(maxPosition, { params: { maxQuantity: 30 }, inputs: { order: [500] }, ctx: () => book }).order.map((o: { target: number }) => o.target)).toEqual([30]);
    // Percent cap 10 % → 10 units, tighter than 30.
    expect(runNode(maxPosition, { params: { maxQuantity: 30, maxPercentEquity: 10 }, inputs: { order: [500] }, ctx: () => book }).order.map((o: { target: number }) => o.target)).toEqual([10]);
  });

  it('passes NaN (no target yet) through and is not limited then', () => {
    const { order, limited } = runNode(maxPosition, { inputs: { order: [NaN, 5] }, ctx: () => book });
    expect(targets(order)).toEqual([NaN, 5]);
    expect(limited).toEqual([0, 0]);
  });

  it('caps to nothing when equity is gone', () => {
    const { order, limited } = runNode(maxPosition, { inputs: { order: [5, -5] }, ctx: () => ({ equity: -1, close: 10 }) });
    expect(targets(order)).toEqual([0, 0]);
    expect(Object.is(order[1].target, -0)).toBe(false);
    expect(limited).toEqual([1, 1]);
  });

  it('checks a target when it changes, not again every bar as equity and price drift', () => {
    const { order, limited } = runNode(maxPosition, {
      params: { maxPercentEquity: 50 },
      inputs: { order: [80, 80, 80, 30, 80] },
      ctx: [book, { equity: 900, close: 10 }, { equity: 1_200, close: 8 }, book, { equity: 600, close: 10 }],
    });
    // Capped to 50 when 80 arrives, held at 50 while 80 stays; a new 80 after 30 is re-capped: 50 % · 600 / 10.
    expect(targets(order)).toEqual([50, 50, 50, 30, 30]);
    expect(limited).toEqual([1, 1, 1, 0, 1]);
  });

  it('does not churn dust trades while a capped position is held (sma-crossover style gate)', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        on: { type: 'logic.threshold', params: { operator: '>', level: 0 } },
        order: { type: 'order.targetPercent', params: { percent: 100 } },
        gate: { type: 'risk.maxPosition', params: { maxPercentEquity: 100 } },
      },
      ['data.close -> on.value', 'on.result -> order.enter', 'order.order -> gate.order'],
      // Room on the broker's leverage cap, so only this node limits the position.
      { initialCash: 10_000, commissionBps: 10, slippageBps: 10, maxLeverage: 2 },
    );
    const closes = [100, 101, 97, 104, 99, 103, 108, 95, 100, 102];
    const run = runGraph(graph, makeBars({ close: closes }), { gate: 'gate.order' });
    // One entry at bar 1's open, then the same target is held: no rebalancing fills as equity moves.
    expect(run.broker.fills).toHaveLength(1);
    expect(run.broker.fills[0]!.quantity).toBe(100);
    expect(new Set(run.values.gate)).toEqual(new Set([100]));
  });
});

describe('risk.maxPosition idle', () => {
  it('idle while the target it capped repeats, not when it moves (Target position upstream is not bar-by-bar)', () => {
    expect(idleAfter(maxPosition, { bars: [{ order: 5 }] }, { order: 5 })).toBe(true);
    expect(idleAfter(maxPosition, { bars: [{ order: NaN }] }, { order: NaN })).toBe(true);
    expect(idleAfter(maxPosition, { bars: [{ order: 5 }] }, { order: 7 })).toBe(false);
    expect(idleAfter(maxPosition, { bars: [{ order: 5 }] }, { order: NaN })).toBe(false);
  });
});
