import { describe, expect, it } from 'vitest';
import { compareWithReference } from '../../reference.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { percentChange } from './index.ts';

describe('math.percentChange', () => {
  it('(x / x[N] − 1) · 100', () => {
    // 110/100 → +10 %, 99/110 → −10 %, 108.9/99 → +10 %
    const { value } = runNode(percentChange, { params: { period: 1 }, inputs: { source: [100, 110, 99, 108.9] } });
    expect(value[0]).toBeNaN();
    expect(value[1]).toBeCloseTo(10, 12);
    expect(value[2]).toBeCloseTo(-10, 12);
    expect(value[3]).toBeCloseTo(10, 12);
    // Over two bars: 99/100 → −1 %, 108.9/110 → −1 %
    const two = runNode(percentChange, { params: { period: 2 }, inputs: { source: [100, 110, 99, 108.9] } }).value;
    expect(two.slice(0, 2)).toEqual([NaN, NaN]);
    expect(two[2]).toBeCloseTo(-1, 12);
    expect(two[3]).toBeCloseTo(-1, 12);
  });

  it('warms up for N bars, as its warmup() says', () => {
    for (const period of [1, 3]) {
      const { value } = runNode(percentChange, { params: { period }, inputs: { source: [4, 8, 6, 2, 5] } });
      expect(firstDefined(value)).toBe(percentChange.warmup!(percentChange.params.parse({ period })));
      expect(firstDefined(value)).toBe(period);
    }
  });

  it('is NaN, not Infinity, when the value N bars ago is 0', () => {
    expect(runNode(percentChange, { params: { period: 1 }, inputs: { source: [0, 5, 0, 0] } }).value).toEqual([NaN, NaN, -100, NaN]);
  });

  it('a NaN spoils its own bar and the bar N later; flat prices read 0', () => {
    expect(runNode(percentChange, { params: { period: 1 }, inputs: { source: [2, NaN, 3, 3] } }).value).toEqual([NaN, NaN, NaN, 0]);
  });
});

describe('math.percentChange against TA-Lib', () => {
  it('matches TA-Lib ROC to 1e-9 on the reference bars, including its warm-up', () => {
    const result = compareWithReference(percentChange);
    expect(result.compared).toBeGreaterThan(1500);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
