import { describe, expect, it } from 'vitest';
import { compareWithReference } from '../../reference.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { zscore } from './index.ts';

describe('indicator.zscore', () => {
  it('measures the current value against the window that includes it', () => {
    const source = [1, 2, 3, 4, 10];
    // Mean 4, deviations −3 −2 −1 0 6, Σd² = 50: population sd √10, sample sd √12.5; x − mean = 6.
    expect(runNode(zscore, { params: { period: 5 }, inputs: { source } }).value[4]).toBeCloseTo(6 / Math.sqrt(10), 14);
    expect(runNode(zscore, { params: { period: 5, estimator: 'sample' }, inputs: { source } }).value[4]).toBeCloseTo(6 / Math.sqrt(12.5), 14);
  });

  it('rolls bar by bar', () => {
    const { value } = runNode(zscore, { params: { period: 3 }, inputs: { source: [1, 2, 3, 5] } });
    // (1,2,3): (3 − 2)/√(2/3) = √1.5. (2,3,5): mean 10/3, sd √14/3, (5 − 10/3)/(√14/3) = 5/√14.
    expect(value.slice(0, 2)).toEqual([NaN, NaN]);
    expect(value[2]).toBeCloseTo(Math.sqrt(1.5), 14);
    expect(value[3]).toBeCloseTo(5 / Math.sqrt(14), 14);
  });

  it('a lone spike reaches the population bound √(N − 1)', () => {
    // Mean .2, Σd² = 4(.04) + .64 = .8, sd .4, z = .8/.4 = 2 = √4.
    const { value } = runNode(zscore, { params: { period: 5 }, inputs: { source: [0, 0, 0, 0, 1] } });
    expect(value[4]).toBeCloseTo(2, 14);
  });

  it('first value at index period − 1, matching warmup(); a NaN restarts it', () => {
    const { value } = runNode(zscore, { params: { period: 3 }, inputs: { source: [1, 2, 3, NaN, 4, 6, 8] } });
    expect(firstDefined(value)).toBe(zscore.warmup!(zscore.params.parse({ period: 3 })));
    expect(firstDefined(value)).toBe(2);
    // After the NaN: (4,6,8), mean 6, population sd √(8/3): z = 2/√(8/3) = √1.5.
    expect(value.slice(3, 6)).toEqual([NaN, NaN, NaN]);
    expect(value[6]).toBeCloseTo(Math.sqrt(1.5), 14);
  });

  it('keeps its precision when the mean is large next to the spread', () => {
    // 1e7 plus noise of 0.01: the residuals (value − 1e7) are exact, and their z-scores are the answer.
    // Taken as value − mean, with the mean's rounding at 1e7, z was off by up to 6e-6.
    let x = 11;
    const noise = Array.from({ length: 400 }, () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32) * 1e-2);
    const big = runNode(zscore, { params: { period: 5 }, inputs: { source: noise.map((r) => 1e7 + r) } }).value;
    const small = runNode(zscore, { params: { period: 5 }, inputs: { source: noise.map((r) => 1e7 + r - 1e7) } }).value;
    big.slice(4).forEach((z, i) => expect(Math.abs(z - small[4 + i]!)).toBeLessThan(1e-12));
  });

  it('resumes a state saved before it kept running moments (it sums them from its window)', () => {
    const source = Array.from({ length: 300 }, (_, t) => 100 + Math.sin(t / 9) * 4 + (t % 7) * 0.1);
    const params = zscore.params.parse({ period: 20 });
    const whole = runNode(zscore, { params, inputs: { source } }).value;
    const s = zscore.init(params, { source: true }) as { moments?: unknown };
    const out = { value: NaN };
    const resumed = source.map((v, t) => {
      if (t === 137) delete s.moments;
      zscore.step(s as never, params, { source: v }, out, undefined as never);
      return out.value;
    });
    resumed.forEach((z, t) => (t < 19 ? expect(z).toBeNaN() : expect(z).toBeCloseTo(whole[t]!, 10)));
  });

  it('a flat window reads 0, not NaN or Infinity', () => {
    expect(runNode(zscore, { params: { period: 3 }, inputs: { source: [0.3, 0.3, 0.3, 0.3] } }).value.slice(2)).toEqual([0, 0]);
  });
});

describe('indicator.zscore against numpy', () => {
  it('matches ref_stats.zscore to 1e-9 on the reference bars, including the flat stretch', () => {
    const result = compareWithReference(zscore);
    expect(result.compared).toBeGreaterThan(1500);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });

  it('kernel equals the step for every estimator', () => {
    // A walk with NaN gaps and repeated values; the kernel runs it in uneven pieces.
    const n = 500;
    const source = new Float64Array(n);
    for (let t = 0; t < n; t++) source[t] = t % 53 === 7 ? NaN : Math.round(100 + 10 * Math.sin(t / 7) + (t % 5)) / (t % 3 === 0 ? 1 : 4);
    for (const estimator of ['population', 'sample'] as const) {
      const params = zscore.params.parse({ period: 5, estimator });
      const stepState = zscore.init(params, { source: true });
      const out = { value: NaN };
      const expected = [...source].map((x) => (zscore.step(stepState, params, { source: x }, out, undefined as never), String(out.value)));
      const kernelState = zscore.init(params, { source: true });
      const value = new Float64Array(n);
      for (const [from, to] of [[0, 3], [3, 200], [200, n]] as const) zscore.kernel!(kernelState, params, { source }, { value }, from, to);
      expect([...value].map(String), estimator).toEqual(expected);
      expect(kernelState).toEqual(stepState);
    }
  });
});
