import { describe, expect, it } from 'vitest';
import type { Bar } from '../../ports.ts';
import { compareWithReference } from '../../reference.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { aroon } from './index.ts';

const bar = (high: number, low: number): Bar => ({ time: 0, open: low, high, low, close: high, volume: 1000 });
const nanBar: Bar = { time: 0, open: NaN, high: NaN, low: NaN, close: NaN, volume: NaN };
const bars = [bar(5, 3), bar(7, 4), bar(6, 2), bar(4, 3), bar(3, 1), bar(8, 5)];

describe('indicator.aroon', () => {
  it('scores how many bars ago the N+1-bar high and low were (N = 3)', () => {
    const { up, down, oscillator } = runNode(aroon, { params: { period: 3 }, inputs: { bars } });
    expect(up.slice(0, 3).every(Number.isNaN)).toBe(true);
    // Bar 3, window 0–3: high 7 two bars ago → 100·(3−2)/3; low 2 one bar ago → 100·2/3.
    expect(up[3]).toBeCloseTo(100 / 3, 12);
    expect(down[3]).toBeCloseTo(200 / 3, 12);
    expect(oscillator[3]).toBeCloseTo(-100 / 3, 12);
    // Bar 4, window 1–4: high 7 three bars ago → 0; low 1 on this bar → 100.
    expect(up[4]).toBe(0);
    expect(down[4]).toBe(100);
    expect(oscillator[4]).toBe(-100);
    // Bar 5, window 2–5: high 8 now → 100; low 1 one bar ago → 200/3.
    expect(up[5]).toBe(100);
    expect(down[5]).toBeCloseTo(200 / 3, 12);
    expect(oscillator[5]).toBeCloseTo(100 / 3, 12);
  });

  it('first value at index N, as warmup() says', () => {
    for (const period of [2, 3, 5]) {
      const { up } = runNode(aroon, { params: { period }, inputs: { bars } });
      expect(firstDefined(up)).toBe(period);
      expect(aroon.warmup!(aroon.params.parse({ period }))).toBe(period);
    }
  });

  it('on ties the latest extreme counts: flat bars read 100 / 100 / 0', () => {
    const { up, down, oscillator } = runNode(aroon, { params: { period: 2 }, inputs: { bars: [bar(5, 5), bar(5, 5), bar(5, 5), bar(5, 5)] } });
    expect(up.slice(2)).toEqual([100, 100]);
    expect(down.slice(2)).toEqual([100, 100]);
    expect(oscillator.slice(2)).toEqual([0, 0]);
  });

  it('a NaN bar restarts the window: older extremes are forgotten', () => {
    const { up, down } = runNode(aroon, { params: { period: 2 }, inputs: { bars: [bar(100, 0), bar(5, 3), nanBar, bar(6, 4), bar(5, 3), bar(4, 2)] } });
    expect(up.slice(2, 5).every(Number.isNaN)).toBe(true);
    // Window after the restart: highs 6, 5, 4 → high 2 bars ago → 0; low 2 now → 100.
    expect(up[5]).toBe(0);
    expect(down[5]).toBe(100);
  });

  it('refuses a period below 2', () => {
    expect(aroon.params.safeParse({ period: 1 }).success).toBe(false);
    expect(aroon.params.parse({}).period).toBe(14);
  });
});

describe('indicator.aroon against TA-Lib', () => {
  it('matches TA-Lib AROON and AROONOSC to 1e-9 on the reference bars, including its warm-up', () => {
    const result = compareWithReference(aroon);
    expect(result.compared).toBeGreaterThan(5000);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
