import { describe, expect, it } from 'vitest';
import { compareWithReference } from '../../reference.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { correlation } from './index.ts';

describe('indicator.correlation', () => {
  it('is ±1 for series on a line and 0.8 for a hand-worked pair', () => {
    const corr = (a: number[], b: number[], period: number) => runNode(correlation, { params: { period }, inputs: { a, b } }).value;
    expect(corr([1, 2, 3], [2, 4, 6], 3)[2]).toBe(1);
    expect(corr([1, 2, 3], [6, 4, 2], 3)[2]).toBe(-1);
    // Deviations (−1.5, −.5, .5, 1.5) and (−1.5, .5, −.5, 1.5): Σab = 4, Σa² = Σb² = 5 → 0.8.
    expect(corr([1, 2, 3, 4], [1, 3, 2, 4], 4)[3]).toBeCloseTo(0.8, 14);
    // Rolling by 3: (1,2,3)/(1,3,2) and (2,3,4)/(3,2,4) both give Σab = 1 over √(2·2) = 0.5.
    const rolled = corr([1, 2, 3, 4], [1, 3, 2, 4], 3);
    expect(rolled[0]).toBeNaN();
    expect(rolled[1]).toBeNaN();
    expect(rolled[2]).toBeCloseTo(0.5, 14);
    expect(rolled[3]).toBeCloseTo(0.5, 14);
  });

  it('first value at index period − 1, matching warmup(); a NaN in either input restarts both', () => {
    const { value } = runNode(correlation, { params: { period: 2 }, inputs: { a: [1, 2, 3, 4, 5, 6], b: [1, 3, NaN, 2, 1, 5] } });
    expect(firstDefined(value)).toBe(correlation.warmup!(correlation.params.parse({ period: 2 })));
    expect(value).toEqual([NaN, 1, NaN, NaN, -1, 1]);
  });

  it('reads 0 when either series is flat, rather than dividing by zero', () => {
    const { value } = runNode(correlation, { params: { period: 3 }, inputs: { a: [1, 2, 3, 4], b: [0.7, 0.7, 0.7, 0.7] } });
    expect(value.slice(2)).toEqual([0, 0]);
  });
});

describe('indicator.correlation against TA-Lib', () => {
  it('matches TA-Lib CORREL to 1e-9 on the reference bars, including its warm-up and the flat stretch', () => {
    const result = compareWithReference(correlation);
    expect(result.compared).toBeGreaterThan(1500);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
