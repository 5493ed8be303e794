import type { CandlestickData, HistogramData, LineData, SeriesMarker, UTCTimestamp, WhitespaceData } from 'lightweight-charts';
import type { RunChart } from '../../api.ts';

/** Candle colours, the same in both themes (traders read them as green and red everywhere). */
export const upColor = '#26a69a';
export const downColor = '#ef5350';

const sec = (ms: number) => Math.floor(ms / 1000) as UTCTimestamp;

export interface ChartData {
  candles: CandlestickData<UTCTimestamp>[];
  volume: HistogramData<UTCTimestamp>[];
  /** Line data per series id (only series whose values were sent); gaps are whitespace points. */
  lines: Map<string, (LineData<UTCTimestamp> | WhitespaceData<UTCTimestamp>)[]>;
  markers: SeriesMarker<UTCTimestamp>[];
}

const exitText = { signal: '', stopLoss: 'SL', takeProfit: 'TP', trailingStop: 'TS' } as const;

/**
 * The server's chart in lightweight-charts' shapes: times in UTC seconds, strictly ascending (the
 * library throws on a repeated time, so a candle sharing a second with the one before is dropped along
 * with its series values), markers at the fill price, coloured by side for entries and by PnL for exits.
 */
export function toChartData(chart: RunChart): ChartData {
  const keep: number[] = [];
  let last = -Infinity;
  chart.candles.forEach((c, i) => {
    const t = sec(c.time);
    if (t > last) {
      keep.push(i);
      last = t;
    }
  });
  const candles = keep.map((i) => {
    const c = chart.candles[i]!;
    return { time: sec(c.time), open: c.open, high: c.high, low: c.low, close: c.close };
  });
  const volume = keep.map((i) => {
    const c = chart.candles[i]!;
    return { time: sec(c.time), value: c.volume, color: c.close >= c.open ? 'rgba(38, 166, 154, 0.35)' : 'rgba(239, 83, 80, 0.35)' };
  });
  const lines = new Map<string, (LineData<UTCTimestamp> | WhitespaceData<UTCTimestamp>)[]>();
  for (const s of chart.series) {
    if (!s.values) continue;
    const values = s.values;
    lines.set(
      s.id,
      keep.map((i) => {
        const v = values[i];
        const time = sec(chart.candles[i]!.time);
        return v === null || v === undefined ? { time } : { time, value: v };
      }),
    );
  }
  const markers: SeriesMarker<UTCTimestamp>[] = chart.markers.map((m) => {
    const long = m.side === 'long';
    if (m.kind === 'entry') {
      return {
        time: sec(m.time),
        position: long ? 'atPriceBottom' : 'atPriceTop',
        price: m.price,
        shape: long ? 'arrowUp' : 'arrowDown',
        color: long ? '#2bd9c6' : '#ff6e6b',
        id: `e${m.trade}`,
      };
    }
    const win = (m.pnl ?? 0) > 0;
    return {
      time: sec(m.time),
      position: 'atPriceMiddle',
      price: m.price,
      shape: 'circle',
      color: win ? '#7ee2b8' : '#ff9e80',
      text: exitText[m.reason ?? 'signal'],
      id: `x${m.trade}`,
    };
  });
  return { candles, volume, lines, markers };
}

export interface TimeWindow {
  from: number;
  to: number;
}

/**
 * Whether the chart should fetch another window after the user zoomed or panned, and which: when the
 * visible part of aggregated candles has become too few candles (zoomed in: get finer candles), or when
 * the view runs past the loaded window while the run has more bars there (panned or zoomed out). The
 * window fetched is the visible range plus one visible width either side, so small pans need no fetch.
 * Times are epoch ms; `visible` may extend past the data on either side.
 */
export function nextWindow(visible: TimeWindow, loaded: { window: TimeWindow; extent: TimeWindow; barsPerCandle: number; candlesVisible: number }, maxBars: number): TimeWindow | null {
  const width = Math.max(1, visible.to - visible.from);
  const want = { from: Math.max(loaded.extent.from, visible.from - width / 2), to: Math.min(loaded.extent.to, visible.to + width / 2) };
  if (want.to <= want.from) return null;
  const tooCoarse = loaded.barsPerCandle > 1 && loaded.candlesVisible < maxBars / 4;
  const pastLeft = visible.from < loaded.window.from && loaded.window.from > loaded.extent.from;
  const pastRight = visible.to > loaded.window.to && loaded.window.to < loaded.extent.to;
  return tooCoarse || pastLeft || pastRight ? want : null;
}
