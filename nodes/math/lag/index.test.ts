import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import { compareWithReference } from '../../reference.ts';
import { createRegistry } from '../../registry.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { lag } from './index.ts';

describe('math.lag', () => {
  it('delays the series by N bars', () => {
    expect(runNode(lag, { params: { period: 2 }, inputs: { source: [5, 6, 7, 8, 9] } }).value).toEqual([NaN, NaN, 5, 6, 7]);
    expect(runNode(lag, { inputs: { source: [5, 6, 7] } }).value).toEqual([NaN, 5, 6]);
  });

  it('warms up for N bars, as its warmup() says', () => {
    for (const period of [1, 3, 4]) {
      const { value } = runNode(lag, { params: { period }, inputs: { source: [1, 2, 3, 4, 5, 6] } });
      expect(firstDefined(value)).toBe(lag.warmup!(lag.params.parse({ period })));
      expect(firstDefined(value)).toBe(period);
    }
  });

  it('a NaN input comes out N bars later and nothing restarts', () => {
    expect(runNode(lag, { params: { period: 2 }, inputs: { source: [1, NaN, 3, 4, 5] } }).value).toEqual([NaN, NaN, 1, NaN, 3]);
  });

  it('refuses a period below 1', () => {
    expect(lag.params.safeParse({ period: 0 }).success).toBe(false);
  });

  it('previous close in a compiled graph: an up-bar test', () => {
    const reg = createRegistry([...registry.definitions.filter((d) => d.type !== lag.type), lag]);
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        prev: { type: 'math.lag' },
        up: { type: 'logic.compare', params: { operator: '>' } },
        order: { type: 'order.targetPercent' },
      },
      ['data.close -> prev.source', 'data.close -> up.a', 'prev.value -> up.b', 'up.result -> order.enter'],
    );
    const run = runGraph(graph, makeBars({ close: [10, 11, 10.5, 12] }), { up: 'up.result' }, reg);
    expect(run.plan.warmup).toBe(1);
    expect(run.values.up).toEqual([NaN, 1, 0, 1]);
  });
});

describe('math.lag against pandas', () => {
  it('matches Series.shift on the reference bars', () => {
    const result = compareWithReference(lag);
    expect(result.compared).toBeGreaterThan(1000);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
