import {
  CandlestickSeries,
  createChart,
  createSeriesMarkers,
  HistogramSeries,
  LineSeries,
  type IChartApi,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  type MouseEventParams,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { RunChart } from '../../api.ts';
import { fmtInt, fmtTime } from '../../format.ts';
import { useThemeValue, type Theme } from '../../theme.ts';
import { ChartLegend, type LegendItem } from '../results/ChartLegend.tsx';
import { downColor, nextWindow, toChartData, upColor } from '../results/chart-data.ts';
import { chartOptions, chartPalettes, formatPrice, themeOptions } from '../results/chart-theme.ts';
import { chartMaxBars, useRunChart } from '../results/useRunChart.ts';

interface Handles {
  chart: IChartApi;
  candles: ISeriesApi<'Candlestick'>;
  volume: ISeriesApi<'Histogram'>;
  markers: ISeriesMarkersPluginApi<Time>;
  lines: Map<string, ISeriesApi<'Line'>>;
}

interface Hover {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  trades: string[];
}

/** Colours by series id: overlays and oscillators each walk their own palette, in the server's order. */
function seriesColors(chart: RunChart | null, theme: Theme): Map<string, string> {
  const { overlays: overlayPalette, oscillators: oscillatorPalette } = chartPalettes[theme];
  const colors = new Map<string, string>();
  let o = 0;
  let k = 0;
  for (const s of chart?.series ?? []) colors.set(s.id, s.pane === 'price' ? overlayPalette[o++ % overlayPalette.length]! : oscillatorPalette[k++ % oscillatorPalette.length]!);
  return colors;
}

const reasonText = { signal: 'signal', stopLoss: 'stop-loss', takeProfit: 'take-profit', trailingStop: 'trailing stop' } as const;

/**
 * The run's price as candles, its trades as markers at their fill prices, and the strategy's indicators
 * drawn over the price (or, for oscillators the trader picks, in a pane below). Zooming into aggregated
 * candles, or panning past the loaded window, fetches that window at a finer resolution. A theme change
 * recolours the chart in place, keeping the window and zoom the trader is looking at.
 */
export function PriceChart({ runId }: { runId: string }) {
  const { chart, loading, error, oscillators, load, retry, toggleOscillator, chooseSymbol } = useRunChart(runId);
  const host = useRef<HTMLDivElement>(null);
  const handles = useRef<Handles | null>(null);
  const current = useRef<RunChart | null>(null);
  /** The visible range (UTC seconds) to restore once a fetched window is drawn; null means fit everything. */
  const pendingView = useRef<{ from: UTCTimestamp; to: UTCTimestamp } | null>(null);
  /** Range changes before this time come from our own redraw, not the user. */
  const quietUntil = useRef(0);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const [hover, setHover] = useState<Hover | null>(null);
  const theme = useThemeValue();
  const themeAtCreation = useRef(theme);
  themeAtCreation.current = theme;
  const colors = useMemo(() => seriesColors(chart, theme), [chart, theme]);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const api = createChart(el, chartOptions({ rightPriceScale: { scaleMargins: { top: 0.08, bottom: 0.18 } } }, themeAtCreation.current));
    const candles = api.addSeries(CandlestickSeries, {
      upColor,
      downColor,
      borderUpColor: upColor,
      borderDownColor: downColor,
      wickUpColor: upColor,
      wickDownColor: downColor,
      priceFormat: { type: 'custom', formatter: formatPrice, minMove: 0.000001 },
    });
    const volume = api.addSeries(HistogramSeries, { priceScaleId: 'volume', priceFormat: { type: 'volume' }, lastValueVisible: false, priceLineVisible: false });
    api.priceScale('volume').applyOptions({ scaleMargins: { top: 0.85, bottom: 0 } });
    const markers = createSeriesMarkers(candles, [], { zOrder: 'top' });
    handles.current = { chart: api, candles, volume, markers, lines: new Map() };

    let timer: ReturnType<typeof setTimeout> | undefined;
    const onRange = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const data = current.current;
        const lr = api.timeScale().getVisibleLogicalRange();
        if (!data || !lr || performance.now() < quietUntil.current) return;
        const times = data.candles.map((c) => c.time);
        const n = times.length;
        if (n < 2) return;
        const dt = (times[n - 1]! - times[0]!) / (n - 1);
        const at = (x: number) => (x < 0 ? times[0]! + x * dt : x > n - 1 ? times[n - 1]! + (x - n + 1) * dt : times[Math.round(x)]!);
        const visible = { from: at(lr.from), to: at(lr.to) };
        const candlesVisible = Math.max(0, Math.min(n - 1, Math.floor(lr.to)) - Math.max(0, Math.ceil(lr.from)) + 1);
        const next = nextWindow(visible, { window: data.window, extent: data.extent, barsPerCandle: data.barsPerCandle, candlesVisible }, chartMaxBars);
        if (!next) return;
        pendingView.current = { from: Math.floor(visible.from / 1000) as UTCTimestamp, to: Math.ceil(visible.to / 1000) as UTCTimestamp };
        void load(next);
      }, 250);
    };
    api.timeScale().subscribeVisibleLogicalRangeChange(onRange);

    const onMove = (p: MouseEventParams<Time>) => {
      const bar = p.seriesData.get(candles) as { open?: number; high?: number; low?: number; close?: number } | undefined;
      if (typeof p.time !== 'number' || !bar || bar.open === undefined) return setHover(null);
      const t = p.time * 1000;
      const trades = (current.current?.markers ?? [])
        .filter((m) => m.time === t)
        .map((m) => (m.kind === 'entry' ? `#${m.trade} ${m.side} entry ${formatPrice(m.price)}` : `#${m.trade} exit ${formatPrice(m.price)} (${reasonText[m.reason ?? 'signal']})`));
      setHover({ time: t, open: bar.open, high: bar.high!, low: bar.low!, close: bar.close!, trades });
    };
    api.subscribeCrosshairMove(onMove);
    return () => {
      clearTimeout(timer);
      api.timeScale().unsubscribeVisibleLogicalRangeChange(onRange);
      api.unsubscribeCrosshairMove(onMove);
      handles.current = null;
      api.remove();
    };
  }, [load]);

  // Draw each answer: candles, volume, markers, then the line series it carries values for.
  useEffect(() => {
    const h = handles.current;
    if (!h || !chart) return;
    current.current = chart;
    const data = toChartData(chart);
    quietUntil.current = performance.now() + 400;
    h.candles.setData(data.candles);
    h.volume.setData(data.volume);
    h.markers.setMarkers(data.markers);
    for (const [id, series] of h.lines) {
      if (!data.lines.has(id)) {
        h.chart.removeSeries(series);
        h.lines.delete(id);
      }
    }
    for (const s of chart.series) {
      const line = data.lines.get(s.id);
      if (!line) continue;
      let series = h.lines.get(s.id);
      if (!series) {
        const pane = s.pane === 'price' ? 0 : 1;
        series = h.chart.addSeries(LineSeries, { color: colors.get(s.id), lineWidth: s.pane === 'price' ? 2 : 1, priceLineVisible: false, lastValueVisible: s.pane !== 'price', crosshairMarkerVisible: false, title: '' }, pane);
        h.lines.set(s.id, series);
      }
      series.setData(line);
    }
    const panes = h.chart.panes();
    if (panes.length > 1) {
      panes[0]!.setStretchFactor(3);
      panes[1]!.setStretchFactor(1);
    }
    const view = pendingView.current;
    pendingView.current = null;
    if (view) h.chart.timeScale().setVisibleRange(view);
    else h.chart.timeScale().fitContent();
  }, [chart, colors]);

  useEffect(() => {
    for (const [id, series] of handles.current?.lines ?? []) series.applyOptions({ visible: !hidden.has(id) });
  }, [hidden, chart]);

  // The theme toggled: recolour the axes, grid and indicator lines without rebuilding (the view stays).
  useEffect(() => {
    const h = handles.current;
    if (!h) return;
    h.chart.applyOptions(themeOptions(theme));
    for (const [id, series] of h.lines) series.applyOptions({ color: colors.get(id) });
  }, [theme, colors]);

  const legend: LegendItem[] = (chart?.series ?? []).map((s) => ({
    id: s.id,
    label: s.label,
    color: colors.get(s.id)!,
    pane: s.pane,
    on: s.pane === 'price' ? !hidden.has(s.id) : oscillators.includes(s.id),
  }));
  const toggle = (item: LegendItem) => {
    if (item.pane === 'oscillator') {
      // The refetch must not move the view the trader is looking at.
      const range = handles.current?.chart.timeScale().getVisibleRange();
      if (range && typeof range.from === 'number' && typeof range.to === 'number') pendingView.current = { from: range.from as UTCTimestamp, to: range.to as UTCTimestamp };
      return toggleOscillator(item.id);
    }
    setHidden((prev) => {
      const next = new Set(prev);
      if (next.has(item.id)) next.delete(item.id);
      else next.add(item.id);
      return next;
    });
  };
  /** Back to the whole run: refetched when only part of it is loaded, else just refitted. */
  const resetView = () => {
    pendingView.current = null;
    if (chart && chart.window.bars < chart.extent.bars) void load(undefined);
    else handles.current?.chart.timeScale().fitContent();
  };

  return (
    <div className="price-chart" data-testid="price-chart" data-chart-theme={theme} data-candles={chart?.candles.length ?? 0} data-markers={chart?.markers.length ?? 0} data-bars-per-candle={chart?.barsPerCandle ?? 0} data-loading={loading}>
      <div className="price-chart-bar">
        {chart?.symbols && (
          <label className="price-chart-symbol">
            <span className="muted">Symbol</span>
            <select value={chart.symbol} onChange={(e) => chooseSymbol(e.target.value)} data-testid="chart-symbol" aria-label="Symbol to chart">
              {chart.symbols.map((sym) => (
                <option key={sym} value={sym}>
                  {sym}
                </option>
              ))}
            </select>
          </label>
        )}
        <ChartLegend items={legend} onToggle={toggle} loaded={chart !== undefined && chart !== null} />
        <div className="price-chart-status">
          {loading && chart && <span className="muted">Loading…</span>}
          {chart && (
            <span className="muted mono" data-testid="chart-resolution" title="Candles are aggregated when the window holds more bars than fit; zoom in for finer ones.">
              {chart.barsPerCandle > 1 ? `1 candle = ${fmtInt(chart.barsPerCandle)} bars` : 'every bar'} · {fmtInt(chart.window.bars)} of {fmtInt(chart.extent.bars)} bars
            </span>
          )}
          <button type="button" className="button small ghost" onClick={resetView} disabled={!chart} data-testid="chart-reset" title="Show the whole run">
            Reset zoom
          </button>
        </div>
      </div>
      <div className="price-chart-host" ref={host} data-testid="price-chart-canvas">
        {hover && (
          <div className="price-chart-hover mono" data-testid="chart-hover">
            <span className="muted">{fmtTime(hover.time)}</span>
            <span>
              <span className="muted">O</span> {formatPrice(hover.open)} <span className="muted">H</span> {formatPrice(hover.high)} <span className="muted">L</span> {formatPrice(hover.low)}{' '}
              <span className="muted">C</span> <span className={hover.close >= hover.open ? 'pos' : 'neg'}>{formatPrice(hover.close)}</span>
            </span>
            {hover.trades.map((t) => (
              <span key={t} className="price-chart-trade">
                {t}
              </span>
            ))}
          </div>
        )}
        {!chart && loading && <div className="chart-overlay-state">Loading the price chart…</div>}
        {error && (
          <div className="chart-overlay-state error-text" role="alert" data-testid="chart-error">
            Could not load the chart: {error}
            <button type="button" className="button small" onClick={retry}>
              Retry
            </button>
          </div>
        )}
      </div>
      {chart && chart.markersOmitted > 0 && <div className="chart-footnote muted">{fmtInt(chart.markersOmitted)} more fills in this window are not marked; zoom in to see them.</div>}
    </div>
  );
}
