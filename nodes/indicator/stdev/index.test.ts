import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import { compareWithReference } from '../../reference.ts';
import { createRegistry } from '../../registry.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { stdev } from './index.ts';

describe('indicator.stdev', () => {
  it('population and sample deviation of a textbook series', () => {
    const source = [2, 4, 4, 4, 5, 5, 7, 9];
    // Mean 5; squared deviations 9+1+1+1+0+0+4+16 = 32: population √(32/8) = 2, sample √(32/7).
    expect(runNode(stdev, { params: { period: 8 }, inputs: { source } }).value[7]).toBe(2);
    expect(runNode(stdev, { params: { period: 8, estimator: 'sample' }, inputs: { source } }).value[7]).toBeCloseTo(Math.sqrt(32 / 7), 14);
  });

  it('rolls the window bar by bar', () => {
    const source = [1, 2, 3, 5];
    // (1,2,3): mean 2, Σd² = 2. (2,3,5): mean 10/3, Σd² = (16+1+25)/9 = 14/3.
    const pop = runNode(stdev, { params: { period: 3 }, inputs: { source } }).value;
    const sample = runNode(stdev, { params: { period: 3, estimator: 'sample' }, inputs: { source } }).value;
    expect(pop.slice(0, 2)).toEqual([NaN, NaN]);
    expect(pop[2]).toBeCloseTo(Math.sqrt(2 / 3), 14);
    expect(pop[3]).toBeCloseTo(Math.sqrt(14 / 9), 14);
    expect(sample[2]).toBeCloseTo(1, 14);
    expect(sample[3]).toBeCloseTo(Math.sqrt(7 / 3), 14);
  });

  it('first value at index period − 1, matching warmup()', () => {
    for (const period of [2, 5]) {
      const { value } = runNode(stdev, { params: { period }, inputs: { source: [4, 8, 6, 2, 5, 7, 1] } });
      expect(firstDefined(value)).toBe(period - 1);
      expect(stdev.warmup!(stdev.params.parse({ period }))).toBe(period - 1);
    }
  });

  it('a NaN restarts the window', () => {
    const { value } = runNode(stdev, { params: { period: 2 }, inputs: { source: [1, 3, NaN, 5, 9, 10] } });
    // (1,3) → 1; after the NaN, (5,9) → 2 and (9,10) → 0.5; 3 is forgotten.
    expect(value).toEqual([NaN, 1, NaN, NaN, 2, 0.5]);
  });

  it('a flat window reads exactly 0, with either estimator', () => {
    const source = [0.1, 0.1, 0.1, 0.1, 0.1];
    expect(runNode(stdev, { params: { period: 3 }, inputs: { source } }).value.slice(2)).toEqual([0, 0, 0]);
    expect(runNode(stdev, { params: { period: 3, estimator: 'sample' }, inputs: { source } }).value.slice(2)).toEqual([0, 0, 0]);
  });

  it('defaults to 20 bars, population, and refuses a period below 2', () => {
    expect(stdev.params.parse({})).toEqual({ period: 20, estimator: 'population' });
    expect(stdev.params.safeParse({ period: 1 }).success).toBe(false);
    expect(stdev.params.safeParse({ estimator: 'biased' }).success).toBe(false);
  });

  it('runs in a compiled graph on the close', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        sd: { type: 'indicator.stdev', params: { period: 2 } },
        t: { type: 'logic.threshold', params: { operator: '>', level: 1.5 } },
        order: { type: 'order.targetPercent' },
      },
      ['data.close -> sd.source', 'sd.value -> t.value', 't.result -> order.enter'],
    );
    const run = runGraph(graph, makeBars({ close: [10, 12, 13, 17] }), { sd: 'sd.value', t: 't.result' }, createRegistry([...registry.definitions.filter((d) => d.type !== stdev.type), stdev]));
    expect(run.plan.warmup).toBe(1);
    expect(run.values.sd).toEqual([NaN, 1, 0.5, 2]);
    expect(run.values.t).toEqual([NaN, 0, 0, 1]);
  });
});

describe('indicator.stdev against references', () => {
  it('matches TA-Lib STDDEV (population) and a numpy sample deviation to 1e-9 on the reference bars', () => {
    const result = compareWithReference(stdev);
    expect(result.cases).toBe(4);
    expect(result.compared).toBeGreaterThan(2000);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });

  it('kernel equals the step for every estimator', () => {
    // A walk with NaN gaps and repeated values; the kernel runs it in uneven pieces.
    const n = 500;
    const source = new Float64Array(n);
    for (let t = 0; t < n; t++) source[t] = t % 53 === 7 ? NaN : Math.round(100 + 10 * Math.sin(t / 7) + (t % 5)) / (t % 3 === 0 ? 1 : 4);
    for (const estimator of ['population', 'sample'] as const) {
      const params = stdev.params.parse({ period: 5, estimator });
      const stepState = stdev.init(params, { source: true });
      const out = { value: NaN };
      const expected = [...source].map((x) => (stdev.step(stepState, params, { source: x }, out, undefined as never), String(out.value)));
      const kernelState = stdev.init(params, { source: true });
      const value = new Float64Array(n);
      for (const [from, to] of [[0, 3], [3, 200], [200, n]] as const) stdev.kernel!(kernelState, params, { source }, { value }, from, to);
      expect([...value].map(String), estimator).toEqual(expected);
      expect(kernelState).toEqual(stepState);
    }
  });
});
