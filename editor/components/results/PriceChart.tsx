import { lazyChart } from '../charts/lazy-chart.tsx';

/** The run's candles, trades and indicators (charts/PriceChart.tsx), loaded with the chart library on first use. */
export const PriceChart = lazyChart(() => import('../charts/PriceChart.tsx').then((m) => m.PriceChart), 'price-chart');
