import { AreaSeries, ColorType, createChart, LineStyle, type AutoscaleInfo } from 'lightweight-charts';
import { useEffect, useRef } from 'react';
import { equitySeries } from './equity-series.ts';

interface Props {
  equity: readonly { time: number; value: number }[];
  initialCash: number;
}

/** The equity curve, drawn by lightweight-charts, with the starting cash as a dashed reference line. */
export function EquityChart({ equity, initialCash }: Props) {
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const data = equitySeries(equity);
    const up = (data.at(-1)?.value ?? initialCash) >= initialCash;
    const line = up ? '#26a69a' : '#ef5350';
    const chart = createChart(el, {
      autoSize: true,
      layout: {
        background: { type: ColorType.Solid, color: 'transparent' },
        textColor: '#8a94a3',
        fontSize: 11,
        fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
      },
      grid: { vertLines: { color: '#1d232b' }, horzLines: { color: '#1d232b' } },
      rightPriceScale: { borderColor: '#252c36' },
      // A tiny minimum bar spacing lets fitContent show every point of a long curve in a narrow panel.
      // Edges fixed: the curve fills the width exactly, and no time label hangs half outside the chart.
      timeScale: { borderColor: '#252c36', timeVisible: true, secondsVisible: false, minBarSpacing: 0.001, fixLeftEdge: true, fixRightEdge: true },
      crosshair: { vertLine: { labelBackgroundColor: '#2b3340' }, horzLine: { labelBackgroundColor: '#2b3340' } },
      localization: { priceFormatter: (p: number) => p.toLocaleString('en-US', { maximumFractionDigits: 0 }) },
    });
    const series = chart.addSeries(AreaSeries, {
      lineColor: line,
      topColor: up ? 'rgba(38, 166, 154, 0.28)' : 'rgba(239, 83, 80, 0.28)',
      bottomColor: 'rgba(0, 0, 0, 0)',
      lineWidth: 2,
      priceLineVisible: false,
      // Keep the starting cash in view so the dashed reference line always shows gain or loss.
      autoscaleInfoProvider: (original: () => AutoscaleInfo | null) => {
        const info = original();
        if (!info?.priceRange) return info;
        const { minValue, maxValue } = info.priceRange;
        return { ...info, priceRange: { minValue: Math.min(minValue, initialCash), maxValue: Math.max(maxValue, initialCash) } };
      },
    });
    series.setData(data);
    series.createPriceLine({ price: initialCash, color: '#5d6878', lineWidth: 1, lineStyle: LineStyle.Dashed, axisLabelVisible: true, title: 'start' });
    // autoSize measures the box after creation; fit again whenever the box changes size.
    const observer = new ResizeObserver(() => requestAnimationFrame(() => chart.timeScale().fitContent()));
    observer.observe(el);
    chart.timeScale().fitContent();
    return () => {
      observer.disconnect();
      chart.remove();
    };
  }, [equity, initialCash]);

  return <div className="equity-chart" ref={container} data-testid="equity-chart" />;
}
