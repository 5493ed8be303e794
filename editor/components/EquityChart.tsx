import { lazyChart } from './charts/lazy-chart.tsx';

/**
 * The equity curve over its drawdown (charts/EquityChart.tsx), loaded with the chart library on first use.
 */
export const EquityChart = lazyChart(() => import('./charts/EquityChart.tsx').then((m) => m.EquityChart), 'equity-chart');
