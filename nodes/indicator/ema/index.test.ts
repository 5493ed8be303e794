import { compareWithReference } from '../../reference.ts';
import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { ema } from './index.ts';

describe('indicator.ema', () => {
  it('seeds with the SMA of the first N values, then smooths by 2/(N+1) (TA-Lib)', () => {
    const { value } = runNode(ema, { params: { period: 3 }, inputs: { source: [1, 5, 3, 10, 2, 8] } });
    // k = 2/4 = 0.5; seed (1+5+3)/3 = 3; 3 + .5(10−3) = 6.5; 6.5 + .5(2−6.5) = 4.25; 4.25 + .5(8−4.25) = 6.125
    expect(value).toEqual([NaN, NaN, 3, 6.5, 4.25, 6.125]);
  });

  it('uses k = 2/(N+1) for other periods too', () => {
    const { value } = runNode(ema, { params: { period: 5 }, inputs: { source: [2, 4, 6, 8, 10, 22, 1] } });
    // Seed (2+4+6+8+10)/5 = 6; k = 1/3: 6 + (22−6)/3 = 34/3; 34/3 + (1 − 34/3)/3 = 34/3 − 31/9 = 71/9
    expect(value.slice(0, 4).every(Number.isNaN)).toBe(true);
    expect(value[4]).toBe(6);
    expect(value[5]).toBeCloseTo(34 / 3, 12);
    expect(value[6]).toBeCloseTo(71 / 9, 12);
  });

  it('first value at index period − 1, matching warmup()', () => {
    const { value } = runNode(ema, { params: { period: 4 }, inputs: { source: [1, 2, 3, 4, 5, 6] } });
    expect(firstDefined(value)).toBe(3);
    expect(ema.warmup!(ema.params.parse({ period: 4 }))).toBe(3);
  });

  it('a NaN restarts the SMA seeding', () => {
    const { value } = runNode(ema, { params: { period: 3 }, inputs: { source: [1, 5, 3, NaN, 4, 6, 8, 10] } });
    // Seed again from 4, 6, 8 → 6; then 6 + .5(10 − 6) = 8. Nothing from before the NaN survives.
    expect(value).toEqual([NaN, NaN, 3, NaN, NaN, NaN, 6, 8]);
  });

  it('runs in a compiled graph on the close', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        e: { type: 'indicator.ema', params: { period: 3 } },
        t: { type: 'logic.threshold', params: { operator: '>', level: 5 } },
        order: { type: 'order.targetPercent' },
      },
      ['data.close -> e.source', 'e.value -> t.value', 't.result -> order.enter'],
    );
    const run = runGraph(graph, makeBars({ close: [1, 5, 3, 10, 2, 8] }), { e: 'e.value', t: 't.result' });
    expect(run.values.e).toEqual([NaN, NaN, 3, 6.5, 4.25, 6.125]);
    expect(run.values.t).toEqual([NaN, NaN, 0, 1, 0, 1]);
  });
});

describe('indicator.ema against TA-Lib', () => {
  it('matches TA-Lib EMA to 1e-9 on the reference bars, including its warm-up', () => {
    const result = compareWithReference(ema);
    expect(result.compared).toBeGreaterThan(1000);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
