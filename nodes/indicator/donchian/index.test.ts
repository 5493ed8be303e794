import { describe, expect, it } from 'vitest';
import type { Bar } from '../../ports.ts';
import { compareWithReference } from '../../reference.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { donchian } from './index.ts';

const bar = (high: number, low: number): Bar => ({ time: 0, open: low, high, low, close: high, volume: 1000 });
const nanBar: Bar = { time: 0, open: NaN, high: NaN, low: NaN, close: NaN, volume: NaN };
const bars = [bar(5, 3), bar(7, 4), bar(6, 2), bar(4, 3), bar(3, 1), bar(8, 5)];

describe('indicator.donchian', () => {
  it('highest high, lowest low and midpoint of the last N bars, this one included (N = 3)', () => {
    const { upper, middle, lower } = runNode(donchian, { params: { period: 3 }, inputs: { bars } });
    expect(upper).toEqual([NaN, NaN, 7, 7, 6, 8]);
    expect(lower).toEqual([NaN, NaN, 2, 2, 1, 1]);
    expect(middle).toEqual([NaN, NaN, 4.5, 4.5, 3.5, 4.5]);
  });

  it('without this bar: the N bars before it, for breakouts', () => {
    const { upper, middle, lower } = runNode(donchian, { params: { period: 3, includeCurrentBar: false }, inputs: { bars } });
    expect(upper).toEqual([NaN, NaN, NaN, 7, 7, 6]);
    expect(lower).toEqual([NaN, NaN, NaN, 2, 2, 1]);
    expect(middle).toEqual([NaN, NaN, NaN, 4.5, 4.5, 3.5]);
    // Bar 5's high of 8 breaks above the previous 3 bars' channel (6).
  });

  it('warm-up is N−1, or N without this bar, as warmup() says', () => {
    for (const includeCurrentBar of [true, false]) {
      for (const period of [1, 2, 4]) {
        const { upper } = runNode(donchian, { params: { period, includeCurrentBar }, inputs: { bars } });
        expect(firstDefined(upper)).toBe(donchian.warmup!(donchian.params.parse({ period, includeCurrentBar })));
        expect(firstDefined(upper)).toBe(includeCurrentBar ? period - 1 : period);
      }
    }
  });

  it('a NaN bar restarts the window', () => {
    const { upper, lower } = runNode(donchian, { params: { period: 2 }, inputs: { bars: [bar(100, 0), nanBar, bar(6, 4), bar(5, 3)] } });
    expect(upper).toEqual([NaN, NaN, NaN, 6]);
    expect(lower).toEqual([NaN, NaN, NaN, 3]);
  });

  it('flat bars give a zero-width channel at the price', () => {
    expect(runNode(donchian, { params: { period: 2 }, inputs: { bars: [bar(5, 5), bar(5, 5), bar(5, 5)] } }).middle).toEqual([NaN, 5, 5]);
  });

  it('defaults to 20 bars including this one', () => {
    expect(donchian.params.parse({})).toEqual({ period: 20, includeCurrentBar: true });
    expect(donchian.params.safeParse({ period: 0 }).success).toBe(false);
  });
});

describe('indicator.donchian against the reference', () => {
  it('matches pandas rolling max/min to 1e-9 on the reference bars, both window variants', () => {
    const result = compareWithReference(donchian);
    expect(result.compared).toBeGreaterThan(5000);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
