import { describe, expect, it } from 'vitest';
import { syntheticBars } from '../../engine/bars.ts';
import { runBacktest } from '../../engine/backtest.ts';
import { Graph } from '../../engine/graph.ts';
import { compileOk, fixture, makeBars } from '../../engine/testing.ts';
import { aggregate, buildRunChart, chartOutputs, evenSamples, isPriceLike, RunChartQuery, tradeMarkers, UnknownSeriesError, windowOf, type StoredTrade } from './run-chart.ts';

const graph = Graph.parse(
  fixture(
    {
      data: { type: 'data.synthetic', params: { seed: 5, bars: 600 } },
      fast: { type: 'indicator.sma', params: { period: 10 } },
      slow: { type: 'indicator.ema', params: { period: 40 } },
      rsi: { type: 'indicator.rsi' },
      cross: { type: 'logic.crossover' },
      order: { type: 'order.targetPercent' },
    },
    ['data.close -> fast.source', 'data.close -> slow.source', 'data.close -> rsi.source', 'fast.value -> cross.a', 'slow.value -> cross.b', 'cross.above -> order.enter', 'cross.below -> order.exit'],
  ),
);

describe('aggregate', () => {
  const bars = makeBars({ close: [10, 12, 11, 13, 9, 14, 15], high: [11, 13, 12, 14, 10, 15, 16], low: [9, 10, 10, 11, 8, 13, 14], volume: [1, 2, 3, 4, 5, 6, 7] });

  it('keeps every bar as its own candle when the window fits', () => {
    const a = aggregate(bars, 0, 7, 10);
    expect(a.barsPerCandle).toBe(1);
    expect(a.candles.map((c) => c.close)).toEqual([10, 12, 11, 13, 9, 14, 15]);
    expect(a.lastBar).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('makes each candle first open, highest high, lowest low, last close and summed volume', () => {
    const a = aggregate(bars, 0, 7, 3);
    expect(a.barsPerCandle).toBe(3);
    expect(a.candles).toEqual([
      { time: bars.time[0], open: bars.open[0], high: 13, low: 9, close: 11, volume: 6 },
      { time: bars.time[3], open: bars.open[3], high: 15, low: 8, close: 14, volume: 15 },
      { time: bars.time[6], open: bars.open[6], high: 16, low: 14, close: 15, volume: 7 },
    ]);
    expect(a.lastBar).toEqual([2, 5, 6]);
    expect([0, 2, 3, 6].map(a.candleOf)).toEqual([0, 0, 1, 2]);
  });

  it('aligns buckets to the data, not the window, and never returns more candles than asked', () => {
    const long = syntheticBars({ seed: 1, bars: 10_000, startPrice: 100, drift: 0, volatility: 0.5, intervalMinutes: 60, startTime: 0 });
    for (const [start, end, max] of [[1, 9999, 100], [37, 5000, 50], [0, 10_000, 1500], [123, 124, 20]] as const) {
      const a = aggregate(long, start, end, max);
      expect(a.candles.length).toBeLessThanOrEqual(max);
      expect(a.candles[0]!.time).toBe(long.time[start]);
      expect(a.lastBar.at(-1)).toBe(end - 1);
      // Every candle but a clipped first one starts on a multiple of the bucket size.
      for (const c of a.candles.slice(1)) expect((c.time / 3_600_000) % a.barsPerCandle).toBe(0);
    }
  });
});

describe('aggregate over a basket symbol with missing bars', () => {
  // Bars 1 and 3–4 are missing (NaN), as in a CSV basket lane with no bar at those times.
  const bars = makeBars({ close: [10, 12, 11, 13, 9, 14, 15], volume: [1, 2, 3, 4, 5, 6, 7] });
  for (const i of [1, 3, 4]) for (const f of ['open', 'high', 'low', 'close', 'volume'] as const) bars[f][i] = NaN;

  it('leaves missing bars out of the candles: a gap, never a NaN candle or a guess', () => {
    const every = aggregate(bars, 0, 7, 10);
    expect(every.candles.map((c) => c.close)).toEqual([10, 11, 14, 15]);
    expect(every.lastBar).toEqual([0, 2, 5, 6]);
    expect([0, 2, 5, 6].map(every.candleOf)).toEqual([0, 1, 2, 3]);
    expect(every.candleOf(3)).toBe(-1);

    const pairs = aggregate(bars, 0, 7, 4);
    expect(pairs.barsPerCandle).toBe(2);
    // Bucket [0, 1]: bar 0 only; [2, 3]: bar 2 only; [4, 5]: bar 5 only; [6]: bar 6.
    expect(pairs.candles.map((c) => [c.open, c.close, c.volume])).toEqual([[bars.open[0], 10, 1], [bars.open[2], 11, 3], [bars.open[5], 14, 6], [bars.open[6], 15, 7]]);
    expect(pairs.candles.every((c) => Number.isFinite(c.high) && Number.isFinite(c.low))).toBe(true);
    expect(pairs.lastBar).toEqual([0, 2, 5, 6]);
  });
});

describe('windowOf', () => {
  const time = new Float64Array([100, 200, 300, 400]);
  it('finds the bars inside [from, to], inclusive of both ends', () => {
    expect(windowOf(time)).toEqual({ start: 0, end: 4 });
    expect(windowOf(time, 200, 300)).toEqual({ start: 1, end: 3 });
    expect(windowOf(time, 150, 350)).toEqual({ start: 1, end: 3 });
    expect(windowOf(time, 500)).toEqual({ start: 4, end: 4 });
    expect(windowOf(time, 300, 100)).toEqual({ start: 2, end: 2 });
  });
});

describe('tradeMarkers', () => {
  const time = new Float64Array([0, 10, 20, 30, 40, 50]);
  const trade = (t: Partial<StoredTrade>): StoredTrade => ({ side: 'long', entryTime: 10, exitTime: 30, entryPrice: 1, exitPrice: 2, pnl: 5, open: false, ...t });

  it('places entries and exits on their candle, sorted, with the exit reason and PnL, and no exit for an open trade', () => {
    const trades = [trade({ entryTime: 40, exitTime: 50, side: 'short', exitReason: 'stopLoss', pnl: -3 }), trade({}), trade({ entryTime: 50, open: true })];
    const { markers, omitted } = tradeMarkers(trades, time, 0, 6, (bar) => Math.floor(bar / 2) * 20);
    expect(omitted).toBe(0);
    expect(markers).toEqual([
      { time: 0, barTime: 10, kind: 'entry', side: 'long', price: 1, trade: 2 },
      { time: 20, barTime: 30, kind: 'exit', side: 'long', price: 2, trade: 2, reason: 'signal', pnl: 5 },
      { time: 40, barTime: 40, kind: 'entry', side: 'short', price: 1, trade: 1 },
      { time: 40, barTime: 50, kind: 'exit', side: 'short', price: 2, trade: 1, reason: 'stopLoss', pnl: -3 },
      { time: 40, barTime: 50, kind: 'entry', side: 'long', price: 1, trade: 3 },
    ]);
  });

  it('leaves out fills outside the window and counts what the cap drops', () => {
    const { markers } = tradeMarkers([trade({ entryTime: 0, exitTime: 50 })], time, 1, 5, (bar) => time[bar]!);
    expect(markers).toEqual([]);
    const many = Array.from({ length: 3 }, () => trade({}));
    const capped = tradeMarkers(many, time, 0, 6, (bar) => time[bar]!, 4);
    expect(capped.markers).toHaveLength(4);
    expect(capped.omitted).toBe(2);
  });
});

describe('series', () => {
  it('offers indicator outputs but not the data source, conditions or orders, labelled for a trader', () => {
    const plan = compileOk(graph);
    const outputs = chartOutputs(plan, graph.nodes);
    expect(outputs.map((o) => [o.id, o.label, o.kind])).toEqual([
      ['fast.value', 'SMA (10)', 'number'],
      ['slow.value', 'EMA (40)', 'number'],
      ['rsi.value', 'RSI (14)', 'number'],
    ]);
  });

  it('tells a price-like series from an oscillator by its values', () => {
    const closes = [100, 101, 99, 102, 98];
    expect(isPriceLike([99, 100, 100, 101, 99], closes)).toBe(true);
    expect(isPriceLike([55, 60, 45, 70, 30], closes)).toBe(false);
    expect(isPriceLike([NaN, NaN], [1, 2])).toBe(false);
    expect(evenSamples(0, 5, 10)).toEqual([0, 1, 2, 3, 4]);
    expect(evenSamples(10, 110, 3)).toEqual([10, 59, 109]);
  });
});

describe('buildRunChart', () => {
  it('draws the moving averages over the candles, keeps RSI for its own pane until asked, and marks every trade of the run', async () => {
    const plan = compileOk(graph);
    const bars = syntheticBars({ seed: 5, bars: 600, startPrice: 100, drift: 0.05, volatility: 0.6, intervalMinutes: 60, startTime: Date.UTC(2024, 0, 1) });
    const result = await runBacktest(plan, bars);
    expect(result.trades.length).toBeGreaterThan(2);
    const query = RunChartQuery.parse({ maxBars: '200' });
    const { chart, panes } = buildRunChart({ runId: crypto.randomUUID(), plan, graphNodes: graph.nodes, bars, trades: result.trades, query });
    expect(chart.barsPerCandle).toBe(3);
    expect(chart.candles).toHaveLength(200);
    expect(chart.extent).toEqual({ from: bars.time[0], to: bars.time[599], bars: 600 });
    expect(Object.fromEntries(chart.series.map((s) => [s.id, s.pane]))).toEqual({ 'fast.value': 'price', 'slow.value': 'price', 'rsi.value': 'oscillator' });
    expect(chart.series.find((s) => s.id === 'rsi.value')!.values).toBeNull();
    const fast = chart.series.find((s) => s.id === 'fast.value')!.values!;
    expect(fast).toHaveLength(200);
    // SMA(10) is undefined for the first 9 bars: the first candle (bars 0–2) … the third (6–8) have none.
    expect(fast.slice(0, 3)).toEqual([null, null, null]);
    const closes = [...bars.close];
    expect(fast[10]).toBeCloseTo(closes.slice(23, 33).reduce((a, b) => a + b) / 10, 9);
    const closed = result.trades.filter((t) => !t.open).length;
    expect(chart.markers.filter((m) => m.kind === 'entry')).toHaveLength(result.trades.length);
    expect(chart.markers.filter((m) => m.kind === 'exit')).toHaveLength(closed);
    const candleTimes = new Set(chart.candles.map((c) => c.time));
    expect(chart.markers.every((m) => candleTimes.has(m.time))).toBe(true);

    // A later window with RSI asked for, reusing the panes: RSI values arrive, bounded 0–100.
    const later = buildRunChart({ runId: chart.runId, plan, graphNodes: graph.nodes, bars, trades: result.trades, query: RunChartQuery.parse({ from: String(bars.time[300]), to: String(bars.time[399]), oscillators: 'rsi.value' }), panes });
    expect(later.chart.barsPerCandle).toBe(1);
    expect(later.chart.window).toEqual({ from: bars.time[300], to: bars.time[399], bars: 100 });
    const rsi = later.chart.series.find((s) => s.id === 'rsi.value')!.values!;
    expect(rsi).toHaveLength(100);
    expect(rsi.every((v) => v !== null && v >= 0 && v <= 100)).toBe(true);
    expect(() => buildRunChart({ runId: chart.runId, plan, graphNodes: graph.nodes, bars, trades: [], query: RunChartQuery.parse({ oscillators: 'nope.value' }) })).toThrow(UnknownSeriesError);
  });

  it('leaves out an output that never has a value, such as a take-profit level the strategy never sets', () => {
    const withStops = Graph.parse(
      fixture(
        {
          data: { type: 'data.synthetic', params: { seed: 5, bars: 300 } },
          fast: { type: 'indicator.sma', params: { period: 5 } },
          slow: { type: 'indicator.sma', params: { period: 20 } },
          cross: { type: 'logic.crossover' },
          order: { type: 'order.targetPercent' },
          stops: { type: 'risk.stopTakeProfit', params: { stopLoss: 3 } },
        },
        ['data.close -> fast.source', 'data.close -> slow.source', 'fast.value -> cross.a', 'slow.value -> cross.b', 'cross.above -> order.enter', 'cross.below -> order.exit', 'order.order -> stops.order'],
      ),
    );
    const plan = compileOk(withStops);
    const bars = syntheticBars({ seed: 5, bars: 300, startPrice: 100, drift: 0, volatility: 0.6, intervalMinutes: 60, startTime: 0 });
    const { chart, panes } = buildRunChart({ runId: crypto.randomUUID(), plan, graphNodes: withStops.nodes, bars, trades: [], query: RunChartQuery.parse({}) });
    expect(panes.get('stops.takeProfit')).toBe('none');
    expect(panes.get('stops.stopLoss')).toBe('price');
    expect(chart.series.map((s) => s.id)).not.toContain('stops.takeProfit');
  });
});
