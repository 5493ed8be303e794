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
  /** CAGR over max drawdown; null when either is missing or the drawdown is 0. */
  calmar: number | null;
  /** Average net PnL per closed trade, in quote currency; null without closed trades. */
  expectancy: number | null;
  /** Traded notional per year as a multiple of average equity (1 = the book turned over once a year). */
  turnover: number;
  /** Historical 95 % value at risk of one bar: the loss (percent, positive) exceeded on 5 % of bars. */
  var95: number;
  /** Historical 95 % conditional VaR (expected shortfall): the average loss on those worst 5 % of bars. */
  cvar95: number;
  /** Buy-and-hold return of the benchmark over the same bars, percent; null without a benchmark. */
  benchmarkReturn: number | null;
  /** Sensitivity of per-bar returns to the benchmark's; null without a benchmark or when it never moves. */
  beta: number | null;
  /** Annualised return not explained by beta (Jensen's alpha, risk-free 0), percent; null with beta null. */
  alpha: number | null;
}

export interface MetricsExtras {
  /** Sum of |quantity × price| over all fills. */
  tradedNotional?: number;
  /** Benchmark prices aligned with the equity curve (by default the strategy's own closes: buy and hold). */
  benchmark?: Float64Array;
}

const yearMs = 365.25 * 24 * 3600 * 1000;

/**
 * Performance figures from the per-bar equity curve and the closed trades. Annualisation uses the
 * median spacing of bar times on a calendar year, so minute, hourly and daily data are all handled the
 * same way (daily stock data with weekend gaps counts as 365.25 calendar days: documented in docs/engine.md).
 */
export function computeMetrics(equity: Float64Array, time: Float64Array, trades: Trade[], initialCash: number, exposedBars: number, commissionPaid: number, extras: MetricsExtras = {}): Metrics {
  const n = equity.length;
  const final = n ? equity[n - 1]! : initialCash;
  const spacing = medianSpacing(time);
  const periodsPerYear = spacing > 0 ? yearMs / spacing : 252;

  // Per-bar returns, starting from the initial cash so the first bar's move counts. Computed once: the
  // moments, the benchmark fit and the tail (last, as it reorders them) all read this array.
  const returns = new Float64Array(n);
  let sum = 0;
  let sumSq = 0;
  let downSq = 0;
  let prev = initialCash;
  for (let i = 0; i < n; i++) {
    const e = equity[i]!;
    const r = e / prev - 1;
    returns[i] = r;
    sum += r;
    sumSq += r * r;
    if (r < 0) downSq += r * r;
    prev = e;
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
  const bench = benchmarkFit(equity, returns, extras.benchmark, periodsPerYear);
  const { var95, cvar95 } = tailRisk(returns);
  let equitySum = 0;
  for (let i = 0; i < n; i++) equitySum += equity[i]!;
  const meanEquity = n ? equitySum / n : initialCash;
  const wins = closed.filter((t) => t.pnl > 0);
  const grossWin = wins.reduce((a, t) => a + t.pnl, 0);
  const grossLoss = -closed.filter((t) => t.pnl < 0).reduce((a, t) => a + t.pnl, 0);
  const growth = final / initialCash;
  // Under a month of data, an annualised figure is mostly noise blown up by the exponent.
  const cagr = years >= 1 / 12 && growth > 0 ? (growth ** (1 / years) - 1) * 100 : null;
  return {
    totalReturn: (growth - 1) * 100,
    cagr,
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
    calmar: cagr !== null && maxDd > 0 ? cagr / (maxDd * 100) : null,
    expectancy: closed.length ? closed.reduce((a, t) => a + t.pnl, 0) / closed.length : null,
    turnover: years > 0 && meanEquity > 0 ? (extras.tradedNotional ?? 0) / meanEquity / years : 0,
    var95,
    cvar95,
    ...bench,
  };
}

/** Historical one-bar VaR and CVaR at 95 %, from the per-bar returns (reordered), as positive loss percentages. */
function tailRisk(returns: Float64Array): { var95: number; cvar95: number } {
  const n = returns.length;
  if (n === 0) return { var95: 0, cvar95: 0 };
  // The worst ⌈5 %⌉ of bars: VaR is the best of them, CVaR their mean. Selecting them (O(n)) instead of
  // sorting every return keeps this cheap on millions of bars.
  const k = Math.max(1, Math.ceil(n * 0.05));
  selectSmallest(returns, k - 1);
  let tail = 0;
  for (let i = 0; i < k; i++) tail += returns[i]!;
  return { var95: Math.max(0, -returns[k - 1]!) * 100, cvar95: Math.max(0, -tail / k) * 100 };
}

/** Reorder `a` so that a[k] is the value a sort would put there, with everything before it ≤ it (Hoare's quickselect). */
function selectSmallest(a: Float64Array, k: number): void {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    // Median of three keeps already-sorted runs (common in equity curves) from going quadratic.
    const mid = (lo + hi) >> 1;
    const x = a[lo]!, y = a[mid]!, z = a[hi]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

/** Buy-and-hold return of the benchmark, and the strategy's beta and annualised alpha against it. */
function benchmarkFit(equity: Float64Array, returns: Float64Array, benchmark: Float64Array | undefined, periodsPerYear: number) {
  const n = equity.length;
  if (!benchmark || benchmark.length !== n || n < 3 || !(benchmark[0]! > 0)) return { benchmarkReturn: null, beta: null, alpha: null };
  // Returns from bar 1 on: the benchmark has no price before bar 0 to take a first return from.
  let ms = 0, mb = 0;
  const m = n - 1;
  // returns[i] is equity[i] / equity[i − 1] − 1 from bar 1 on.
  for (let i = 1; i < n; i++) {
    ms += returns[i]!;
    mb += benchmark[i]! / benchmark[i - 1]! - 1;
  }
  ms /= m;
  mb /= m;
  let cov = 0, varB = 0;
  for (let i = 1; i < n; i++) {
    const rs = returns[i]! - ms;
    const rb = benchmark[i]! / benchmark[i - 1]! - 1 - mb;
    cov += rs * rb;
    varB += rb * rb;
  }
  const benchmarkReturn = (benchmark[n - 1]! / benchmark[0]! - 1) * 100;
  if (!(varB > 0) || !Number.isFinite(ms)) return { benchmarkReturn, beta: null, alpha: null };
  const beta = cov / varB;
  return { benchmarkReturn, beta, alpha: (ms - beta * mb) * periodsPerYear * 100 };
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
