import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import { createRegistry } from '../../registry.ts';
import { runNode } from '../../testing.ts';
import { select } from './index.ts';

describe('logic.select', () => {
  it('passes "if true" while the condition holds, "if false" otherwise', () => {
    const { value } = runNode(select, { inputs: { condition: [1, 0, 1, 0], ifTrue: [10, 11, 12, 13], ifFalse: [-1, -2, -3, -4] } });
    expect(value).toEqual([10, -2, 12, -4]);
  });

  it('is NaN while the condition is unknown, and only the chosen branch may make it NaN', () => {
    const { value } = runNode(select, { inputs: { condition: [NaN, 1, 0, 1, 0], ifTrue: [1, 2, NaN, NaN, 5], ifFalse: [7, NaN, 8, 9, NaN] } });
    expect(value).toEqual([NaN, 2, 8, NaN, NaN]);
  });

  it('reads any known value other than exactly 1 as false', () => {
    expect(runNode(select, { inputs: { condition: [2, -1, 0.5], ifTrue: [1, 1, 1], ifFalse: [0, 0, 0] } }).value).toEqual([0, 0, 0]);
  });

  it('switches between the close and its average in a compiled graph', () => {
    const reg = createRegistry([...registry.definitions.filter((d) => d.type !== select.type), select]);
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        avg: { type: 'indicator.sma', params: { period: 2 } },
        high: { type: 'logic.threshold', params: { operator: '>', level: 11 } },
        pick: { type: 'logic.select' },
        gate: { type: 'logic.threshold', params: { operator: '>', level: 0 } },
        order: { type: 'order.targetPercent' },
      },
      ['data.close -> high.value', 'data.close -> avg.source', 'high.result -> pick.condition', 'avg.value -> pick.ifTrue', 'data.close -> pick.ifFalse', 'pick.value -> gate.value', 'gate.result -> order.enter'],
    );
    // close > 11 picks SMA(2) (–, 11, 12, 11.5), else the close: bar 0 is 10 (false → close), bar 1 12 → 11, bar 2 12 → 12, bar 3 11 → 11.
    const run = runGraph(graph, makeBars({ close: [10, 12, 12, 11] }), { v: 'pick.value' }, reg);
    expect(run.values.v).toEqual([10, 11, 12, 11]);
  });
});
