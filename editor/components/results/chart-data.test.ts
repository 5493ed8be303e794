import { describe, expect, it } from 'vitest';
import type { RunChart } from '../../api.ts';
import { nextWindow, toChartData } from './chart-data.ts';

const chart: RunChart = {
  runId: '00000000-0000-4000-8000-000000000000',
  extent: { from: 0, to: 4000, bars: 5 },
  window: { from: 0, to: 4000, bars: 5 },
  barsPerCandle: 1,
  candles: [0, 1000, 1500, 3000, 4000].map((time, i) => ({ time, open: 10 + i, high: 12 + i, low: 9 + i, close: i % 2 ? 9 + i : 11 + i, volume: 100 })),
  markers: [
    { time: 1000, barTime: 1000, kind: 'entry', side: 'long', price: 11, trade: 1 },
    { time: 3000, barTime: 3000, kind: 'exit', side: 'long', price: 12, trade: 1, reason: 'stopLoss', pnl: -4 },
  ],
  markersOmitted: 0,
  series: [
    { id: 'sma.value', nodeId: 'sma', port: 'value', label: 'SMA (2)', kind: 'number', pane: 'price', values: [null, 10.5, 11, 12, 13] },
    { id: 'rsi.value', nodeId: 'rsi', port: 'value', label: 'RSI (14)', kind: 'number', pane: 'oscillator', values: null },
  ],
};

describe('toChartData', () => {
  it('converts to UTC seconds, dropping a candle that repeats a second, with gaps as whitespace', () => {
    const d = toChartData(chart);
    expect(d.candles.map((c) => c.time)).toEqual([0, 1, 3, 4]);
    expect(d.volume[0]).toEqual({ time: 0, value: 100, color: 'rgba(38, 166, 154, 0.35)' });
    expect(d.lines.get('sma.value')).toEqual([{ time: 0 }, { time: 1, value: 10.5 }, { time: 3, value: 12 }, { time: 4, value: 13 }]);
    expect(d.lines.has('rsi.value')).toBe(false);
  });

  it('marks a long entry with an up arrow under its fill price and a losing stop-loss exit as SL', () => {
    const [entry, exit] = toChartData(chart).markers;
    expect(entry).toMatchObject({ time: 1, position: 'atPriceBottom', price: 11, shape: 'arrowUp' });
    expect(exit).toMatchObject({ time: 3, position: 'atPriceMiddle', price: 12, shape: 'circle', text: 'SL', color: '#ff9e80' });
  });
});

describe('nextWindow', () => {
  const extent = { from: 0, to: 1_000_000 };
  it('fetches finer candles when zoomed into aggregated ones, with half a visible width of margin either side', () => {
    const loaded = { window: extent, extent, barsPerCandle: 50, candlesVisible: 100 };
    expect(nextWindow({ from: 400_000, to: 500_000 }, loaded, 1500)).toEqual({ from: 350_000, to: 550_000 });
    expect(nextWindow({ from: 0, to: 1_000_000 }, { ...loaded, candlesVisible: 1500 }, 1500)).toBeNull();
  });

  it('fetches when the view runs past a partial window, not past the data itself', () => {
    const loaded = { window: { from: 300_000, to: 600_000 }, extent, barsPerCandle: 1, candlesVisible: 800 };
    expect(nextWindow({ from: 350_000, to: 550_000 }, loaded, 1500)).toBeNull();
    expect(nextWindow({ from: 250_000, to: 450_000 }, loaded, 1500)).toEqual({ from: 150_000, to: 550_000 });
    expect(nextWindow({ from: -50_000, to: 900_000 }, { ...loaded, window: extent }, 1500)).toBeNull();
  });
});
