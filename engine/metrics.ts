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

  const bench = extras.benchmark;
  const withBench = !!bench && bench.length === n && n >= 3 && bench[0]! > 0;
  // Losing bars' returns, for VaR and CVaR: the worst 5 % are among them unless fewer than 5 % of bars lose.
  const losses = new Float64Array(n);
  const [sum, sumSq, downSq, equitySum, lossCount, zeros] = moments(equity, initialCash, losses) as unknown as number[];
  const [maxDd, longestUnder] = drawdown(equity, initialCash) as unknown as number[];
  const mean = n ? sum / n : 0;
  const variance = n > 1 ? (sumSq - n * mean * mean) / (n - 1) : 0;
  const sd = Math.sqrt(Math.max(variance, 0));
  const downside = n ? Math.sqrt(downSq / n) : 0;

  const years = n * spacing / yearMs;
  const closed = trades.filter((t) => !t.open);
  const fit = withBench ? benchmarkFit(n - 1, benchmarkSums(equity, bench), bench[n - 1]! / bench[0]! - 1, periodsPerYear) : { benchmarkReturn: null, beta: null, alpha: null };
  const { var95, cvar95 } = tailRisk(losses, lossCount!, zeros!, n, equity, initialCash);
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
    ...fit,
  };
}

// Each pass over the equity curve is a function of its own that returns its sums in a typed array, with
// nothing after its loop: V8 compiles a long loop while it runs (on-stack replacement), and code after
// the loop that had never run then deoptimized the caller on every call. Three small loops also ran
// several times faster than one doing everything.
const sums = new Float64Array(6);

/**
 * Σr, Σr², Σ(losing r)², Σequity, the count of losing bars (their returns written to `losses`) and of flat
 * bars (r = 0). A return is stored unconditionally and kept by advancing the count, which spares a branch
 * the processor cannot predict (the sign of a bar's return).
 */
function moments(equity: Float64Array, initialCash: number, losses: Float64Array): Float64Array {
  const n = equity.length;
  let lossCount = 0, zeros = 0, sum = 0, sumSq = 0, downSq = 0, equitySum = 0, prev = initialCash;
  for (let i = 0; i < n; i++) {
    const e = equity[i]!;
    const r = e / prev - 1;
    prev = e;
    sum += r;
    sumSq += r * r;
    equitySum += e;
    losses[lossCount] = r;
    lossCount += r < 0 ? 1 : 0;
    zeros += r === 0 ? 1 : 0;
    const down = r < 0 ? r : 0;
    downSq += down * down;
  }
  const out = sums;
  out[0] = sum; out[1] = sumSq; out[2] = downSq; out[3] = equitySum; out[4] = lossCount; out[5] = zeros;
  return out;
}

/** The deepest peak-to-trough fall (a fraction) and the longest stretch under a peak (bars). */
function drawdown(equity: Float64Array, initialCash: number): Float64Array {
  const n = equity.length;
  let peak = initialCash, low = initialCash, maxDd = 0, underSince = -1, longestUnder = 0;
  for (let i = 0; i < n; i++) {
    const e = equity[i]!;
    if (e >= peak) {
      peak = low = e;
      underSince = -1;
    } else {
      if (underSince < 0) underSince = i;
      if (i - underSince + 1 > longestUnder) longestUnder = i - underSince + 1;
      // The deepest point below this peak sets its drawdown; dividing only at new lows gives the same maximum.
      if (e < low) {
        low = e;
        const dd = 1 - e / peak;
        if (dd > maxDd) maxDd = dd;
      }
    }
  }
  const out = sums;
  out[0] = maxDd; out[1] = longestUnder;
  return out;
}

/**
 * Sums for the benchmark fit over bars 1.. (the benchmark has no price before bar 0): the strategy's and
 * the benchmark's first returns `ks` and `kb`, then Σ(r−ks), Σ(rb−kb), Σ(rb−kb)², Σ(r−ks)(rb−kb). Summed
 * about the first returns (shifted data), which stays exact enough when the means are large next to the
 * spread, in one pass.
 */
function benchmarkSums(equity: Float64Array, bench: Float64Array): Float64Array {
  const n = equity.length;
  const ks = equity[1]! / equity[0]! - 1, kb = bench[1]! / bench[0]! - 1;
  let ss = 0, sb = 0, sbb = 0, ssb = 0, prev = equity[0]!, prevBench = bench[0]!;
  for (let i = 1; i < n; i++) {
    const e = equity[i]!, b = bench[i]!;
    const ds = e / prev - 1 - ks, db = b / prevBench - 1 - kb;
    prev = e;
    prevBench = b;
    ss += ds;
    sb += db;
    sbb += db * db;
    ssb += ds * db;
  }
  const out = sums;
  out[0] = ks; out[1] = kb; out[2] = ss; out[3] = sb; out[4] = sbb; out[5] = ssb;
  return out;
}

/**
 * Historical one-bar VaR and CVaR at 95 %, as positive loss percentages. The worst ⌈5 %⌉ of bars: VaR is
 * the best of them, CVaR their mean. Selecting them (O(n)) instead of sorting keeps this cheap on
 * millions of bars, and selecting among the losing bars only (`losses`, reordered) cheaper still: they
 * hold the worst 5 % unless fewer than 5 % of bars lose, and then the rest of the tail is flat bars
 * (returns of 0) when there are enough of them. Otherwise every return is taken from `equity` again.
 */
function tailRisk(losses: Float64Array, lossCount: number, zeros: number, n: number, equity: Float64Array, initialCash: number): { var95: number; cvar95: number } {
  if (n === 0) return { var95: 0, cvar95: 0 };
  const k = Math.max(1, Math.ceil(n * 0.05));
  let pool = losses, size = lossCount;
  if (lossCount < k) {
    if (lossCount + zeros >= k) {
      let tail = 0;
      for (let i = 0; i < lossCount; i++) tail += losses[i]!;
      return { var95: 0, cvar95: Math.max(0, -tail / k) * 100 };
    }
    pool = new Float64Array(n);
    let prev = initialCash;
    for (let i = 0; i < n; i++) {
      pool[i] = equity[i]! / prev - 1;
      prev = equity[i]!;
    }
    size = n;
  }
  selectSmallest(pool, size, k - 1);
  let tail = 0;
  for (let i = 0; i < k; i++) tail += pool[i]!;
  return { var95: Math.max(0, -pool[k - 1]!) * 100, cvar95: Math.max(0, -tail / k) * 100 };
}

/** Reorder `a[0, size)` so that a[k] is the value a sort would put there, with everything before it ≤ it (Hoare's quickselect). */
function selectSmallest(a: Float64Array, size: number, k: number): void {
  let lo = 0;
  let hi = size - 1;
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

/**
 * Beta and annualised alpha of the strategy's per-bar returns against the benchmark's, over `m` bars,
 * from `benchmarkSums`.
 */
function benchmarkFit(m: number, sums: Float64Array, growth: number, periodsPerYear: number) {
  const [ks, kb, ss, sb, sbb, ssb] = sums as unknown as number[];
  const benchmarkReturn = growth * 100;
  const ms = ks + ss / m, mb = kb + sb / m;
  const cov = ssb - (ss * sb) / m;
  const varB = sbb - (sb * sb) / m;
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
