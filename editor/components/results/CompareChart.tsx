import { lazyChart } from '../charts/lazy-chart.tsx';

/** One run's curve on the comparison chart. */
export interface CompareCurve {
  label: string;
  color: string;
  equity: readonly { time: number; value: number }[];
}

/** Equity curves as returns on one scale (charts/CompareChart.tsx), loaded with the chart library on first use. */
export const CompareChart = lazyChart(() => import('../charts/CompareChart.tsx').then((m) => m.CompareChart), 'compare-chart');
