import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { runNode } from '../../testing.ts';
import { operatorTruthTable } from '../testing.ts';
import { compare } from './index.ts';

const a = [1, 2, 3];
const b = [2, 2, 2];

describe('logic.compare', () => {
  it.each(operatorTruthTable)('A %s B bar by bar', (operator, expected) => {
    expect(runNode(compare, { params: { operator }, inputs: { a, b } }).result).toEqual(expected);
  });

  it('is unknown (NaN), not false, while either side is NaN', () => {
    const { result } = runNode(compare, { params: { operator: '!=' }, inputs: { a: [NaN, 1, 1], b: [1, NaN, 2] } });
    expect(result).toEqual([NaN, NaN, 1]);
  });

  it('defaults to > and refuses unknown operators', () => {
    expect(compare.params.parse({}).operator).toBe('>');
    expect(compare.params.safeParse({ operator: '=>' }).success).toBe(false);
  });

  it('compares a price with an indicator in a graph', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        avg: { type: 'indicator.sma', params: { period: 2 } },
        c: { type: 'logic.compare', params: { operator: '<=' } },
        order: { type: 'order.targetPercent' },
      },
      ['data.close -> c.a', 'data.close -> avg.source', 'avg.value -> c.b', 'c.result -> order.enter'],
    );
    const run = runGraph(graph, makeBars({ close: [5, 4, 4, 6] }), { c: 'c.result' });
    // averages: –, 4.5, 4, 5
    expect(run.values.c).toEqual([NaN, 1, 1, 0]);
  });
});
