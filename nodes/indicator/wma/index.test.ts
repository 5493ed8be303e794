import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import { compareWithReference } from '../../reference.ts';
import { createRegistry } from '../../registry.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { wma } from './index.ts';

describe('indicator.wma', () => {
  it('weighs the last N inputs 1…N, newest heaviest', () => {
    const { value } = runNode(wma, { params: { period: 3 }, inputs: { source: [1, 2, 6, 3, 0, 12] } });
    // Divisor 1+2+3 = 6: (1·1 + 2·2 + 3·6)/6, (1·2 + 2·6 + 3·3)/6, (1·6 + 2·3 + 3·0)/6, (1·3 + 2·0 + 3·12)/6
    expect(value.slice(0, 2)).toEqual([NaN, NaN]);
    expect(value[2]).toBeCloseTo(23 / 6, 12);
    expect(value[3]).toBeCloseTo(23 / 6, 12);
    expect(value[4]).toBeCloseTo(2, 12);
    expect(value[5]).toBeCloseTo(6.5, 12);
  });

  it('period 1 is the input itself', () => {
    expect(runNode(wma, { params: { period: 1 }, inputs: { source: [3, 1, 4, 1, 5] } }).value).toEqual([3, 1, 4, 1, 5]);
  });

  it('first value at index N−1, as warmup() says', () => {
    for (const period of [1, 2, 5]) {
      const { value } = runNode(wma, { params: { period }, inputs: { source: [4, 8, 6, 2, 5, 7, 1] } });
      expect(firstDefined(value)).toBe(period - 1);
      expect(wma.warmup!(wma.params.parse({ period }))).toBe(period - 1);
    }
  });

  it('a NaN restarts the window', () => {
    const { value } = runNode(wma, { params: { period: 2 }, inputs: { source: [1, 3, NaN, 4, 10, 1] } });
    // (1 + 2·3)/3; after the NaN 4 alone is not a window; (4 + 2·10)/3 = 8; (10 + 2·1)/3 = 4
    expect(value).toEqual([NaN, 7 / 3, NaN, NaN, 8, 4]);
  });

  it('is exact on a constant series and refuses a period below 1', () => {
    expect(runNode(wma, { params: { period: 4 }, inputs: { source: [7, 7, 7, 7, 7, 7] } }).value.slice(3)).toEqual([7, 7, 7]);
    expect(wma.params.parse({}).period).toBe(20);
    expect(wma.params.safeParse({ period: 0 }).success).toBe(false);
  });

  it('runs in a compiled graph on the close', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        avg: { type: 'indicator.wma', params: { period: 2 } },
        above: { type: 'logic.compare', params: { operator: '>' } },
        order: { type: 'order.targetPercent' },
      },
      ['data.close -> avg.source', 'data.close -> above.a', 'avg.value -> above.b', 'above.result -> order.enter'],
    );
    const reg = createRegistry([...registry.definitions.filter((d) => d.type !== wma.type), wma]);
    const run = runGraph(graph, makeBars({ close: [10, 13, 7, 7] }), { avg: 'avg.value' }, reg);
    expect(run.plan.warmup).toBe(1);
    // (10 + 2·13)/3 = 12, (13 + 2·7)/3 = 9, (7 + 2·7)/3 = 7
    expect(run.values.avg).toEqual([NaN, 12, 9, 7]);
  });
});

describe('indicator.wma against TA-Lib', () => {
  it('matches TA-Lib WMA to 1e-9 on the reference bars, including its warm-up', () => {
    const result = compareWithReference(wma);
    expect(result.compared).toBeGreaterThan(1000);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
