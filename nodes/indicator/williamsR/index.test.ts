import { describe, expect, it } from 'vitest';
import type { Bar } from '../../ports.ts';
import { compareWithReference } from '../../reference.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { williamsR } from './index.ts';

const bar = (high: number, low: number, close: number): Bar => ({ time: 0, open: close, high, low, close, volume: 1000 });
const nanBar: Bar = { time: 0, open: NaN, high: NaN, low: NaN, close: NaN, volume: NaN };
const bars = [bar(10, 8, 9), bar(12, 9, 11), bar(11, 7, 8), bar(13, 10, 13), bar(12, 11, 11)];

describe('indicator.williamsR', () => {
  it('places the close in the N-bar range, 0 at the high and −100 at the low', () => {
    const { value } = runNode(williamsR, { params: { period: 3 }, inputs: { bars } });
    // Bars 0–2: high 12, low 7, close 8 → −100·(12 − 8)/5 = −80. Bars 1–3: close 13 is the high → 0.
    // Bars 2–4: high 13, low 7, close 11 → −100·2/6.
    expect(value.slice(0, 2)).toEqual([NaN, NaN]);
    expect(value[2]).toBeCloseTo(-80, 12);
    expect(value[3]).toBe(0);
    expect(value[4]).toBeCloseTo(-100 / 3, 12);
  });

  it('reads −50 (mid-range) when the window has no range, where TA-Lib reads 0', () => {
    const { value } = runNode(williamsR, { params: { period: 2 }, inputs: { bars: [bar(8, 4, 6), bar(5, 5, 5), bar(5, 5, 5), bar(5, 4, 4)] } });
    // Bars 0–1: −100·(8 − 5)/4 = −75; bars 1–2: no range → −50; bars 2–3: the close is the low → −100.
    expect(value).toEqual([NaN, -75, -50, -100]);
  });

  it('first value at index N−1, as warmup() says; a NaN bar restarts the window', () => {
    for (const period of [1, 4]) {
      expect(firstDefined(runNode(williamsR, { params: { period }, inputs: { bars } }).value)).toBe(period - 1);
      expect(williamsR.warmup!(williamsR.params.parse({ period }))).toBe(period - 1);
    }
    const { value } = runNode(williamsR, { params: { period: 3 }, inputs: { bars: [bar(99, 1, 50), nanBar, ...bars] } });
    expect(value.slice(1, 4).every(Number.isNaN)).toBe(true);
    expect(value[4]).toBeCloseTo(-80, 12);
  });

  it('defaults to 14', () => {
    expect(williamsR.params.parse({}).period).toBe(14);
    expect(williamsR.params.safeParse({ period: 0 }).success).toBe(false);
  });
});

describe('indicator.williamsR against TA-Lib', () => {
  it('matches TA-Lib WILLR to 1e-9 on the reference bars (flat windows read −50, see ref_momentum.willr)', () => {
    const result = compareWithReference(williamsR);
    expect(result.compared).toBeGreaterThan(1000);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
