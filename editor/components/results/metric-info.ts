import type { Metrics } from '../../../engine/metrics.ts';
import { fmtInt, fmtMoney, fmtNumber, fmtPercent } from '../../format.ts';

export type MetricKey = Exclude<keyof Metrics, 'periodsPerYear'>;

export interface MetricInfo {
  key: MetricKey;
  label: string;
  group: 'Returns' | 'Risk' | 'Trading' | 'Benchmark';
  /** What the figure means, for a trader, shown as its tooltip. */
  help: string;
  /** Which direction is an improvement when two runs are compared; null when neither is. */
  better: 'higher' | 'lower' | null;
  format: (v: number | null, m: Metrics) => string;
  /** How to write the difference between two runs. */
  delta: (d: number) => string;
}

const pct = (v: number | null) => fmtPercent(v, 2);
const signedPct = (v: number | null) => fmtPercent(v, 2, true);
const pts = (d: number) => `${d > 0 ? '+' : d < 0 ? '−' : ''}${fmtNumber(Math.abs(d), 2)} pp`;
const num = (d: number) => `${d > 0 ? '+' : d < 0 ? '−' : ''}${fmtNumber(Math.abs(d), 2)}`;
const money = (d: number) => `${d > 0 ? '+' : ''}${fmtMoney(d, 0)}`;
const bars = (d: number) => `${d > 0 ? '+' : d < 0 ? '−' : ''}${fmtInt(Math.abs(d))} bars`;

/** Every metric the engine reports, in reading order, with how to show it and what it means. */
export const metricInfo: readonly MetricInfo[] = [
  { key: 'totalReturn', label: 'Total return', group: 'Returns', better: 'higher', format: signedPct, delta: pts, help: 'Final equity over the initial cash, minus one.' },
  { key: 'cagr', label: 'CAGR', group: 'Returns', better: 'higher', format: signedPct, delta: pts, help: 'Compound annual growth rate: the yearly return that compounds to the total return. Blank under one month of data.' },
  { key: 'finalEquity', label: 'Final equity', group: 'Returns', better: 'higher', format: (v) => fmtMoney(v, 0), delta: money, help: 'Cash plus open positions marked at the last close, in quote currency.' },
  { key: 'expectancy', label: 'Expectancy', group: 'Returns', better: 'higher', format: (v) => fmtMoney(v, 2), delta: money, help: 'Average net PnL per closed trade, in quote currency.' },
  { key: 'sharpe', label: 'Sharpe ratio', group: 'Risk', better: 'higher', format: (v) => fmtNumber(v, 2), delta: num, help: 'Mean per-bar return over its standard deviation, annualised, risk-free rate 0. Above 1 is good, above 2 rare.' },
  { key: 'sortino', label: 'Sortino ratio', group: 'Risk', better: 'higher', format: (v) => fmtNumber(v, 2), delta: num, help: 'Like Sharpe, but only losing bars count as risk (downside deviation).' },
  { key: 'calmar', label: 'Calmar ratio', group: 'Risk', better: 'higher', format: (v) => fmtNumber(v, 2), delta: num, help: 'CAGR over maximum drawdown: return earned per unit of worst loss.' },
  { key: 'volatility', label: 'Volatility', group: 'Risk', better: 'lower', format: pct, delta: pts, help: 'Annualised standard deviation of per-bar returns.' },
  { key: 'maxDrawdown', label: 'Max drawdown', group: 'Risk', better: 'lower', format: (v) => fmtPercent(v === null || v === 0 ? v : -v, 2), delta: (d) => pts(-d), help: 'Deepest fall of equity from a previous peak.' },
  { key: 'maxDrawdownBars', label: 'Longest drawdown', group: 'Risk', better: 'lower', format: (v) => (v === null ? '—' : `${fmtInt(v)} bars`), delta: bars, help: 'Longest stretch of bars spent below a previous equity peak.' },
  { key: 'var95', label: 'VaR 95 %', group: 'Risk', better: 'lower', format: pct, delta: pts, help: 'Historical value at risk of one bar: the loss exceeded on only 5 % of bars.' },
  { key: 'cvar95', label: 'CVaR 95 %', group: 'Risk', better: 'lower', format: pct, delta: pts, help: 'Expected shortfall: the average loss on the worst 5 % of bars.' },
  { key: 'trades', label: 'Trades', group: 'Trading', better: null, format: (v) => fmtInt(v ?? NaN), delta: (d) => `${d > 0 ? '+' : d < 0 ? '−' : ''}${fmtInt(Math.abs(d))}`, help: 'Closed round trips. A trade still open at the end is not counted.' },
  { key: 'winRate', label: 'Win rate', group: 'Trading', better: 'higher', format: (v) => fmtPercent(v, 1), delta: pts, help: 'Share of closed trades with a positive net PnL; break-even trades are neither.' },
  { key: 'profitFactor', label: 'Profit factor', group: 'Trading', better: 'higher', format: (v) => fmtNumber(v, 2), delta: num, help: 'Gross winning PnL over gross losing PnL. Above 1 makes money; blank when no trade lost.' },
  { key: 'exposure', label: 'Exposure', group: 'Trading', better: null, format: (v) => fmtPercent(v, 1), delta: pts, help: 'Share of bars with a position held.' },
  { key: 'turnover', label: 'Turnover', group: 'Trading', better: null, format: (v) => (v === null ? '—' : `${fmtNumber(v, 2)}×/yr`), delta: num, help: 'Traded notional per year as a multiple of average equity.' },
  { key: 'commissionPaid', label: 'Commission paid', group: 'Trading', better: 'lower', format: (v) => fmtMoney(v, 2), delta: money, help: 'Total commission over all fills, in quote currency.' },
  { key: 'benchmarkReturn', label: 'Buy and hold', group: 'Benchmark', better: null, format: signedPct, delta: pts, help: 'Return of simply holding the traded symbol over the same bars.' },
  { key: 'alpha', label: 'Alpha', group: 'Benchmark', better: 'higher', format: signedPct, delta: pts, help: 'Annualised return not explained by exposure to the symbol itself (Jensen’s alpha, risk-free 0).' },
  { key: 'beta', label: 'Beta', group: 'Benchmark', better: null, format: (v) => fmtNumber(v, 2), delta: num, help: 'Sensitivity of per-bar returns to the symbol’s: 1 moves with it, 0 ignores it.' },
];

/** A metric's value, or null when the run did not report it (older runs lack the newer metrics). */
export function metricValue(m: Metrics, key: MetricKey): number | null {
  const v = (m as unknown as Record<string, unknown>)[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export type DeltaTone = 'better' | 'worse' | 'same' | 'neutral';

/** How run B differs from run A on one metric, and whether that is an improvement. */
export function compareMetric(info: MetricInfo, a: Metrics, b: Metrics): { delta: number | null; tone: DeltaTone } {
  const x = metricValue(a, info.key);
  const y = metricValue(b, info.key);
  if (x === null || y === null) return { delta: null, tone: 'neutral' };
  const delta = y - x;
  // Differences below display precision are noise, not a change.
  if (Math.abs(delta) < 1e-9 * Math.max(1, Math.abs(x))) return { delta: 0, tone: 'same' };
  if (info.better === null) return { delta, tone: 'neutral' };
  return { delta, tone: (delta > 0) === (info.better === 'higher') ? 'better' : 'worse' };
}
