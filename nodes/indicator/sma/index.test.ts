import { compareWithReference } from '../../reference.ts';
import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { sma } from './index.ts';

describe('indicator.sma', () => {
  it('averages the last N inputs once N have arrived', () => {
    const { value } = runNode(sma, { params: { period: 3 }, inputs: { source: [10, 20, 60, 30, 0, 90] } });
    // (10+20+60)/3, (20+60+30)/3, (60+30+0)/3, (30+0+90)/3
    expect(value.slice(0, 2)).toEqual([NaN, NaN]);
    expect(value.slice(2)).toEqual([30, 110 / 3, 30, 40]);
  });

  it('warms up for period − 1 bars, as its warmup() says', () => {
    for (const period of [1, 2, 5]) {
      const { value } = runNode(sma, { params: { period }, inputs: { source: [4, 8, 6, 2, 5, 7, 1] } });
      expect(firstDefined(value)).toBe(sma.warmup!(sma.params.parse({ period })));
      expect(firstDefined(value)).toBe(period - 1);
    }
  });

  it('period 1 is the input itself', () => {
    expect(runNode(sma, { params: { period: 1 }, inputs: { source: [3, 1, 4, 1, 5] } }).value).toEqual([3, 1, 4, 1, 5]);
  });

  it('restarts its window after a NaN instead of averaging across it', () => {
    const { value } = runNode(sma, { params: { period: 2 }, inputs: { source: [1, 3, NaN, 100, 5, 7] } });
    // After the NaN, 100 alone is not a full window; then (100+5)/2 and (5+7)/2: 3 and 1 are forgotten.
    expect(value).toEqual([NaN, 2, NaN, NaN, 52.5, 6]);
  });

  it('defaults to 20 bars and refuses a period below 1', () => {
    expect(sma.params.parse({}).period).toBe(20);
    expect(sma.params.safeParse({ period: 0 }).success).toBe(false);
    expect(sma.params.safeParse({ period: 2.5 }).success).toBe(false);
  });

  it('averages the close in a compiled graph', () => {
    const closes = [100, 102, 104, 103, 107];
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        avg: { type: 'indicator.sma', params: { period: 2 } },
        above: { type: 'logic.compare', params: { operator: '>' } },
        order: { type: 'order.targetPercent' },
      },
      ['data.close -> avg.source', 'data.close -> above.a', 'avg.value -> above.b', 'above.result -> order.enter'],
    );
    const run = runGraph(graph, makeBars({ close: closes }), { avg: 'avg.value', above: 'above.result' });
    expect(run.values.avg).toEqual([NaN, 101, 103, 103.5, 105]);
    // Close above its own 2-bar average means it rose on the bar; unknown during warm-up.
    expect(run.values.above).toEqual([NaN, 1, 1, 0, 1]);
  });
});

describe('indicator.sma against TA-Lib', () => {
  it('matches TA-Lib SMA to 1e-9 on the reference bars, including its warm-up', () => {
    const result = compareWithReference(sma);
    expect(result.compared).toBeGreaterThan(1000);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
