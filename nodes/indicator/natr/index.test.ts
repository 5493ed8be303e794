import { describe, expect, it } from 'vitest';
import type { Bar } from '../../ports.ts';
import { compareWithReference } from '../../reference.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { natr } from './index.ts';

const bar = (high: number, low: number, close: number): Bar => ({ time: 0, open: close, high, low, close, volume: 1000 });
const nanBar: Bar = { time: 0, open: NaN, high: NaN, low: NaN, close: NaN, volume: NaN };
// True ranges from bar 1: 3, 1, 5, 1 (as in the ATR test).
const bars = [bar(10, 8, 9), bar(12, 9, 11), bar(11, 10, 10), bar(15, 12, 14), bar(14, 13, 13)];

describe('indicator.natr', () => {
  it('is 100 × ATR / close', () => {
    const { value } = runNode(natr, { params: { period: 3 }, inputs: { bars } });
    expect(value.slice(0, 3).every(Number.isNaN)).toBe(true);
    // ATR 3 at close 14, then (3·2 + 1)/3 = 7/3 at close 13.
    expect(value[3]).toBeCloseTo(300 / 14, 12);
    expect(value[4]).toBeCloseTo(700 / 39, 12);
    expect(firstDefined(value)).toBe(natr.warmup!(natr.params.parse({ period: 3 })));
  });

  it('normalises a period of 1 too (unlike TA-Lib’s NATR(1))', () => {
    const { value } = runNode(natr, { params: { period: 1 }, inputs: { bars } });
    expect(value[1]).toBeCloseTo(300 / 11, 12);
    expect(value[3]).toBeCloseTo(500 / 14, 12);
  });

  it('reads 0 for a zero close and for flat bars instead of dividing by zero', () => {
    expect(runNode(natr, { params: { period: 1 }, inputs: { bars: [bar(2, 1, 1), bar(1, 0, 0)] } }).value).toEqual([NaN, 0]);
    expect(runNode(natr, { params: { period: 2 }, inputs: { bars: [bar(5, 5, 5), bar(5, 5, 5), bar(5, 5, 5), bar(5, 5, 5)] } }).value).toEqual([NaN, NaN, 0, 0]);
  });

  it('a NaN bar restarts the warm-up', () => {
    const { value } = runNode(natr, { params: { period: 1 }, inputs: { bars: [bar(10, 8, 9), nanBar, bar(12, 9, 10), bar(12, 10, 11)] } });
    // After the NaN, 10 is the first close; the next true range is max(2, |10 − 12|, |10 − 10|) = 2 at close 11.
    expect(value.slice(0, 3).every(Number.isNaN)).toBe(true);
    expect(value[3]).toBeCloseTo(200 / 11, 12);
  });
});

describe('indicator.natr against TA-Lib', () => {
  it('matches TA-Lib NATR to 1e-9 on the reference bars, including its warm-up', () => {
    const result = compareWithReference(natr);
    expect(result.compared).toBeGreaterThan(1000);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
