import { describe, expect, it } from 'vitest';
import { compareWithReference } from '../../reference.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { percentRank } from './index.ts';

describe('indicator.percentRank', () => {
  it('ranks the current value against the N before it', () => {
    const { value } = runNode(percentRank, { params: { period: 4 }, inputs: { source: [3, 1, 4, 1, 5, 9, 2, 6] } });
    // 5 vs (3,1,4,1): 4 below → 100. 9 vs (1,4,1,5): 100. 2 vs (4,1,5,9): 1 below → 25. 6 vs (1,5,9,2): 3 → 75.
    expect(value).toEqual([NaN, NaN, NaN, NaN, 100, 100, 25, 75]);
  });

  it('counts ties as the tie rule says', () => {
    const source = [1, 2, 2, 3, 2];
    // 2 vs (1,2,2,3): 1 below, 2 equal.
    const rank = (ties: string) => runNode(percentRank, { params: { period: 4, ties }, inputs: { source } }).value[4];
    expect(rank('half')).toBe(50); // (1 + ½·2)/4
    expect(rank('below')).toBe(25); // 1/4
    expect(rank('atOrBelow')).toBe(75); // 3/4
  });

  it('a flat series reads 50 by mid-rank, 0 strictly below, 100 at or below', () => {
    const source = [5, 5, 5, 5, 5];
    const flat = (ties: string) => runNode(percentRank, { params: { period: 3, ties }, inputs: { source } }).value.slice(3);
    expect(flat('half')).toEqual([50, 50]);
    expect(flat('below')).toEqual([0, 0]);
    expect(flat('atOrBelow')).toEqual([100, 100]);
  });

  it('first value at index N, matching warmup(); a NaN restarts it', () => {
    const { value } = runNode(percentRank, { params: { period: 2 }, inputs: { source: [1, 2, 3, NaN, 9, 5, 6] } });
    expect(firstDefined(value)).toBe(2);
    expect(percentRank.warmup!(percentRank.params.parse({ period: 2 }))).toBe(2);
    // After the NaN, 6 is ranked against (9,5) only: 1 below → 50.
    expect(value).toEqual([NaN, NaN, 100, NaN, NaN, NaN, 50]);
  });

  it('defaults to 100 bars with mid-rank ties', () => {
    expect(percentRank.params.parse({})).toEqual({ period: 100, ties: 'half' });
  });
});

describe('indicator.percentRank against numpy', () => {
  it('matches ref_stats.percent_rank for every tie rule on the reference bars, flat stretch included', () => {
    const result = compareWithReference(percentRank);
    expect(result.cases).toBe(5);
    expect(result.compared).toBeGreaterThan(2500);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });

  it('kernel equals the step for every ties', () => {
    // A walk with NaN gaps and repeated values; the kernel runs it in uneven pieces.
    const n = 500;
    const source = new Float64Array(n);
    for (let t = 0; t < n; t++) source[t] = t % 53 === 7 ? NaN : Math.round(100 + 10 * Math.sin(t / 7) + (t % 5)) / (t % 3 === 0 ? 1 : 4);
    for (const ties of ['half', 'below', 'atOrBelow'] as const) {
      const params = percentRank.params.parse({ period: 6, ties });
      const stepState = percentRank.init(params, { source: true });
      const out = { value: NaN };
      const expected = [...source].map((x) => (percentRank.step(stepState, params, { source: x }, out, undefined as never), String(out.value)));
      const kernelState = percentRank.init(params, { source: true });
      const value = new Float64Array(n);
      for (const [from, to] of [[0, 3], [3, 200], [200, n]] as const) percentRank.kernel!(kernelState, params, { source }, { value }, from, to);
      expect([...value].map(String), ties).toEqual(expected);
      expect(kernelState).toEqual(stepState);
    }
  });
});
