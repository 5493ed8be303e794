import { createChart, LineSeries, LineStyle } from 'lightweight-charts';
import { useEffect, useRef } from 'react';
import { equitySeries } from '../equity-series.ts';
import { chartOptions } from './chart-theme.ts';
import { returnSeries } from './drawdown.ts';

export interface CompareCurve {
  label: string;
  color: string;
  equity: readonly { time: number; value: number }[];
}

/**
 * Two (or more) equity curves on one chart, each as its return since its own start, so runs with
 * different cash or data lengths still read on one scale.
 */
export function CompareChart({ curves }: { curves: readonly CompareCurve[] }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const chart = createChart(
      el,
      chartOptions({
        timeScale: { minBarSpacing: 0.001 },
        localization: { priceFormatter: (p: number) => `${p >= 0 ? '+' : ''}${p.toFixed(1)} %` },
      }),
    );
    curves.forEach((c, i) => {
      const series = chart.addSeries(LineSeries, { color: c.color, lineWidth: 2, priceLineVisible: false, title: c.label, lastValueVisible: true });
      series.setData(equitySeries(returnSeries(c.equity).map((p) => ({ time: p.time, value: p.value * 100 }))));
      if (i === 0) series.createPriceLine({ price: 0, color: '#5d6878', lineWidth: 1, lineStyle: LineStyle.Dashed, axisLabelVisible: false, title: '' });
    });
    chart.timeScale().fitContent();
    const observer = new ResizeObserver(() => requestAnimationFrame(() => chart.timeScale().fitContent()));
    observer.observe(el);
    return () => {
      observer.disconnect();
      chart.remove();
    };
  }, [curves]);
  return <div className="compare-chart" ref={host} data-testid="compare-chart" />;
}
