import type { Trade } from './broker.ts';

export interface Metrics {
  /** Percent. */
  totalReturn: number;
  /** Compound annual growth, percent; null when the data spans too little time to annualise honestly. */
  cagr: number | null;
  /** Annualised volatility of per-bar returns, percent. */
  volatility: number;
  /** Annualised, risk-free rate 0; null when returns never vary. */
  sharpe: number | null;
  sortino: number | null;
  /** Deepest peak-to-trough fall of equity, percent (a positive number). */
  maxDrawdown: number;
  /** Longest stretch below a previous equity peak, in bars. */
  maxDrawdownBars: number;
  trades: number;
  /** Percent of closed trades with positive PnL; null without closed trades. */
  winRate: number | null;
  profitFactor: number | null;
  /** Percent of bars with a position held. */
  exposure: number;
  finalEquity: number;
  commissionPaid: number;
  /** Bars per year used to annualise, inferred from the median bar spacing. */
  periodsPerYear: number;
}

const yearMs = 365.25 * 24 * 3600 * 1000;

/**
 * Performance figures from the per-bar equity curve and the closed trades. Annualisation uses the
 * median spacing of bar times on a calendar year, so minute, hourly and daily data are all handled the
 * same way (daily stock data with weekend gaps counts as 365.25 calendar days: documented in docs/engine.md).
 */
export function computeMetrics(equity: Float64Array, time: Float64Array, trades: Trade[], initialCash: number, exposedBars: number, commissionPaid: number): Metrics {
  const n = equity.length;
  const final = n ? equity[n - 1]! : initialCash;
  const spacing = medianSpacing(time);
  const periodsPerYear = spacing > 0 ? yearMs / spacing : 252;

  // Per-bar returns, starting from the initial cash so the first bar's move counts.
  let sum = 0;
  let sumSq = 0;
  let downSq = 0;
  let prev = initialCash;
  for (let i = 0; i < n; i++) {
    const r = equity[i]! / prev - 1;
    sum += r;
    sumSq += r * r;
    if (r < 0) downSq += r * r;
    prev = equity[i]!;
  }
  const mean = n ? sum / n : 0;
  const variance = n > 1 ? (sumSq - n * mean * mean) / (n - 1) : 0;
  const sd = Math.sqrt(Math.max(variance, 0));
  const downside = n ? Math.sqrt(downSq / n) : 0;

  let peak = initialCash;
  let maxDd = 0;
  let underSince = -1;
  let longestUnder = 0;
  for (let i = 0; i < n; i++) {
    const e = equity[i]!;
    if (e >= peak) {
      peak = e;
      underSince = -1;
    } else {
      if (underSince < 0) underSince = i;
      longestUnder = Math.max(longestUnder, i - underSince + 1);
      maxDd = Math.max(maxDd, 1 - e / peak);
    }
  }

  const years = n * spacing / yearMs;
  const closed = trades.filter((t) => !t.open);
  const wins = closed.filter((t) => t.pnl > 0);
  const grossWin = wins.reduce((a, t) => a + t.pnl, 0);
  const grossLoss = -closed.filter((t) => t.pnl < 0).reduce((a, t) => a + t.pnl, 0);
  const growth = final / initialCash;
  return {
    totalReturn: (growth - 1) * 100,
    // Under a month of data, an annualised figure is mostly noise blown up by the exponent.
    cagr: years >= 1 / 12 && growth > 0 ? (growth ** (1 / years) - 1) * 100 : null,
    volatility: sd * Math.sqrt(periodsPerYear) * 100,
    sharpe: sd > 0 ? (mean / sd) * Math.sqrt(periodsPerYear) : null,
    sortino: downside > 0 ? (mean / downside) * Math.sqrt(periodsPerYear) : null,
    maxDrawdown: maxDd * 100,
    maxDrawdownBars: longestUnder,
    trades: closed.length,
    winRate: closed.length ? (wins.length / closed.length) * 100 : null,
    profitFactor: grossLoss > 0 ? grossWin / grossLoss : null,
    exposure: n ? (exposedBars / n) * 100 : 0,
    finalEquity: final,
    commissionPaid,
    periodsPerYear,
  };
}

function medianSpacing(time: Float64Array): number {
  if (time.length < 2) return 0;
  // A sample is plenty to find the typical spacing and keeps this O(1) on millions of bars.
  const step = Math.max(1, Math.floor((time.length - 1) / 1001));
  const gaps: number[] = [];
  for (let i = 1; i < time.length; i += step) gaps.push(time[i]! - time[i - 1]!);
  gaps.sort((a, b) => a - b);
  return gaps[gaps.length >> 1]!;
}
