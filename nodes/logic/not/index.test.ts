import { describe, expect, it } from 'vitest';
import { createRegistry } from '../../registry.ts';
import { registry } from '../../index.ts';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { runNode } from '../../testing.ts';
import { not } from './index.ts';

describe('logic.not', () => {
  it('inverts true and false', () => {
    expect(runNode(not, { inputs: { value: [1, 0, 0, 1] } }).result).toEqual([0, 1, 1, 0]);
  });

  it('keeps unknown (NaN) unknown instead of turning it into true', () => {
    expect(runNode(not, { inputs: { value: [NaN, 1, NaN, 0] } }).result).toEqual([NaN, 0, NaN, 1]);
  });

  it('reads any known value but exactly 1 as false', () => {
    expect(runNode(not, { inputs: { value: [2, 0.5, -1, 1] } }).result).toEqual([1, 1, 1, 0]);
  });

  it('inverts a warming-up comparison in a compiled graph', () => {
    const reg = createRegistry([...registry.definitions.filter((d) => d.type !== not.type), not]);
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        avg: { type: 'indicator.sma', params: { period: 2 } },
        above: { type: 'logic.compare', params: { operator: '>' } },
        notAbove: { type: 'logic.not' },
        order: { type: 'order.targetPercent' },
      },
      ['data.close -> avg.source', 'data.close -> above.a', 'avg.value -> above.b', 'above.result -> notAbove.value', 'notAbove.result -> order.enter'],
    );
    const run = runGraph(graph, makeBars({ close: [10, 12, 11, 12] }), { r: 'notAbove.result' }, reg);
    // SMA(2): –, 11, 11.5, 11.5 → above: NaN, 1, 0, 1 → not: NaN, 0, 1, 0
    expect(run.values.r).toEqual([NaN, 0, 1, 0]);
  });
});
