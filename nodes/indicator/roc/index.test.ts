import { describe, expect, it } from 'vitest';
import { compareWithReference } from '../../reference.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { roc } from './index.ts';

describe('indicator.roc', () => {
  it('is the percent change on N bars ago', () => {
    const { value } = runNode(roc, { params: { period: 2 }, inputs: { source: [10, 20, 5, 10, 0, 5, 15] } });
    // 5 vs 10: −50 %; 10 vs 20: −50 %; 0 vs 5: −100 %; 5 vs 10: −50 %; 15 vs 0: the old value is 0 → 0.
    expect(value).toEqual([NaN, NaN, -50, -50, -100, -50, 0]);
  });

  it('period 1 is the bar-to-bar percent change', () => {
    const { value } = runNode(roc, { params: { period: 1 }, inputs: { source: [100, 110, 99] } });
    expect(value[0]).toBeNaN();
    expect(value[1]).toBeCloseTo(10, 12);
    expect(value[2]).toBeCloseTo(-10, 12);
  });

  it('first value at index N, as warmup() says; a NaN restarts it', () => {
    for (const period of [1, 3]) {
      expect(firstDefined(runNode(roc, { params: { period }, inputs: { source: [4, 8, 6, 2, 5] } }).value)).toBe(period);
      expect(roc.warmup!(roc.params.parse({ period }))).toBe(period);
    }
    // After the NaN, 4 has no value N bars back until 8 arrives: 8 vs 4 = +100 %.
    expect(runNode(roc, { params: { period: 1 }, inputs: { source: [1, 2, NaN, 4, 8] } }).value).toEqual([NaN, 100, NaN, NaN, 100]);
  });

  it('reads 0 on a flat series and defaults to 10', () => {
    expect(runNode(roc, { params: { period: 2 }, inputs: { source: [7, 7, 7, 7] } }).value.slice(2)).toEqual([0, 0]);
    expect(roc.params.parse({}).period).toBe(10);
    expect(roc.params.safeParse({ period: 0 }).success).toBe(false);
  });
});

describe('indicator.roc against TA-Lib', () => {
  it('matches TA-Lib ROC to 1e-9 on the reference bars, including its warm-up', () => {
    const result = compareWithReference(roc);
    expect(result.compared).toBeGreaterThan(1000);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
