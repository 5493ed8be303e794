import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import { createRegistry } from '../../registry.ts';
import { runNode } from '../../testing.ts';
import { constant } from './index.ts';

describe('math.constant', () => {
  it('outputs its value on every bar, from the first', () => {
    expect(runNode(constant, { params: { value: 2.5 }, bars: 3 }).value).toEqual([2.5, 2.5, 2.5]);
    expect(runNode(constant, { bars: 2 }).value).toEqual([0, 0]);
  });

  it('refuses a value that is not a finite number', () => {
    expect(constant.params.safeParse({ value: Infinity }).success).toBe(false);
    expect(constant.params.safeParse({ value: NaN }).success).toBe(false);
  });

  it('is a threshold line in a compiled graph, with no warm-up added', () => {
    const reg = createRegistry([...registry.definitions.filter((d) => d.type !== constant.type), constant]);
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        level: { type: 'math.constant', params: { value: 11 } },
        above: { type: 'logic.compare', params: { operator: '>' } },
        order: { type: 'order.targetPercent' },
      },
      ['data.close -> above.a', 'level.value -> above.b', 'above.result -> order.enter'],
    );
    const run = runGraph(graph, makeBars({ close: [10, 12, 11] }), { above: 'above.result' }, reg);
    expect(run.plan.warmup).toBe(0);
    expect(run.values.above).toEqual([0, 1, 0]);
  });
});
