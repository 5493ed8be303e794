import { describe, expect, it } from 'vitest';
import { compareWithReference } from '../../reference.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { momentum } from './index.ts';

describe('indicator.momentum', () => {
  it('is the value minus the value N bars ago', () => {
    const { value } = runNode(momentum, { params: { period: 2 }, inputs: { source: [10, 20, 5, 10, 0, 5] } });
    // 5 − 10, 10 − 20, 0 − 5, 5 − 10
    expect(value).toEqual([NaN, NaN, -5, -10, -5, -5]);
  });

  it('first value at index N, as warmup() says; a NaN restarts it', () => {
    for (const period of [1, 4]) {
      expect(firstDefined(runNode(momentum, { params: { period }, inputs: { source: [4, 8, 6, 2, 5, 1] } }).value)).toBe(period);
      expect(momentum.warmup!(momentum.params.parse({ period }))).toBe(period);
    }
    expect(runNode(momentum, { params: { period: 1 }, inputs: { source: [1, 2, NaN, 4, 6] } }).value).toEqual([NaN, 1, NaN, NaN, 2]);
  });

  it('reads 0 on a flat series and defaults to 10', () => {
    expect(runNode(momentum, { params: { period: 3 }, inputs: { source: [7, 7, 7, 7, 7] } }).value.slice(3)).toEqual([0, 0]);
    expect(momentum.params.parse({}).period).toBe(10);
    expect(momentum.params.safeParse({ period: 0 }).success).toBe(false);
  });
});

describe('indicator.momentum against TA-Lib', () => {
  it('matches TA-Lib MOM to 1e-9 on the reference bars, including its warm-up', () => {
    const result = compareWithReference(momentum);
    expect(result.compared).toBeGreaterThan(1000);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
