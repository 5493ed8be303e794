import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { runNode } from '../../testing.ts';
import { or } from './index.ts';

describe('logic.or', () => {
  it('is true when either wired condition is true; unwired C and D read false', () => {
    const { result } = runNode(or, { inputs: { a: [1, 1, 0, 0], b: [1, 0, 1, 0] } });
    expect(result).toEqual([1, 1, 1, 0]);
  });

  it('reads unknown (NaN) as false everywhere', () => {
    const { result } = runNode(or, { inputs: { a: [NaN, NaN, NaN], b: [NaN, 0, NaN], c: [NaN, NaN, 1] } });
    expect(result).toEqual([0, 0, 1]);
  });

  it('an optional input alone can make it true', () => {
    expect(runNode(or, { inputs: { a: [0, 0], b: [0, 0], d: [0, 1] } }).result).toEqual([0, 1]);
  });

  it('combines two thresholds in a compiled graph', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        low: { type: 'logic.threshold', params: { operator: '<', level: 10 } },
        high: { type: 'logic.threshold', params: { operator: '>', level: 20 } },
        either: { type: 'logic.or' },
        order: { type: 'order.targetPercent' },
      },
      ['data.close -> low.value', 'data.close -> high.value', 'low.result -> either.a', 'high.result -> either.b', 'either.result -> order.enter'],
    );
    const run = runGraph(graph, makeBars({ close: [5, 15, 25, 10] }), { r: 'either.result' });
    expect(run.values.r).toEqual([1, 0, 1, 0]);
  });
});
