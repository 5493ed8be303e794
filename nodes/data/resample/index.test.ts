import { describe, expect, it } from 'vitest';
import { compileOk, fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { runNode } from '../../testing.ts';
import { resample } from './index.ts';

const minute = 60_000;
const bar = (i: number, close: number) => ({ time: i * 5 * minute, open: close - 1, high: close + 2, low: close - 3, close, volume: 10 });

describe('data.resample', () => {
  it('publishes a 15-minute bar on the 5-minute bar that completes it, never earlier', () => {
    const bars = [1, 2, 3, 4, 5, 6, 7].map((c, i) => bar(i, c * 10));
    const out = runNode(resample, { params: { minutes: 15 }, inputs: { bars } });
    // Bar 0 alone cannot tell the interval; from bar 1 on it is 5 min, so bar 2 (10:10–10:15) completes 0–15.
    expect(out.closed).toEqual([0, 0, 1, 0, 0, 1, 0]);
    expect(out.close).toEqual([NaN, NaN, 30, 30, 30, 60, 60]);
    expect(out.bars[2]).toEqual({ time: 0, open: 9, high: 32, low: 7, close: 30, volume: 30 });
    expect(out.bars[5]).toEqual({ time: 15 * minute, open: 39, high: 62, low: 37, close: 60, volume: 30 });
  });

  it('builds weeks from Monday 00:00 UTC (the epoch was a Thursday)', () => {
    // Daily bars from Thursday 2023-01-05 to Wednesday 2023-01-18.
    const day = 86_400_000, first = Date.UTC(2023, 0, 5);
    const bars = Array.from({ length: 14 }, (_, i) => ({ time: first + i * day, open: i, high: i + 1, low: i - 1, close: i, volume: 1 }));
    const out = runNode(resample, { params: { minutes: 7 * 1440 }, inputs: { bars } });
    // Sunday 2023-01-08 (i = 3) ends the first, partial week; Sunday 2023-01-15 (i = 10) the full one.
    expect(out.closed.flatMap((c, i) => (c === 1 ? [new Date(bars[i]!.time).toISOString().slice(0, 10)] : []))).toEqual(['2023-01-08', '2023-01-15']);
    expect(out.bars[10]).toEqual({ time: Date.UTC(2023, 0, 9), open: 4, high: 11, low: 3, close: 10, volume: 7 });
  });

  it('a gap completes the earlier period on the first bar of a later one', () => {
    // Bars at 0, 5, (10 missing), 15, 20, 25 minutes.
    const bars = [bar(0, 10), bar(1, 20), bar(3, 40), bar(4, 50), bar(5, 60)];
    const out = runNode(resample, { params: { minutes: 15 }, inputs: { bars } });
    expect(out.closed).toEqual([0, 0, 1, 0, 1]);
    expect(out.close).toEqual([NaN, NaN, 20, 20, 60]);
  });

  it('in a graph, an SMA on the resampled close steps once per period and holds in between', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic', params: { intervalMinutes: 5 } },
        hourly: { type: 'data.resample', params: { minutes: 15 } },
        sma: { type: 'indicator.sma', params: { period: 2 } },
        up: { type: 'logic.compare', params: { operator: '>' } },
        order: { type: 'order.targetPercent' },
      },
      ['data.bars -> hourly.bars', 'hourly.close -> sma.source', 'data.close -> up.a', 'sma.value -> up.b', 'up.result -> order.enter'],
    );
    const closes = [10, 20, 30, 40, 50, 60, 70, 80, 90];
    const bars = makeBars({ close: closes, intervalMs: 5 * minute, start: 0 });
    const run = runGraph(graph, bars, { sma: 'sma.value', closed: 'hourly.closed' });
    expect(run.values.closed).toEqual([0, 0, 1, 0, 0, 1, 0, 0, 1]);
    // SMA(2) of the 15-minute closes 30, 60, 90: defined from the second period, held until the next.
    expect(run.values.sma).toEqual([NaN, NaN, NaN, NaN, NaN, 45, 45, 45, 75]);
    // Warm-up counts base bars: SMA(2) of 15-minute bars of 5-minute data is 1 period (3 bars) after the resample's own 3.
    expect(compileOk(graph).nodes.find((n) => n.id === 'sma')!.warmup).toBe(3 + 3);
  });
});
