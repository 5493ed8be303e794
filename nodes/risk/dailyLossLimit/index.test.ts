import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import { createRegistry } from '../../registry.ts';
import { runNode, targets } from '../../testing.ts';
import { dailyLossLimit } from './index.ts';

const reg = createRegistry([...registry.definitions.filter((d) => d.type !== dailyLossLimit.type), dailyLossLimit]);
const at = (iso: string) => Date.parse(iso);

describe('risk.dailyLossLimit', () => {
  it('trips when equity ≤ day start × (1 − X %), holds for the rest of the UTC day, clears on the next', () => {
    const { order, blocked } = runNode(dailyLossLimit, {
      params: { maxLossPercent: 2 },
      inputs: { order: [0, 0, 10, 10, 10, 10] },
      ctx: [
        // Day 1 starts at the first bar's 1 000; 979 ≤ 980 trips it, and 985 later that day does not clear it.
        { time: at('2024-01-02T10:00Z'), equity: 1000 },
        { time: at('2024-01-02T11:00Z'), equity: 990 },
        { time: at('2024-01-02T12:00Z'), equity: 979 },
        { time: at('2024-01-02T23:00Z'), equity: 985 },
        // Day 2 starts from the last close of day 1 (985): the limit is 965.3.
        { time: at('2024-01-03T00:00Z'), equity: 985 },
        { time: at('2024-01-03T01:00Z'), equity: 965, position: 10 },
      ],
    });
    expect(blocked).toEqual([0, 0, 1, 1, 0, 1]);
    // The new entry is refused on day 1 and sent on day 2; filled, it is held (and its repeat passes) when day 2 trips.
    expect(targets(order)).toEqual([0, 0, 0, 0, 10, 10]);
  });

  it('counts the overnight gap toward the new day', () => {
    const { blocked } = runNode(dailyLossLimit, {
      params: { maxLossPercent: 2 },
      inputs: { order: [0, 0] },
      // Day start = 1 000 (the last close of the day before); the first bar of the new day closes at 975.
      ctx: [
        { time: at('2024-01-02T23:00Z'), equity: 1000 },
        { time: at('2024-01-03T00:00Z'), equity: 975 },
      ],
    });
    expect(blocked).toEqual([0, 1]);
  });

  it('exits and reductions pass while tripped; flatten orders 0', () => {
    const ctx = [
      { time: at('2024-01-02T10:00Z'), equity: 1000, position: 10 },
      { time: at('2024-01-02T11:00Z'), equity: 900, position: 10 },
      { time: at('2024-01-02T12:00Z'), equity: 900, position: 10 },
    ];
    expect(targets(runNode(dailyLossLimit, { inputs: { order: [10, 6, 12] }, ctx }).order)).toEqual([10, 6, 10]);
    expect(targets(runNode(dailyLossLimit, { params: { action: 'flatten' }, inputs: { order: [10, 10, 10] }, ctx }).order)).toEqual([10, 0, 0]);
  });

  it('goes flat through the real broker on hourly bars and trades again the next UTC day', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        on: { type: 'logic.threshold', params: { operator: '>', level: 0 } },
        order: { type: 'order.targetPercent', params: { percent: 100 } },
        limit: { type: 'risk.dailyLossLimit', params: { maxLossPercent: 2, action: 'flatten' } },
      },
      ['data.close -> on.value', 'on.result -> order.enter', 'order.order -> limit.order'],
      { initialCash: 100_000, commissionBps: 0, slippageBps: 0 },
    );
    // Two UTC days of hourly bars: a 3 % drop at 05:00 on day 1, flat afterwards.
    const closes = Array.from({ length: 30 }, (_, i) => (i < 5 ? 100 : 97));
    const bars = makeBars({ close: closes, intervalMs: 3_600_000 });
    const run = runGraph(graph, bars, { blocked: 'limit.blocked' }, reg);
    // 1 000 units at 100 (bar 1); equity 97 000 at 05:00 is 3 % under the day's 100 000: flat at 06:00's open (97).
    // Blocked to the end of day 1; at 00:00 on day 2 the withheld 1 000-unit target passes, filled at 01:00.
    expect(run.values.blocked).toEqual(closes.map((_, i) => (i >= 5 && i < 24 ? 1 : 0)));
    expect(run.broker.fills.map((f) => [f.time, f.quantity, f.price])).toEqual([
      [bars.time[1], 1000, 100],
      [bars.time[6], -1000, 97],
      [bars.time[25], 1000, 97],
    ]);
  });
});
