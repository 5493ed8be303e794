import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import { createRegistry } from '../../registry.ts';
import { idleAfter } from '../../order/testing.ts';
import { runNode, targets } from '../../testing.ts';
import { maxOrderNotional } from './index.ts';

const reg = createRegistry([...registry.definitions.filter((d) => d.type !== maxOrderNotional.type), maxOrderNotional]);
const book = { equity: 1_000, close: 10, position: 0 };

describe('risk.maxOrderNotional', () => {
  it('caps an entry from flat by percent of equity and by notional, keeping the sign', () => {
    // 50 % of 1 000 at 10 = 50 units; 200 of notional at 10 = 20 units.
    const pct = runNode(maxOrderNotional, { params: { maxPercentEquity: 50 }, inputs: { order: [100, -100, 30] }, ctx: () => book });
    expect(targets(pct.order)).toEqual([50, -50, 30]);
    expect(pct.limited).toEqual([1, 1, 0]);
    expect(targets(runNode(maxOrderNotional, { params: { maxNotional: 200 }, inputs: { order: [100] }, ctx: () => book }).order)).toEqual([20]);
  });

  it('counts only added risk: reductions pass whole, a scale-in grows by the cap, a flip caps the new side', () => {
    const { order, limited } = runNode(maxOrderNotional, {
      params: { maxNotional: 50 },
      inputs: { order: [0, 3, 100, -100] },
      ctx: [100, 10, 10, 10].map((position) => ({ ...book, position })),
    });
    // Room for 50 / 10 = 5 units: exit 100 → 0 and 10 → 3 pass; 10 → 100 becomes 15; 10 → −100 becomes −5.
    expect(targets(order)).toEqual([0, 3, 15, -5]);
    expect(limited).toEqual([0, 0, 1, 1]);
  });

  it('values a limit order at its limit and a stop order at its stop', () => {
    const run = (o: Record<string, number>) => runNode(maxOrderNotional, { params: { maxNotional: 100 }, inputs: { order: [o] }, ctx: () => book }).order[0];
    expect(run({ target: 100, type: 1, limit: 5 }).target).toBe(20);
    expect(run({ target: 100, type: 2, stop: 20 }).target).toBe(5);
    expect(run({ target: 100, type: 3, stop: 6, limit: 4 })).toMatchObject({ target: 25, type: 3, stop: 6, limit: 4 });
  });

  it('checks a target when it changes and holds the result; NaN passes', () => {
    const { order, limited } = runNode(maxOrderNotional, {
      params: { maxPercentEquity: 50 },
      inputs: { order: [80, 80, 80, NaN, 80] },
      ctx: [book, { ...book, position: 50, equity: 2_000 }, { ...book, position: 50 }, book, { ...book, equity: 600 }],
    });
    // Held at 50 while 80 stands (not sliced into more), re-checked after NaN: 50 % × 600 / 10 = 30.
    expect(targets(order)).toEqual([50, 50, 50, NaN, 30]);
    expect(limited).toEqual([1, 1, 1, 0, 1]);
  });

  it('caps the first fill through the real broker', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        on: { type: 'logic.threshold', params: { operator: '>', level: 0 } },
        order: { type: 'order.targetPercent', params: { percent: 100 } },
        cap: { type: 'risk.maxOrderNotional', params: { maxNotional: 20_000 } },
      },
      ['data.close -> on.value', 'on.result -> order.enter', 'order.order -> cap.order'],
      { initialCash: 100_000, commissionBps: 0, slippageBps: 0 },
    );
    const run = runGraph(graph, makeBars({ close: [100, 100, 101, 99, 102] }), { cap: 'cap.order', limited: 'cap.limited' }, reg);
    // 1 000 units wanted at 100; 20 000 / 100 = 200 allowed, once.
    expect(run.broker.fills.map((f) => f.quantity)).toEqual([200]);
    expect(run.values.cap).toEqual([200, 200, 200, 200, 200]);
    expect(run.values.limited).toEqual([1, 1, 1, 1, 1]);
  });
});

describe('risk.maxOrderNotional idle', () => {
  it('idle while the target it capped repeats (or no instruction does), not on a new target', () => {
    const ctx = { equity: 1_000, close: 10 };
    expect(idleAfter(maxOrderNotional, { bars: [{ order: 500 }], ctx }, { order: 500 })).toBe(true);
    expect(idleAfter(maxOrderNotional, { bars: [{ order: NaN }], ctx }, { order: NaN })).toBe(true);
    // Target position upstream is not bar-by-bar: its target can move between steps.
    expect(idleAfter(maxOrderNotional, { bars: [{ order: 500 }], ctx }, { order: 400 })).toBe(false);
    expect(idleAfter(maxOrderNotional, { bars: [{ order: 500 }], ctx }, { order: NaN })).toBe(false);
    expect(idleAfter(maxOrderNotional, { bars: [{ order: NaN }], ctx }, { order: 0 })).toBe(false);
  });
});
