import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { runNode, targets } from '../../testing.ts';
import { targetPercent } from './index.ts';

const flatBook = { equity: 10_000, close: 50 };

describe('order.targetPercent', () => {
  it('level mode (exit unwired): holds percent·equity/close exactly while enter is true', () => {
    const { order } = runNode(targetPercent, {
      inputs: { enter: [0, 1, 1, 0, 1, NaN] },
      ctx: [flatBook, { equity: 10_000, close: 50 }, { equity: 20_000, close: 40 }, flatBook, { equity: 9_000, close: 30 }, flatBook],
    });
    // Entry at bar 1: 100 % · 10 000 / 50 = 200, kept at bar 2 although equity and price moved;
    // re-entry at bar 4 is sized afresh: 9 000 / 30 = 300. Unknown enter (NaN) reads false.
    expect(targets(order)).toEqual([0, 200, 200, 0, 300, 0]);
  });

  it('sizes by the percent, over 100 % being leverage', () => {
    expect(runNode(targetPercent, { params: { percent: 50 }, inputs: { enter: [1] }, ctx: [flatBook] }).order.map((o: { target: number }) => o.target)).toEqual([100]);
    expect(runNode(targetPercent, { params: { percent: 250 }, inputs: { enter: [1] }, ctx: [flatBook] }).order.map((o: { target: number }) => o.target)).toEqual([500]);
  });

  it('enter/exit mode latches: enter opens, exit closes, exit wins when both fire', () => {
    const { order } = runNode(targetPercent, {
      inputs: { enter: [0, 1, 0, 0, 0, 1, 1, 0], exit: [0, 0, 0, 1, 0, 0, 1, 0] },
      ctx: () => flatBook,
    });
    expect(targets(order)).toEqual([0, 200, 200, 0, 0, 200, 0, 0]);
  });

  it('an exit that is wired but still unknown (NaN) keeps the position rather than switching modes', () => {
    const { order } = runNode(targetPercent, { inputs: { enter: [1, 0, 0, 0], exit: [NaN, NaN, 0, 1] }, ctx: () => flatBook });
    expect(targets(order)).toEqual([200, 200, 200, 0]);
  });

  it('short side targets a negative quantity of the same size', () => {
    const { order } = runNode(targetPercent, { params: { side: 'short', percent: 20 }, inputs: { enter: [1, 1, 0] }, ctx: () => flatBook });
    expect(targets(order)).toEqual([-40, -40, 0]);
  });

  it('does not enter on zero or negative equity, and enters once equity is back', () => {
    const { order } = runNode(targetPercent, { inputs: { enter: [1, 1, 1] }, ctx: [{ equity: 0, close: 50 }, { equity: -5, close: 50 }, flatBook] });
    expect(targets(order)).toEqual([0, 0, 200]);
  });

  it('in a graph, the target decided at a close is what the broker fills at the next open', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        up: { type: 'logic.threshold', params: { operator: '>', level: 100 } },
        order: { type: 'order.targetPercent', params: { percent: 50 } },
      },
      ['data.close -> up.value', 'up.result -> order.enter'],
      { initialCash: 10_000, commissionBps: 0, slippageBps: 0 },
    );
    const bars = makeBars({ close: [100, 125, 130, 90], open: [100, 100, 128, 131] });
    const run = runGraph(graph, bars, { order: 'order.order' });
    // Bar 1 closes at 125 with equity 10 000: 50 % → 40 units, bought at bar 2's open (128); exit at bar 3's
    // close is never filled (no bar 4), so the position is still held.
    expect(run.values.order).toEqual([0, 40, 40, 0]);
    expect(run.broker.fills).toEqual([{ time: bars.time[2], quantity: 40, price: 128, commission: 0 }]);
    expect(run.broker.position).toBe(40);
  });
});
