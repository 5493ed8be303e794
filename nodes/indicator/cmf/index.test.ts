import { describe, expect, it } from 'vitest';
import type { Bar } from '../../ports.ts';
import { compareWithReference } from '../../reference.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { cmf } from './index.ts';

const bar = (high: number, low: number, close: number, volume: number): Bar => ({ time: 0, open: close, high, low, close, volume });
// Money-flow volumes 50, −200, 0 (no range), 200 (see the A/D line test).
const bars = [bar(10, 8, 9.5, 100), bar(12, 10, 10, 200), bar(11, 11, 11, 300), bar(13, 9, 12, 400)];

describe('indicator.cmf', () => {
  it('sums money-flow volume over volume across N bars (N = 2)', () => {
    const { value } = runNode(cmf, { params: { period: 2 }, inputs: { bars } });
    // (50 − 200)/300, (−200 + 0)/500, (0 + 200)/700.
    expect(value[0]).toBeNaN();
    expect(value[1]).toBeCloseTo(-0.5, 12);
    expect(value[2]).toBeCloseTo(-0.4, 12);
    expect(value[3]).toBeCloseTo(2 / 7, 12);
  });

  it('first value at index N−1, as warmup() says', () => {
    for (const period of [1, 3]) {
      expect(firstDefined(runNode(cmf, { params: { period }, inputs: { bars } }).value)).toBe(cmf.warmup!(cmf.params.parse({ period })));
    }
  });

  it('a NaN bar restarts the window', () => {
    const { value } = runNode(cmf, { params: { period: 2 }, inputs: { bars: [bars[0]!, bar(NaN, 8, 9, 100), bars[2]!, bars[3]!] } });
    expect(value.slice(0, 3).every(Number.isNaN)).toBe(true);
    expect(value[3]).toBeCloseTo(2 / 7, 12);
  });

  it('reads 0 without volume and on flat bars, never dividing by zero', () => {
    expect(runNode(cmf, { params: { period: 2 }, inputs: { bars: [bar(10, 8, 9, 0), bar(10, 8, 10, 0)] } }).value).toEqual([NaN, 0]);
    expect(runNode(cmf, { params: { period: 2 }, inputs: { bars: [bar(5, 5, 5, 10), bar(5, 5, 5, 20)] } }).value).toEqual([NaN, 0]);
  });

  it('defaults to 20 bars', () => {
    expect(cmf.params.parse({}).period).toBe(20);
  });
});

describe('indicator.cmf against the reference', () => {
  it('matches the windowed numpy reference to 1e-9 on the reference bars', () => {
    const result = compareWithReference(cmf);
    expect(result.compared).toBeGreaterThan(1000);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
