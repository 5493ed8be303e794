import { createChart, LineSeries, LineStyle } from 'lightweight-charts';
import { useEffect, useRef } from 'react';
import { fmtPercent } from '../../format.ts';
import { useThemeValue } from '../../theme.ts';
import { equitySeries } from '../equity-series.ts';
import type { CompareCurve } from '../results/CompareChart.tsx';
import { chartOptions, chartPalettes } from '../results/chart-theme.ts';
import { returnSeries } from '../results/drawdown.ts';

/**
 * Two (or more) equity curves on one chart, each as its return since its own start, so runs with
 * different cash or data lengths still read on one scale. Rebuilt in the new colours on a theme change.
 */
export function CompareChart({ curves }: { curves: readonly CompareCurve[] }) {
  const host = useRef<HTMLDivElement>(null);
  const theme = useThemeValue();
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const chart = createChart(
      el,
      chartOptions({
        timeScale: { minBarSpacing: 0.001 },
        localization: { priceFormatter: (p: number) => fmtPercent(p, 1, true) },
      }, theme),
    );
    curves.forEach((c, i) => {
      const series = chart.addSeries(LineSeries, { color: c.color, lineWidth: 2, priceLineVisible: false, title: c.label, lastValueVisible: true });
      series.setData(equitySeries(returnSeries(c.equity).map((p) => ({ time: p.time, value: p.value * 100 }))));
      if (i === 0) series.createPriceLine({ price: 0, color: chartPalettes[theme].reference, lineWidth: 1, lineStyle: LineStyle.Dashed, axisLabelVisible: false, title: '' });
    });
    chart.timeScale().fitContent();
    const observer = new ResizeObserver(() => requestAnimationFrame(() => chart.timeScale().fitContent()));
    observer.observe(el);
    return () => {
      observer.disconnect();
      chart.remove();
    };
  }, [curves, theme]);
  return <div className="compare-chart" ref={host} data-testid="compare-chart" data-chart-theme={theme} />;
}
