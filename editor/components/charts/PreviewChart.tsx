import { ColorType, createChart, LineSeries, LineType } from 'lightweight-charts';
import { useEffect, useRef } from 'react';
import type { Preview } from '../../api.ts';
import type { Theme } from '../../theme.ts';
import { previewColors, toPoints } from '../PreviewChart.tsx';

/** A colour from the theme's CSS variables, read when the chart is built (the chart library wants strings). */
const cssVar = (name: string, fallback: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

/**
 * The preview chart: the close, with price-like outputs over it, and every other output below in a
 * pane of its own (conditions as 0/1 steps). Rebuilt when the preview or the theme changes.
 */
export function PreviewChart({ preview, theme }: { preview: Preview; theme: Theme }) {
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const text = cssVar('--muted', '#8792a2');
    const grid = cssVar('--chart-grid', '#1a2028');
    const border = cssVar('--border', '#222932');
    const chart = createChart(el, {
      autoSize: true,
      layout: {
        background: { type: ColorType.Solid, color: 'transparent' },
        textColor: text,
        fontSize: 10,
        fontFamily: cssVar('--font', 'system-ui, sans-serif'),
        attributionLogo: false,
        panes: { separatorColor: border, separatorHoverColor: border, enableResize: false },
      },
      grid: { vertLines: { visible: false }, horzLines: { color: grid } },
      rightPriceScale: { borderColor: border, minimumWidth: 48 },
      timeScale: { borderColor: border, timeVisible: true, secondsVisible: false, fixLeftEdge: true, fixRightEdge: true, minBarSpacing: 0.01 },
      handleScroll: false,
      handleScale: false,
      crosshair: { vertLine: { labelBackgroundColor: border }, horzLine: { labelBackgroundColor: border } },
    });
    const palette = previewColors(theme);
    const close = chart.addSeries(LineSeries, { color: cssVar('--faint', '#5d6878'), lineWidth: 1, priceLineVisible: false, lastValueVisible: false });
    close.setData(toPoints(preview.time, preview.close));

    // Conditions share one pane and numbers another: a 0/1 step beside an oscillator would flatten it.
    const paneOf = new Map<string, number>();
    let panes = 0;
    preview.outputs.forEach((o, i) => {
      const group = o.pane === 'price' ? 'price' : o.kind;
      let pane = group === 'price' ? 0 : paneOf.get(group);
      if (pane === undefined) paneOf.set(group, (pane = ++panes));
      const series = chart.addSeries(
        LineSeries,
        {
          color: palette[i % palette.length],
          lineWidth: 2,
          lineType: o.kind === 'bool' ? LineType.WithSteps : LineType.Simple,
          priceLineVisible: false,
          // The legend under the chart names the series; axis labels stay numbers only, so they never overlap.
          lastValueVisible: false,
          ...(o.kind === 'bool' ? { autoscaleInfoProvider: () => ({ priceRange: { minValue: -0.1, maxValue: 1.1 } }) } : {}),
        },
        pane,
      );
      series.setData(toPoints(preview.time, o.values));
    });
    const all = chart.panes();
    all[0]?.setStretchFactor(panes === 0 ? 1 : 2);
    for (let i = 1; i < all.length; i++) all[i]?.setStretchFactor(1);
    chart.timeScale().fitContent();
    const observer = new ResizeObserver(() => requestAnimationFrame(() => chart.timeScale().fitContent()));
    observer.observe(el);
    return () => {
      observer.disconnect();
      chart.remove();
    };
  }, [preview, theme]);

  return <div className="preview-chart" ref={container} data-testid="preview-chart" data-chart-theme={theme} />;
}
