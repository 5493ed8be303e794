import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import { createRegistry } from '../../registry.ts';
import { runNode, targets } from '../../testing.ts';
import { fixedFractional } from './index.ts';

const reg = createRegistry([...registry.definitions.filter((d) => d.type !== fixedFractional.type), fixedFractional]);

describe('risk.fixedFractional', () => {
  it('units = equity × risk % / (Distance × multiple), with the stop that distance away', () => {
    // 1 % of 100 000 = 1 000 at risk; ATR 2.5 × 2 = 5 away: 200 units (20 % of equity), stop at 95.
    const { order, percent } = runNode(fixedFractional, { params: { multiple: 2 }, inputs: { enter: [1], distance: [2.5] } });
    expect(order[0]).toMatchObject({ target: 200, type: 0, stopLoss: 95 });
    expect(percent[0]).toBeCloseTo(20, 12);
  });

  it('uses stop % of the close when Distance is not wired; short stops sit above', () => {
    // 2 % of 100 = 2 away: 1 000 / 2 = 500 units.
    expect(runNode(fixedFractional, { inputs: { enter: [1] } }).order[0]).toMatchObject({ target: 500, stopLoss: 98 });
    expect(runNode(fixedFractional, { params: { side: 'short' }, inputs: { enter: [1] } }).order[0]).toMatchObject({ target: -500, stopLoss: 102 });
    expect(runNode(fixedFractional, { params: { attachStop: false }, inputs: { enter: [1] } }).order[0].stopLoss).toBeNaN();
  });

  it('caps the position at Max % of equity', () => {
    // 0.5 % stop: 1 000 / 0.5 = 2 000 units = 200 % of equity, capped to 100 %: 1 000 units.
    const { order, percent } = runNode(fixedFractional, { params: { stopPercent: 0.5 }, inputs: { enter: [1] } });
    expect(order[0].target).toBe(1000);
    expect(percent[0]).toBe(100);
  });

  it('waits for a known distance (level mode), then holds size and stop for the trade', () => {
    const { order, percent } = runNode(fixedFractional, {
      inputs: { enter: [1, 1, 1, 0, 1], distance: [NaN, 0, 4, 8, 10] },
      ctx: [100, 100, 100, 110, 90].map((close) => ({ close })),
    });
    expect(percent.slice(0, 2)).toEqual([NaN, NaN]);
    expect(targets(order)).toEqual([0, 0, 250, 0, 100]);
    expect(order.map((o) => o.stopLoss)).toEqual([NaN, NaN, 96, NaN, 80]);
  });

  it('loses about risk % when the attached stop is hit in the real broker', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        on: { type: 'logic.threshold', params: { operator: '>', level: 0 } },
        atr: { type: 'math.constant', params: { value: 5 } },
        size: { type: 'risk.fixedFractional', params: { riskPercent: 1 } },
      },
      ['data.close -> on.value', 'on.result -> size.enter', 'atr.value -> size.distance'],
      { initialCash: 100_000, commissionBps: 0, slippageBps: 0 },
    );
    const run = runGraph(graph, makeBars({ close: [100, 100, 100, 90, 95] }), {}, reg);
    // 200 units at 100, stop 95 hit on bar 3 (low 90): −200 × 5 = −1 000, 1 % of 100 000. Not re-entered.
    expect(run.broker.fills.map((f) => [f.quantity, f.price, f.reason])).toEqual([
      [200, 100, undefined],
      [-200, 95, 'stopLoss'],
    ]);
    expect(run.broker.trades[0]!.pnl).toBeCloseTo(-1000, 9);
  });
});
