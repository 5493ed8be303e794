import { AreaSeries, createChart, LineStyle, type AutoscaleInfo } from 'lightweight-charts';
import { useEffect, useRef } from 'react';
import { useThemeValue } from '../../theme.ts';
import { equitySeries } from '../equity-series.ts';
import { chartOptions, chartPalettes } from '../results/chart-theme.ts';
import { drawdownSeries } from '../results/drawdown.ts';

interface Props {
  equity: readonly { time: number; value: number }[];
  initialCash: number;
}

/**
 * The equity curve with the starting cash as a dashed reference line, and under it, in its own pane on
 * the same time axis, the drawdown: how far equity sits below its running peak. Redrawn in the new colours
 * when the theme changes (the curve is always fitted to the box, so nothing the user did is lost).
 */
export function EquityChart({ equity, initialCash }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const theme = useThemeValue();

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const data = equitySeries(equity);
    const drawdown = equitySeries(drawdownSeries(equity).map((p) => ({ time: p.time, value: p.value * 100 })));
    const up = (data.at(-1)?.value ?? initialCash) >= initialCash;
    const line = up ? '#26a69a' : '#ef5350';
    const chart = createChart(
      el,
      chartOptions({
        // A tiny minimum bar spacing lets fitContent show every point of a long curve in a narrow panel.
        // Edges fixed: the curve fills the width exactly, and no time label hangs half outside the chart.
        timeScale: { minBarSpacing: 0.001, fixLeftEdge: true, fixRightEdge: true },
      }, theme),
    );
    const series = chart.addSeries(AreaSeries, {
      lineColor: line,
      topColor: up ? 'rgba(38, 166, 154, 0.28)' : 'rgba(239, 83, 80, 0.28)',
      bottomColor: 'rgba(0, 0, 0, 0)',
      lineWidth: 2,
      priceLineVisible: false,
      title: 'Equity',
      priceFormat: { type: 'custom', formatter: (p: number) => p.toLocaleString('en-US', { maximumFractionDigits: 0 }), minMove: 1 },
      // Keep the starting cash in view so the dashed reference line always shows gain or loss.
      autoscaleInfoProvider: (original: () => AutoscaleInfo | null) => {
        const info = original();
        if (!info?.priceRange) return info;
        const { minValue, maxValue } = info.priceRange;
        return { ...info, priceRange: { minValue: Math.min(minValue, initialCash), maxValue: Math.max(maxValue, initialCash) } };
      },
    });
    series.setData(data);
    series.createPriceLine({ price: initialCash, color: chartPalettes[theme].reference, lineWidth: 1, lineStyle: LineStyle.Dashed, axisLabelVisible: true, title: 'start' });
    const dd = chart.addSeries(
      AreaSeries,
      {
        lineColor: '#ef5350',
        topColor: 'rgba(239, 83, 80, 0.05)',
        bottomColor: 'rgba(239, 83, 80, 0.4)',
        invertFilledArea: true,
        lineWidth: 1,
        priceLineVisible: false,
        title: 'Drawdown',
        priceFormat: { type: 'custom', formatter: (p: number) => `${p.toFixed(1)} %`, minMove: 0.01 },
        // 0 % at the top whatever the data, so a shallow drawdown does not look deep.
        autoscaleInfoProvider: (original: () => AutoscaleInfo | null) => {
          const info = original();
          return info?.priceRange ? { ...info, priceRange: { minValue: Math.min(info.priceRange.minValue, -1), maxValue: 0 } } : info;
        },
      },
      1,
    );
    dd.setData(drawdown);
    chart.panes()[0]?.setStretchFactor(2.6);
    chart.panes()[1]?.setStretchFactor(1);
    // autoSize measures the box after creation; fit again whenever the box changes size.
    const observer = new ResizeObserver(() => requestAnimationFrame(() => chart.timeScale().fitContent()));
    observer.observe(el);
    chart.timeScale().fitContent();
    return () => {
      observer.disconnect();
      chart.remove();
    };
  }, [equity, initialCash, theme]);

  return <div className="equity-chart" ref={container} data-testid="equity-chart" data-chart-theme={theme} />;
}
