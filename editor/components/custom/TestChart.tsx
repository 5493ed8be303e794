import { createChart, LineSeries, type LineData, type UTCTimestamp, type WhitespaceData } from 'lightweight-charts';
import { useEffect, useRef } from 'react';
import type { CustomNodeTestResult } from '../../api.ts';
import { useThemeValue } from '../../theme.ts';
import { chartOptions, chartPalettes } from '../results/chart-theme.ts';

/** One colour per output, after the close's grey. */
const palette = ['#3d8bfd', '#ffb74d', '#26a69a', '#f06292', '#9575cd', '#4fc3f7', '#e57373', '#aed581'];

/** Whether an output moves with the close and belongs on its scale: a price port, or numbers of the same size. */
function tracksPrice(values: readonly (number | null)[], close: readonly number[], kind: string): boolean {
  if (kind === 'price') return true;
  if (kind === 'bool') return false;
  let near = 0;
  let seen = 0;
  for (let i = 0; i < values.length; i += Math.max(1, Math.floor(values.length / 50))) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    seen++;
    if (Math.abs(v - close[i]!) <= Math.abs(close[i]!) * 0.5) near++;
  }
  return seen > 0 && near / seen > 0.8;
}

/**
 * The test run drawn next to the code: the sample close, outputs that track it on the same pane, the
 * others (oscillators, conditions) on a pane below.
 */
export function TestChart({ result }: { result: CustomNodeTestResult }) {
  const host = useRef<HTMLDivElement>(null);
  const theme = useThemeValue();

  // One chart per result (and theme): a new test draws from scratch, and the chart goes with the component.
  useEffect(() => {
    const chart = createChart(host.current!, chartOptions({ timeScale: { timeVisible: true } }, theme));
    const time = result.time.map((t) => Math.floor(t / 1000) as UTCTimestamp);
    const close = chart.addSeries(LineSeries, { color: chartPalettes[theme].muted, lineWidth: 1, priceLineVisible: false, lastValueVisible: false, title: 'close' });
    close.setData(result.close.map((v, i) => ({ time: time[i]!, value: v })));
    let lower = false;
    result.outputs.forEach((o, k) => {
      const pane = tracksPrice(o.values, result.close, o.kind) ? 0 : 1;
      lower ||= pane === 1;
      const s = chart.addSeries(LineSeries, { color: palette[k % palette.length], lineWidth: 2, priceLineVisible: false, title: o.port }, pane);
      // Bars without a value (warm-up, NaN) are whitespace, so the line starts where the output does.
      s.setData(o.values.map((v, i): LineData | WhitespaceData => (v === null ? { time: time[i]! } : { time: time[i]!, value: v })));
    });
    if (lower) chart.panes()[1]?.setHeight(Math.round((host.current?.clientHeight ?? 340) * 0.4));
    chart.timeScale().fitContent();
    return () => chart.remove();
  }, [result, theme]);

  return <div className="custom-test-chart" ref={host} data-testid="custom-test-chart" data-chart-theme={theme} />;
}
