import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import { createRegistry } from '../../registry.ts';
import { runNode } from '../../testing.ts';
import { barsSince } from './index.ts';

describe('logic.barsSince', () => {
  it('counts from the last true bar, 0 on the bar itself, NaN before the first', () => {
    const { bars } = runNode(barsSince, { inputs: { condition: [0, 0, 1, 0, 0, 0, 1, 1, 0] } });
    expect(bars).toEqual([NaN, NaN, 0, 1, 2, 3, 0, 0, 1]);
  });

  it('unknown (NaN) counts as not true: before the first true it stays NaN, after it the count runs on', () => {
    const { bars } = runNode(barsSince, { inputs: { condition: [NaN, NaN, 1, NaN, 0, NaN, 1] } });
    expect(bars).toEqual([NaN, NaN, 0, 1, 2, 3, 0]);
  });

  it('reads any known value but exactly 1 as false', () => {
    expect(runNode(barsSince, { inputs: { condition: [1, 2, 0.5, -1] } }).bars).toEqual([0, 1, 2, 3]);
  });

  it('in a compiled graph: "oversold within the last two bars"', () => {
    const reg = createRegistry([...registry.definitions.filter((d) => d.type !== barsSince.type), barsSince]);
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        low: { type: 'logic.threshold', params: { operator: '<', level: 10 } },
        since: { type: 'logic.barsSince' },
        recent: { type: 'logic.threshold', params: { operator: '<=', level: 2 } },
        order: { type: 'order.targetPercent' },
      },
      ['data.close -> low.value', 'low.result -> since.condition', 'since.bars -> recent.value', 'recent.result -> order.enter'],
    );
    const run = runGraph(graph, makeBars({ close: [12, 9, 11, 12, 13, 14, 8] }), { since: 'since.bars', recent: 'recent.result' }, reg);
    expect(run.values.since).toEqual([NaN, 0, 1, 2, 3, 4, 0]);
    expect(run.values.recent).toEqual([NaN, 1, 1, 1, 0, 0, 1]);
  });
});
