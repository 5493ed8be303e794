import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import { createRegistry } from '../../registry.ts';
import { runNode, targets } from '../../testing.ts';
import { cooldown } from './index.ts';

const reg = createRegistry([...registry.definitions.filter((d) => d.type !== cooldown.type), cooldown]);

describe('risk.cooldown', () => {
  it('refuses entries on the close bar and the N − 1 after it, then passes the withheld entry', () => {
    const { order, blocked } = runNode(cooldown, {
      params: { bars: 2 },
      // Exit decided at bar 2, filled at bar 3's open: flat at bar 3. Re-entry signals at bars 3 and 4 are refused.
      inputs: { order: [10, 10, 0, 10, 10, 10, 10] },
      ctx: [0, 10, 10, 0, 0, 0, 0].map((position) => ({ position })),
    });
    expect(blocked).toEqual([0, 0, 0, 1, 1, 0, 0]);
    expect(targets(order)).toEqual([10, 10, 0, 0, 0, 10, 10]);
  });

  it('after a stop-out with the signal still on, it does not re-send the finished instruction', () => {
    const { order, blocked } = runNode(cooldown, {
      params: { bars: 2 },
      inputs: { order: [10, 10, 10, 10, 10, 10] },
      ctx: [0, 10, 10, 0, 0, 0].map((position) => ({ position })),
    });
    expect(blocked).toEqual([0, 0, 0, 1, 1, 0]);
    expect(targets(order)).toEqual([10, 10, 10, 10, 10, 10]);
  });

  it('sees a round trip inside one bar by its cash, and does not count a flip as a close', () => {
    const inside = runNode(cooldown, { params: { bars: 1 }, inputs: { order: [0, 0, 0, 0] }, ctx: [1000, 1000, 990, 990].map((cash) => ({ cash, position: 0 })) });
    expect(inside.blocked).toEqual([0, 0, 1, 0]);
    const flip = runNode(cooldown, { inputs: { order: [10, -10, -10] }, ctx: [0, 10, -10].map((position) => ({ position })) });
    expect(flip.blocked).toEqual([0, 0, 0]);
  });

  it('delays a re-entry through the real broker', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        on: { type: 'logic.threshold', params: { operator: '>', level: 100 } },
        order: { type: 'order.targetPercent', params: { percent: 50 } },
        wait: { type: 'risk.cooldown', params: { bars: 2 } },
      },
      ['data.close -> on.value', 'on.result -> order.enter', 'order.order -> wait.order'],
      { commissionBps: 0, slippageBps: 0 },
    );
    const closes = [101, 102, 99, 101, 103, 104, 105, 106];
    const bars = makeBars({ close: closes });
    const run = runGraph(graph, bars, { blocked: 'wait.blocked' }, reg);
    // In at bar 1, out at bar 3 (exit decided at bar 2's close of 99). Without the cooldown the bar-3 entry
    // would fill at bar 4; with it, bars 3 and 4 are refused and the entry fills at bar 6's open.
    expect(run.values.blocked).toEqual([0, 0, 0, 1, 1, 0, 0, 0]);
    expect(run.broker.fills.map((f) => [f.time, Math.sign(f.quantity)])).toEqual([
      [bars.time[1], 1],
      [bars.time[3], -1],
      [bars.time[6], 1],
    ]);
  });
});
