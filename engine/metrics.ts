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
  /** Bars per year used to annualise: the bars the data has in a calendar year (its mean spacing over its span). */
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

/**
 * Bars [runs[2q], runs[2q + 1]) for q < count, in bar order and apart: stretches with no position held,
 * whose equity is the same finite, non-zero value on every bar (the executor's `flat`). A run's first bar
 * may differ from the bar before it; every later one repeats it, a return of exactly 0.
 */
export interface FlatRuns {
  runs: Int32Array;
  count: number;
}

/** No flat runs: every bar is taken one by one. */
export const noFlatRuns: FlatRuns = { runs: new Int32Array(0), count: 0 };

export interface MetricsExtras {
  /** Sum of |quantity × price| over all fills. */
  tradedNotional?: number;
  /** Benchmark prices aligned with the equity curve (by default the strategy's own closes: buy and hold). */
  benchmark?: Float64Array;
  /**
   * The curve's flat stretches, which the passes over the equity skip (most bars of a strategy that is
   * mostly out of the market). The figures are the same, bit for bit, with or without them.
   */
  flat?: FlatRuns;
  /**
   * Keeps what depends on the benchmark alone (its return sums) between runs over the same bars, as a
   * sweep's sets are: `memo(key, make)` gives what `make` gave for `key` before. The engine passes one
   * (engine/column-cache.ts) only for runs over the bars the cache was made for.
   */
  memo?: <T>(key: string, make: () => T) => T;
}

const yearMs = 365.25 * 24 * 3600 * 1000;

/**
 * Performance figures from the per-bar equity curve and the closed trades. Annualisation uses the bars'
 * mean spacing over the calendar time they span, so minute, hourly and daily data are all handled the
 * same way, and data that skips nights and weekends annualises by the bars it really has in a year
 * (≈ 252 for daily stock data): see docs/engine.md.
 */
export function computeMetrics(equity: Float64Array, time: Float64Array, trades: Trade[], initialCash: number, exposedBars: number, commissionPaid: number, extras: MetricsExtras = {}): Metrics {
  return measure(equity, time, trades, initialCash, exposedBars, commissionPaid, extras).metrics;
}

/**
 * {@link computeMetrics}, and the first bar with the lowest equity (a NaN is never lower), which the
 * pass over the curve finds on the way: the backtest's chart keeps that point, and a pass of its own cost
 * ≈ 2–3 ms per 1M bars.
 */
export function measure(equity: Float64Array, time: Float64Array, trades: Trade[], initialCash: number, exposedBars: number, commissionPaid: number, extras: MetricsExtras = {}): { metrics: Metrics; lowestBar: number } {
  const n = equity.length;
  const final = n ? equity[n - 1]! : initialCash;
  const spacing = meanSpacing(time);
  const periodsPerYear = spacing > 0 ? yearMs / spacing : 252;

  const bench = extras.benchmark;
  const withBench = !!bench && bench.length === n && n >= 3 && bench[0]! > 0;
  const returns = returnsBuffer(n);
  const flat = extras.flat ?? noFlatRuns;
  const [sum, sumSq, downSq, equitySum, zeros, maxDd, longestUnder, lowestBar] = curve(equity, initialCash, returns, flat.runs, flat.count) as unknown as number[];
  const mean = n ? sum / n : 0;
  const variance = n > 1 ? (sumSq - n * mean * mean) / (n - 1) : 0;
  const sd = Math.sqrt(Math.max(variance, 0));
  const downside = n ? Math.sqrt(downSq / n) : 0;

  const years = n * spacing / yearMs;
  // The tail's first threshold comes before the benchmark's sums, whose pass gathers the tail on the way.
  const threshold = tailThreshold(returns, n);
  tailCounts[2] = NaN;
  const fit = withBench ? benchmarkFit(n - 1, benchmarkSums(returns, bench, n, flat, extras.memo, threshold), bench[n - 1]! / bench[0]! - 1, periodsPerYear) : { benchmarkReturn: null, beta: null, alpha: null };
  const { var95, cvar95 } = tailRisk(returns, n, zeros!, flat);
  const meanEquity = n ? equitySum / n : initialCash;
  const { closed, wins, grossWin, grossLoss, pnl } = tradeSums(trades);
  const growth = final / initialCash;
  // Under a month of data, an annualised figure is mostly noise blown up by the exponent.
  const cagr = years >= 1 / 12 && growth > 0 ? (growth ** (1 / years) - 1) * 100 : null;
  const metrics: Metrics = {
    totalReturn: (growth - 1) * 100,
    cagr,
    volatility: sd * Math.sqrt(periodsPerYear) * 100,
    sharpe: sd > 0 ? (mean / sd) * Math.sqrt(periodsPerYear) : null,
    sortino: downside > 0 ? (mean / downside) * Math.sqrt(periodsPerYear) : null,
    maxDrawdown: maxDd * 100,
    maxDrawdownBars: longestUnder,
    trades: closed,
    winRate: closed ? (wins / closed) * 100 : null,
    profitFactor: grossLoss > 0 ? grossWin / grossLoss : null,
    exposure: n ? (exposedBars / n) * 100 : 0,
    finalEquity: final,
    commissionPaid,
    periodsPerYear,
    calmar: cagr !== null && maxDd > 0 ? cagr / (maxDd * 100) : null,
    expectancy: closed ? pnl / closed : null,
    turnover: years > 0 && meanEquity > 0 ? (extras.tradedNotional ?? 0) / meanEquity / years : 0,
    var95,
    cvar95,
    ...fit,
  };
  return { metrics, lowestBar: lowestBar! };
}

/**
 * The closed trades' count, winners, gross profit and loss, and net PnL, each summed in trade order, in
 * one pass: filtered copies of a long trade list were ≈ 8 % of a backtest's garbage (S1, 14 000 trades).
 */
function tradeSums(trades: readonly Trade[]) {
  let closed = 0, wins = 0, grossWin = 0, losses = 0, pnl = 0;
  for (const t of trades) {
    if (t.open) continue;
    closed++;
    pnl += t.pnl;
    if (t.pnl > 0) {
      wins++;
      grossWin += t.pnl;
    } else if (t.pnl < 0) losses += t.pnl;
  }
  return { closed, wins, grossWin, grossLoss: -losses, pnl };
}

// Each pass over the equity curve is a function of its own that returns its sums in a typed array, with
// nothing after its loop: V8 compiles a long loop while it runs (on-stack replacement), and code after
// the loop that had never run then deoptimized the caller on every call. The moments and the drawdown
// share one loop (≈ 5 % of a sweep set's time less than two, bench/ab.ts); the tail's gathering and the
// benchmark's terms in that loop too made it twice as slow on S1, so they keep their own.
const sums = new Float64Array(8);

// Each bar's return, kept for the passes after `curve` (no second division per bar), in a buffer
// reused across calls.
let returnsStore = new Float64Array(0);
function returnsBuffer(n: number): Float64Array {
  if (returnsStore.length < n) returnsStore = new Float64Array(n);
  return returnsStore;
}

/**
 * One pass over the curve. The moments: Σr, Σr², Σ(losing r)², Σequity, and how many returns are exactly
 * 0, each return into `returns`. The drawdown: the deepest peak-to-trough fall (a fraction), the longest
 * stretch under a peak (bars), and the first bar with the lowest equity (bar 0 or a new low under a peak:
 * any lower bar is below the lowest point since the last peak too, so only those are compared).
 */
function curve(equity: Float64Array, initialCash: number, returns: Float64Array, runs: Int32Array, count: number): Float64Array {
  const n = equity.length;
  let sum = 0, sumSq = 0, downSq = 0, equitySum = 0, prev = initialCash, zeros = 0, i = 0;
  // The initial cash is the first peak, "before" bar 0; a stretch under a peak is measured when the next
  // peak ends it (and at the end), not counted bar by bar.
  let peak = initialCash, low = initialCash, maxDd = 0, lastPeak = -1, longestUnder = 0;
  let lowest = n ? equity[0]! : NaN, lowestAt = 0;
  for (let q = 0; q <= count; q++) {
    // Bar by bar up to and including the next flat run's first bar, then the rest of the run at once:
    // returns of 0 (nothing to add but the count), and the equity added bar by bar as below, so the sum
    // is the same to the last bit.
    const until = q < count ? Math.min(n, runs[2 * q]! + 1) : n;
    for (; i < until; i++) {
      const e = equity[i]!;
      const r = e / prev - 1;
      prev = e;
      returns[i] = r;
      sum += r;
      const square = r * r;
      sumSq += square;
      equitySum += e;
      // A losing bar's square, chosen without a branch: the sign of a return is what a processor cannot
      // predict (the branch cost more than the rest of the loop). Exact for finite returns; see below.
      // Zero returns are counted the same way: a held position's close is often unchanged from bar to
      // bar. (r is never −0: x − 1 is −0 only when rounding toward −∞.)
      downSq += +(r < 0) * square;
      zeros += +(r === 0);
      if (e >= peak) {
        if (i - lastPeak - 1 > longestUnder) longestUnder = i - lastPeak - 1;
        peak = low = e;
        lastPeak = i;
      } else if (e < low) {
        // The deepest point below this peak sets its drawdown; dividing only at new lows gives the same maximum.
        low = e;
        const dd = 1 - e / peak;
        if (dd > maxDd) maxDd = dd;
        if (e < lowest) (lowest = e), (lowestAt = i);
      }
    }
    if (q === count) break;
    const from = i, end = Math.min(n, runs[2 * q + 1]!);
    for (; i < end; i++) {
      returns[i] = 0;
      equitySum += prev;
    }
    zeros += i - from;
    // The rest of a flat run repeats its first bar: each bar is a peak again if that one was, and under a
    // peak nothing changes.
    if (i > from && lastPeak === from - 1) lastPeak = i - 1;
  }
  const out = sums;
  out[0] = sum; out[1] = sumSq; out[2] = downSq; out[3] = equitySum; out[4] = zeros;
  out[5] = maxDd; out[6] = Math.max(longestUnder, n - lastPeak - 1); out[7] = lowestAt;
  // An infinite or NaN return (equity from 0) would make 0 × ∞ a NaN above: redo that sum with the branch.
  if (!(sum - sum === 0)) out[2] = losingSquares(returns, n);
  return out;
}

function losingSquares(returns: Float64Array, n: number): number {
  let downSq = 0;
  for (let i = 0; i < n; i++) {
    const r = returns[i]!;
    const down = r < 0 ? r : 0;
    downSq += down * down;
  }
  return downSq;
}

/**
 * Sums for the benchmark fit over bars 1.. (the benchmark has no price before bar 0): the strategy's and
 * the benchmark's first returns `ks` and `kb`, then Σ(r−ks), Σ(rb−kb), Σ(rb−kb)², Σ(r−ks)(rb−kb). Summed
 * about the first returns (shifted data), which stays exact enough when the means are large next to the
 * spread, in one pass. That pass also gathers the tail at `threshold`, as `gatherTail` would, and in the
 * same order (flat bars' returns are 0, never gathered): on S1 at 1M bars the gathering added ≈ 0.8 ms
 * to this pass, and its own pass, after this one, took ≈ 1.2 ms (scratch timing of the metrics' phases).
 */
function benchmarkSums(returns: Float64Array, bench: Float64Array, n: number, flat: FlatRuns, memo: MetricsExtras['memo'], threshold: number): Float64Array {
  const ks = returns[1]!, kb = bench[1]! / bench[0]! - 1;
  // Repeated runs on the same bars that start flat (ks = 0, as most do): the benchmark's own sums come
  // from the memo, and the strategy's terms are summed over its moving bars only. A flat bar's terms are
  // 0 and 0 × (rb − kb) (with every benchmark return finite), which change no sum: the same bits.
  if (memo && ks === 0) {
    const own = memo(`benchmark return sums over ${n} bars`, () => benchmarkOwn(bench, n, kb));
    if (Number.isFinite(own.sums[0]! + own.sums[1]!)) return movingSums(returns, own.excess, n, kb, own.sums, flat.runs, flat.count, threshold);
  }
  let ss = 0, sb = 0, sbb = 0, ssb = 0, prevBench = bench[0]!;
  let tail = tailRoom(0, 1), gathered = 0, negatives = 0, i = 1;
  const r0 = returns[0]!;
  tail[0] = r0;
  gathered = +(r0 <= threshold) & +(r0 !== 0);
  negatives = gathered & +(r0 < 0);
  while (i < n) {
    const end = Math.min(n, i + gatherChunk);
    tail = tailRoom(gathered, end - i);
    for (; i < end; i++) {
      const b = bench[i]!, r = returns[i]!;
      const ds = r - ks, db = b / prevBench - 1 - kb;
      prevBench = b;
      ss += ds;
      sb += db;
      sbb += db * db;
      ssb += ds * db;
      tail[gathered] = r;
      const taken = +(r <= threshold) & +(r !== 0);
      gathered += taken;
      negatives += taken & +(r < 0);
    }
  }
  tailCounts[0] = negatives;
  tailCounts[1] = gathered;
  tailCounts[2] = threshold;
  const out = sums;
  out[0] = ks; out[1] = kb; out[2] = ss; out[3] = sb; out[4] = sbb; out[5] = ssb;
  return out;
}

/**
 * The benchmark's Σ(rb−kb) and Σ(rb−kb)² over bars 1.., as `benchmarkSums` adds them, and each bar's
 * rb−kb (`excess`, 0 at bar 0): kept in the memo, so a sweep's sets read them instead of dividing again
 * (computeMetrics 0.4–0.5 ms less on S1 and S2, in-process A/B). One column per cache.
 */
function benchmarkOwn(bench: Float64Array, n: number, kb: number): { sums: Float64Array; excess: Float64Array } {
  let sb = 0, sbb = 0, prevBench = bench[0]!;
  const excess = new Float64Array(n);
  for (let i = 1; i < n; i++) {
    const b = bench[i]!;
    const db = b / prevBench - 1 - kb;
    excess[i] = db;
    prevBench = b;
    sb += db;
    sbb += db * db;
  }
  return { sums: Float64Array.of(sb, sbb), excess };
}

/**
 * `benchmarkSums` for a strategy whose first return is 0, over the bars outside its flat runs; and
 * `gatherTail` at `threshold`, which walks the same bars (plus bar 0), in the same pass: one read of the
 * returns instead of two (computeMetrics on a sweep set of S1 ≈ 0.6–1.6 ms less, bench/.cache A/B). The
 * figures are the same bits.
 */
function movingSums(returns: Float64Array, excess: Float64Array, n: number, kb: number, own: Float64Array, runs: Int32Array, count: number, threshold: number): Float64Array {
  let ss = 0, ssb = 0, i = 1;
  let tail = tailRoom(0, 1), gathered = 0, negatives = 0;
  const r0 = returns[0]!;
  tail[0] = r0;
  gathered = +(r0 <= threshold) & +(r0 !== 0);
  negatives = gathered & +(r0 < 0);
  for (let q = 0; q <= count; q++) {
    const until = q < count ? Math.min(n, runs[2 * q]! + 1) : n;
    while (i < until) {
      const end = Math.min(until, i + gatherChunk);
      tail = tailRoom(gathered, end - i);
      for (; i < end; i++) {
        const ds = returns[i]!, db = excess[i]!;
        ss += ds;
        ssb += ds * db;
        // As in `gatherTail`.
        tail[gathered] = ds;
        const taken = +(ds <= threshold) & +(ds !== 0);
        gathered += taken;
        negatives += taken & +(ds < 0);
      }
    }
    if (q < count) i = Math.max(i, Math.min(n, runs[2 * q + 1]!));
  }
  tailCounts[0] = negatives;
  tailCounts[1] = gathered;
  tailCounts[2] = threshold;
  const out = sums;
  out[0] = 0; out[1] = kb; out[2] = ss; out[3] = own[0]!; out[4] = own[1]!; out[5] = ssb;
  return out;
}

/**
 * Historical one-bar VaR and CVaR at 95 %, as positive loss percentages: over the worst ⌈5 %⌉ of bars'
 * returns, VaR is the best of them and CVaR their mean. Exact, without sorting a million returns: a
 * strided sample of the returns gives a threshold a little above the 5 % point, one pass gathers the
 * returns at or below it (≈ 6 % of them), and only those are ordered, in part (`smallestSum`); were
 * there too few (a sample fooled by the data), a higher threshold is tried. The `zeros` zero returns
 * (flat bars) are counted, not gathered: a strategy flat on more than 95 % of bars has one of them as
 * its k-th smallest return.
 */
function tailRisk(returns: Float64Array, n: number, zeros: number, flat: FlatRuns): { var95: number; cvar95: number } {
  if (n === 0) return { var95: 0, cvar95: 0 };
  const k = Math.max(1, Math.ceil(n * 0.05));
  const m = Math.min(n, sampleSize);
  const sample = tailSample;
  for (let rank = firstRank(m); ; rank *= 2) {
    const threshold = rank < m ? sample[rank]! : Infinity;
    // Gathered already at the first threshold by the benchmark's pass (`tailCounts[2]`), or gathered now.
    const tail = tailCounts[2] === threshold ? tailStore : gatherTail(returns, n, threshold, flat.runs, flat.count);
    const negatives = tailCounts[0]!, gathered = tailCounts[1]!;
    // Enough when the gathered values and the zeros (if the threshold reaches them) hold the k smallest.
    if (gathered + (threshold >= 0 ? zeros : 0) < k && threshold !== Infinity) continue;
    // The k smallest: the k smallest losses; or every loss, then zeros (which add nothing), then the
    // smallest gains. Fewer than k only when NaN returns leave too few numbers.
    const taken = Math.min(gathered, k <= negatives ? k : negatives + Math.max(0, k - negatives - zeros));
    const sum = taken > 0 ? smallestSum(tail, gathered, taken) : 0;
    // The k-th smallest is a zero when the losses end before it and the zeros reach it.
    const kth = k > negatives && k <= negatives + zeros ? 0 : taken > 0 ? kthSmallest[0]! : NaN;
    return { var95: Math.max(0, -kth) * 100, cvar95: Math.max(0, -sum / k) * 100 };
  }
}

// The returns gathered by `gatherTail`, in a buffer reused across calls (it keeps the largest tail seen,
// plus a chunk: ≈ 6 % of the longest curve, all of it only if the threshold had to go to +∞); how many
// are losses and in all; and the threshold they were gathered at by `movingSums` (NaN: not gathered yet
// in this call of `measure`).
let tailStore: Float64Array = new Float64Array(0);
const tailCounts = Float64Array.of(0, 0, NaN);

/** The tail buffer, grown (keeping its first `count` values) to hold `count + more`. */
function tailRoom(count: number, more: number): Float64Array {
  if (tailStore.length < count + more) {
    const grown = new Float64Array(Math.max(2 * tailStore.length, count + Math.max(more, gatherChunk)));
    grown.set(tailStore.subarray(0, count));
    tailStore = grown;
  }
  return tailStore;
}

// A strided sample of the returns, sorted (`tailThreshold`), which `tailRisk` takes its thresholds from.
const sampleSize = 4096;
const tailSample = new Float64Array(sampleSize);
/** A rank of the sample a quarter above the 5 % point, plus a margin for small samples (doubled on a miss). */
const firstRank = (m: number) => Math.ceil(m * 0.0625) + 16;

/** Samples the returns into `tailSample`, sorted, and gives the first threshold `tailRisk` tries. */
function tailThreshold(returns: Float64Array, n: number): number {
  const m = Math.min(n, sampleSize);
  const sample = tailSample.subarray(0, m);
  for (let i = 0; i < m; i++) sample[i] = returns[Math.floor((i * n) / m)]!;
  sample.sort();
  const rank = firstRank(m);
  return rank < m ? sample[rank]! : Infinity;
}

/**
 * The non-zero returns at or below `threshold`, in bar order (a NaN return is never one). Flat runs hold
 * only zeros, and are skipped.
 */
function gatherTail(returns: Float64Array, n: number, threshold: number, runs: Int32Array, runCount: number): Float64Array {
  let tail = tailStore, count = 0, negatives = 0, i = 0;
  for (let q = 0; q <= runCount; q++) {
    const until = q < runCount ? Math.min(n, runs[2 * q]! + 1) : n;
    while (i < until) {
      // Room for every return of the next chunk, so the loop below tests nothing per value.
      const end = Math.min(until, i + gatherChunk);
      tail = tailRoom(count, end - i);
      // Every return is written and kept by counting it: whether one is in the tail is what the processor
      // cannot predict (without the branch, computeMetrics on S1 and S2 took 0.4–0.5 ms less).
      for (; i < end; i++) {
        const r = returns[i]!;
        tail[count] = r;
        const taken = +(r <= threshold) & +(r !== 0);
        count += taken;
        negatives += taken & +(r < 0);
      }
    }
    if (q < runCount) i = Math.max(i, Math.min(n, runs[2 * q + 1]!));
  }
  tailCounts[0] = negatives;
  tailCounts[1] = count;
  return tail;
}
const gatherChunk = 4096;

/**
 * The sum of the `k` smallest of `a[0, size)` (no NaN among them), and the k-th smallest itself in
 * `kthSmallest`; `a` is reordered. A radix step first: each value's bucket is its top 16 bits
 * (sign, exponent and 4 bits of mantissa, flipped so that their order is the values'), counted and summed
 * per bucket in one pass without a branch. Only the bucket holding the k-th smallest (a few hundredths of
 * the values) is then ordered, by quickselect. With quickselect over the whole tail, whose comparisons
 * the processor cannot predict, `measure` on S1's curve at 1M bars, with the benchmark's sums from the
 * memo as a sweep set's are, took 5.03 ms (best of 100; 4.63 this way, in-process A/B).
 */
function smallestSum(a: Float64Array, size: number, k: number): number {
  const words = new Int32Array(a.buffer, a.byteOffset, 2 * size);
  const count = bucketCount, sums = bucketSums;
  // The buckets are all 0 between calls; only the range this call used is cleared after it (a few
  // hundred buckets for a tail of returns, not the 768 kB of them, most of a core's L2 cache).
  let first = count.length, last = -1;
  for (let i = 0; i < size; i++) {
    const key = bucketOf(words[2 * i + highWord]!);
    count[key]!++;
    sums[key]! += a[i]!;
    first = key < first ? key : first;
    last = key > last ? key : last;
  }
  let b = first, below = 0, sum = 0;
  while (below + count[b]! < k) {
    below += count[b]!;
    sum += sums[b]!;
    b++;
  }
  // The bucket's values to the front of `a` (each written, kept by counting: no branch), then ordered.
  let m = 0;
  for (let i = 0; i < size; i++) {
    const v = a[i]!;
    a[m] = v;
    m += +(bucketOf(words[2 * i + highWord]!) === b);
  }
  count.fill(0, first, last + 1);
  sums.fill(0, first, last + 1);
  const rank = k - below;
  selectSmallest(a, m, rank - 1);
  for (let i = 0; i < rank; i++) sum += a[i]!;
  kthSmallest[0] = a[rank - 1]!;
  return sum;
}
const kthSmallest = new Float64Array(1);

/** A double's bucket from its high 32 bits: the top 16, negatives' flipped, positives' sign set, so that bucket order is value order. */
const bucketOf = (high: number) => ((high ^ ((high >> 31) | 0x80000000)) >>> 16);
const bucketCount = new Int32Array(1 << 16);
const bucketSums = new Float64Array(1 << 16);
/** Which 32-bit word of a double holds its sign and exponent on this machine (1 on little-endian ones). */
const highWord = new Int32Array(Float64Array.of(-1).buffer)[1]! < 0 ? 1 : 0;

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

/**
 * The calendar time per bar: the span from the first bar to the last over the gaps between them. A
 * curve of n bars then covers n spacings (its first return is from the initial cash, a bar before bar
 * 0), so CAGR's years are calendar years; and the bars a year are the bars the data has in one, which a
 * typical (median) gap would overstate for data with nights and weekends off (daily stock bars: 365
 * instead of ≈ 252; minute bars of one exchange's sessions: 525 960 instead of ≈ 98 000).
 */
function meanSpacing(time: Float64Array): number {
  const n = time.length;
  return n < 2 ? 0 : (time[n - 1]! - time[0]!) / (n - 1);
}
