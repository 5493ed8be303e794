import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { runNode } from '../../testing.ts';
import { operatorTruthTable } from '../testing.ts';
import { threshold } from './index.ts';

describe('logic.threshold', () => {
  it('defaults to "below 30", the classic oversold test', () => {
    const { result } = runNode(threshold, { inputs: { value: [10, 29.99, 30, 70] } });
    expect(result).toEqual([1, 1, 0, 0]);
  });

  it.each(operatorTruthTable)('value %s level 70', (operator, expected) => {
    expect(runNode(threshold, { params: { operator, level: 70 }, inputs: { value: [69, 70, 71] } }).result).toEqual(expected);
  });

  it('is unknown (NaN) while the value is NaN', () => {
    expect(runNode(threshold, { params: { operator: '>', level: 0 }, inputs: { value: [NaN, 1] } }).result).toEqual([NaN, 1]);
  });

  it('refuses a non-finite level', () => {
    expect(threshold.params.safeParse({ level: Infinity }).success).toBe(false);
  });

  it('tests the volume in a graph', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        busy: { type: 'logic.threshold', params: { operator: '>=', level: 1500 } },
        order: { type: 'order.targetPercent' },
      },
      ['data.volume -> busy.value', 'busy.result -> order.enter'],
    );
    const run = runGraph(graph, makeBars({ close: [1, 2, 3], volume: [1499, 1500, 9000] }), { busy: 'busy.result' });
    expect(run.values.busy).toEqual([0, 1, 1]);
  });
});
