import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import { createRegistry } from '../../registry.ts';
import { idleAfter } from '../../order/testing.ts';
import { runNode, targets } from '../../testing.ts';
import { maxGrossExposure } from './index.ts';

const reg = createRegistry([...registry.definitions.filter((d) => d.type !== maxGrossExposure.type), maxGrossExposure]);

describe('risk.maxGrossExposure', () => {
  it('caps a new target at Max % × equity / close, keeping its sign; an exit passes', () => {
    const { order, limited } = runNode(maxGrossExposure, {
      params: { maxPercent: 50 },
      inputs: { order: [80, -80, 0, 30] },
      ctx: () => ({ equity: 1_000, close: 10 }),
    });
    expect(targets(order)).toEqual([50, -50, 0, 30]);
    expect(limited).toEqual([1, 1, 0, 0]);
  });

  it('trims a held position only when it drifts past Max + tolerance, back to Max', () => {
    const { order, limited } = runNode(maxGrossExposure, {
      params: { maxPercent: 50, tolerance: 10 },
      inputs: { order: [50, 50, 50, 50, 50] },
      ctx: [
        { equity: 1_000, close: 10, position: 0 },
        { equity: 1_000, close: 10, position: 50 },
        // 50 × 14 = 700 of 1 200 is 58.3 %: inside the band.
        { equity: 1_200, close: 14, position: 50 },
        // 50 × 16 = 800 of 1 300 is 61.5 % > 60 %: cut to 50 % × 1 300 / 16 = 40.625.
        { equity: 1_300, close: 16, position: 50 },
        { equity: 1_400, close: 18, position: 40.625 },
      ],
    });
    expect(targets(order)).toEqual([50, 50, 50, 40.625, 40.625]);
    expect(limited).toEqual([0, 0, 0, 1, 1]);
  });

  it('orders flat when equity is gone, and never grows a target', () => {
    const gone = runNode(maxGrossExposure, { inputs: { order: [5, 5] }, ctx: [{ equity: 1000, close: 10, position: 0 }, { equity: -1, close: 10, position: 5 }] });
    expect(targets(gone.order)).toEqual([5, 0]);
    // Cheaper price later: the cap grows, the held target does not.
    const cheap = runNode(maxGrossExposure, { params: { maxPercent: 50 }, inputs: { order: [80, 80] }, ctx: [{ equity: 1000, close: 10 }, { equity: 1000, close: 5, position: 50 }] });
    expect(targets(cheap.order)).toEqual([50, 50]);
  });

  it('trims a short squeezed by a rally through the real broker', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        on: { type: 'logic.threshold', params: { operator: '>', level: 0 } },
        order: { type: 'order.targetPercent', params: { percent: 100, side: 'short' } },
        cap: { type: 'risk.maxGrossExposure', params: { maxPercent: 100, tolerance: 10 } },
      },
      ['data.close -> on.value', 'on.result -> order.enter', 'order.order -> cap.order'],
      { initialCash: 10_000, commissionBps: 0, slippageBps: 0 },
    );
    const run = runGraph(graph, makeBars({ close: [100, 100, 104, 106, 106, 106] }), { limited: 'cap.limited' }, reg);
    // Short 100 at 100: cash 20 000. At 104, 10 400 of 9 600 is 108 %; at 106, 10 600 of 9 400 is 112.8 %:
    // cut to 9 400 / 106 = 88.679… units, bought back at bar 4's open.
    expect(run.values.limited).toEqual([0, 0, 0, 1, 1, 1]);
    expect(run.broker.fills).toHaveLength(2);
    expect(run.broker.fills[0]!.quantity).toBe(-100);
    expect(run.broker.position).toBeCloseTo(-9_400 / 106, 9);
    expect(run.broker.fills[1]!.price).toBe(106);
  });
});

describe('risk.maxGrossExposure idle', () => {
  it('idle while a flat target or no instruction repeats; a held position is watched every bar', () => {
    expect(idleAfter(maxGrossExposure, { bars: [{ order: 0 }] }, { order: 0 })).toBe(true);
    expect(idleAfter(maxGrossExposure, { bars: [{ order: NaN }] }, { order: NaN })).toBe(true);
    // Capped to nothing (equity ≤ 0): 0 is held, and can never be trimmed.
    expect(idleAfter(maxGrossExposure, { bars: [{ order: 5 }], ctx: { equity: -1 } }, { order: 5 })).toBe(true);
    expect(idleAfter(maxGrossExposure, { bars: [{ order: 5 }] }, { order: 5 })).toBe(false);
    expect(idleAfter(maxGrossExposure, { bars: [{ order: 0 }] }, { order: 5 })).toBe(false);
    expect(idleAfter(maxGrossExposure, { bars: [{ order: 0 }] }, { order: NaN })).toBe(false);
  });
});
