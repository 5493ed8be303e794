import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import { createRegistry } from '../../registry.ts';
import { runNode, targets } from '../../testing.ts';
import { drawdownHalt } from './index.ts';

const reg = createRegistry([...registry.definitions.filter((d) => d.type !== drawdownHalt.type), drawdownHalt]);
const mkt = (target: number, extra: Record<string, number> = {}) => ({ target, type: 0, expiry: 0, ...extra });

describe('risk.drawdownHalt', () => {
  it('trips at equity ≤ peak × (1 − X %), refuses a new entry, and resumes after Halt bars with the peak re-based', () => {
    const { order, blocked } = runNode(drawdownHalt, {
      params: { maxDrawdown: 20, haltBars: 2 },
      inputs: { order: [0, 0, 0, 0, 10, 10, 10, 10] },
      // Peak 1 100 at bar 1; 880 = 1 100 × 0.8 trips at bar 3. Resumes at bar 3 + 2 with peak 700, and 600 > 560.
      ctx: [1000, 1100, 1000, 880, 700, 700, 700, 600].map((equity) => ({ equity, position: 0 })),
    });
    expect(blocked).toEqual([0, 0, 0, 1, 1, 0, 0, 0]);
    expect(targets(order)).toEqual([0, 0, 0, 0, 0, 10, 10, 10]);
  });

  it('block: reductions pass, a scale-in holds the position (keeping its stop), a flip goes flat; Reset ends it', () => {
    const { order, blocked } = runNode(drawdownHalt, {
      params: { maxDrawdown: 10 },
      inputs: {
        order: [mkt(10, { stopLoss: 95 }), mkt(10, { stopLoss: 95 }), mkt(20, { stopLoss: 97 }), mkt(5), mkt(-5), mkt(-5)],
        reset: [0, 0, 0, 0, 0, 1],
      },
      ctx: [
        { equity: 1000, position: 0 },
        { equity: 700, position: 10 },
        { equity: 700, position: 10 },
        { equity: 700, position: 10 },
        { equity: 700, position: 5 },
        { equity: 700, position: 5 },
      ],
    });
    expect(blocked).toEqual([0, 1, 1, 1, 1, 0]);
    expect(targets(order)).toEqual([10, 10, 10, 5, 0, -5]);
    expect(order.map((o) => o.stopLoss)).toEqual([95, 95, 95, NaN, NaN, NaN]);
    expect(order[2]!.type).toBe(0);
  });

  it('without Reset or Halt bars the halt never ends; a Reset while not halted does nothing', () => {
    const { blocked } = runNode(drawdownHalt, { inputs: { order: [0, 0, 0, 0] }, ctx: [100, 79, 200, 300].map((equity) => ({ equity })) });
    expect(blocked).toEqual([0, 1, 1, 1]);
    const r = runNode(drawdownHalt, { inputs: { order: [0, 0, 0], reset: [1, 1, 0] }, ctx: [100, 100, 80].map((equity) => ({ equity })) });
    expect(r.blocked).toEqual([0, 0, 1]);
  });

  it('flatten: orders 0 while halted, then re-sends the standing entry it withheld', () => {
    const { order, blocked } = runNode(drawdownHalt, {
      params: { maxDrawdown: 20, action: 'flatten', haltBars: 2 },
      inputs: { order: [10, 10, 10, 10, 10] },
      ctx: [
        { equity: 1000, position: 0 },
        { equity: 1000, position: 10 },
        { equity: 790, position: 10 },
        { equity: 790, position: 0 },
        { equity: 790, position: 0 },
      ],
    });
    expect(blocked).toEqual([0, 0, 1, 1, 0]);
    expect(targets(order)).toEqual([10, 10, 0, 0, 10]);
  });

  it('cancels a resting limit entry when it trips, even with no instruction coming in', () => {
    const { order } = runNode(drawdownHalt, {
      params: { maxDrawdown: 10 },
      inputs: { order: [{ target: 10, type: 1, limit: 95, expiry: 0 }, {}, {}, {}] },
      ctx: [1000, 1000, 850, 850].map((equity) => ({ equity, position: 0 })),
    });
    expect(targets(order)).toEqual([10, NaN, 0, NaN]);
    expect(order[2]!.type).toBe(0);
  });

  it('does not re-open a position the broker stopped out while the signal merely stayed on', () => {
    const { order, blocked } = runNode(drawdownHalt, {
      params: { maxDrawdown: 10, haltBars: 1 },
      inputs: { order: [10, 10, 10, 10, 10, 10] },
      // Filled at bar 1, stopped out at bar 3 (the loss trips the halt); the instruction never changes.
      ctx: [0, 10, 10, 0, 0, 0].map((position, i) => ({ position, equity: i < 3 ? 1000 : 850 })),
    });
    expect(blocked).toEqual([0, 0, 0, 1, 0, 0]);
    expect(targets(order)).toEqual([10, 10, 10, 10, 10, 10]);
  });

  it('flattens through the real broker and re-enters when the halt ends', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        on: { type: 'logic.threshold', params: { operator: '>', level: 0 } },
        order: { type: 'order.targetPercent', params: { percent: 100 } },
        halt: { type: 'risk.drawdownHalt', params: { maxDrawdown: 20, action: 'flatten', haltBars: 3 } },
      },
      ['data.close -> on.value', 'on.result -> order.enter', 'order.order -> halt.order'],
      { initialCash: 100_000, commissionBps: 0, slippageBps: 0 },
    );
    const closes = [100, 100, 90, 80, 75, 78, 80, 82, 84];
    const bars = makeBars({ close: closes });
    const run = runGraph(graph, bars, { blocked: 'halt.blocked' }, reg);
    // 1 000 units at 100; equity 80 000 at bar 3 is 20 % under the peak of 100 000: flat at bar 4's open (80),
    // halted on bars 3–5, the held 1 000-unit target re-sent at bar 6 and filled at bar 7's open (80).
    expect(run.values.blocked).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0]);
    expect(run.broker.fills.map((f) => [f.time, f.quantity, f.price])).toEqual([
      [bars.time[1], 1000, 100],
      [bars.time[4], -1000, 80],
      [bars.time[7], 1000, 80],
    ]);
  });
});
