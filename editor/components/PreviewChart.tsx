import type { LineData, UTCTimestamp, WhitespaceData } from 'lightweight-charts';
import type { Theme } from '../theme.ts';
import { lazyChart } from './charts/lazy-chart.tsx';
import { chartPalettes } from './results/chart-theme-colors.ts';

/** Line colours of a node's outputs in the theme, in port order; the close is drawn muted beneath them. */
export function previewColors(theme: Theme): readonly string[] {
  return chartPalettes[theme].preview;
}

type Point = LineData<UTCTimestamp> | WhitespaceData<UTCTimestamp>;

/** One series' points: a gap (whitespace) where the value is undefined, so warm-up shows as no line. */
export function toPoints(time: readonly number[], values: readonly (number | null)[]): Point[] {
  return time.map((t, i) => {
    const v = values[i];
    const at = Math.floor(t / 1000) as UTCTimestamp;
    return v === null || v === undefined ? { time: at } : { time: at, value: v };
  });
}

/** A node's outputs over the close (charts/PreviewChart.tsx), loaded with the chart library on first use. */
export const PreviewChart = lazyChart(() => import('./charts/PreviewChart.tsx').then((m) => m.PreviewChart), 'preview-chart');
