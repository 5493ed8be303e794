import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import type { Bar } from '../../ports.ts';
import { compareWithReference } from '../../reference.ts';
import { createRegistry } from '../../registry.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { supertrend } from './index.ts';

const bar = (high: number, low: number, close: number): Bar => ({ time: 0, open: close, high, low, close, volume: 1000 });
const nanBar: Bar = { time: 0, open: NaN, high: NaN, low: NaN, close: NaN, volume: NaN };
const bars = [
  bar(10, 9, 9.5),
  bar(11, 10, 10.5),
  bar(12, 11, 11.5),
  bar(14, 12, 13.8),
  bar(14, 13, 13.5),
  bar(13, 10, 10.5),
  bar(11, 10, 10.8),
  bar(11.5, 10.5, 11),
];

describe('indicator.supertrend', () => {
  it('follows the band and flip rules by hand (ATR 2, × 1)', () => {
    const { line, direction, bullish } = runNode(supertrend, { params: { period: 2, multiplier: 1 }, inputs: { bars } });
    // Bar 2: ATR (1.5 + 1.5)/2 = 1.5, bands 11.5 ± 1.5; starts as a downtrend on the upper band.
    // Bar 3: ATR 2, basic 15/11; upper stays 13 (only tightens), lower rises to 11; close 13.8 > 13 flips up.
    // Bar 4: ATR 1.5, basic 15/12; last close 13.8 was above the upper band, so it resets to 15; lower 12.
    // Bar 5: ATR 2.5, basic 14/9; lower holds 12; close 10.5 < 12 flips down onto the upper band, 14.
    // Bar 6: ATR 1.75, basic 12.25/8.75; upper tightens to 12.25; lower resets (last close was below it).
    // Bar 7: ATR 1.375, basic 12.375/9.625; upper holds 12.25 (it never loosens in a downtrend).
    expect(line).toEqual([NaN, NaN, 13, 11, 12, 14, 12.25, 12.25]);
    expect(direction).toEqual([NaN, NaN, -1, 1, 1, -1, -1, -1]);
    expect(bullish).toEqual([NaN, NaN, 0, 1, 1, 0, 0, 0]);
  });

  it('first value at index N, as warmup() says', () => {
    for (const period of [1, 2, 4]) {
      const { line, bullish } = runNode(supertrend, { params: { period }, inputs: { bars } });
      expect(firstDefined(line)).toBe(period);
      expect(firstDefined(bullish)).toBe(supertrend.warmup!(supertrend.params.parse({ period })));
    }
  });

  it('a NaN bar restarts the warm-up and the trend', () => {
    const { line, direction } = runNode(supertrend, { params: { period: 2, multiplier: 1 }, inputs: { bars: [...bars.slice(0, 5), nanBar, ...bars] } });
    expect(line.slice(5, 8).every(Number.isNaN)).toBe(true);
    expect(line.slice(6)).toEqual([NaN, NaN, 13, 11, 12, 14, 12.25, 12.25]);
    expect(direction[8]).toBe(-1);
  });

  it('flat bars hold the line at the price, never NaN', () => {
    const { line, direction } = runNode(supertrend, { params: { period: 2 }, inputs: { bars: Array.from({ length: 5 }, () => bar(5, 5, 5)) } });
    expect(line.slice(2)).toEqual([5, 5, 5]);
    expect(direction.slice(2)).toEqual([-1, -1, -1]);
  });

  it('defaults to ATR 10 × 3', () => {
    expect(supertrend.params.parse({})).toEqual({ period: 10, multiplier: 3 });
    expect(supertrend.params.safeParse({ multiplier: -1 }).success).toBe(false);
  });

  it('Bullish drives an order in a compiled graph', () => {
    const graph = fixture(
      { data: { type: 'data.synthetic' }, st: { type: 'indicator.supertrend', params: { period: 2, multiplier: 1 } }, order: { type: 'order.targetPercent' } },
      ['data.bars -> st.bars', 'st.bullish -> order.enter'],
    );
    const b = makeBars({
      close: bars.map((x) => x.close),
      high: bars.map((x) => x.high),
      low: bars.map((x) => x.low),
      open: bars.map((x) => x.low),
    });
    const run = runGraph(graph, b, { bullish: 'st.bullish' }, createRegistry([...registry.definitions.filter((d) => d.type !== supertrend.type), supertrend]));
    expect(run.plan.warmup).toBe(2);
    expect(run.values.bullish).toEqual([NaN, NaN, 0, 1, 1, 0, 0, 0]);
  });
});

describe('indicator.supertrend against the reference', () => {
  it('matches the reference loop to 1e-9 on the reference bars, including its flips', () => {
    const result = compareWithReference(supertrend);
    expect(result.compared).toBeGreaterThan(3000);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
