import { describe, expect, it } from 'vitest';
import type { Trade } from './broker.ts';
import { computeMetrics, measure } from './metrics.ts';

const yearMs = 365.25 * 86_400_000;
const trade = (pnl: number, open = false): Trade => ({ side: 'long', entryTime: 0, exitTime: 1, quantity: 1, entryPrice: 100, exitPrice: 100, pnl, returnPct: pnl, bars: 1, open });

describe('computeMetrics: a hand-worked example', () => {
  // From 100: +25 %, −20 %, +25 %, −20 %, −20 %, +25 %, +50 %. Seven bars spread over exactly two years.
  const equity = Float64Array.from([125, 100, 125, 100, 80, 100, 150]);
  const spacing = (2 * yearMs) / 7;
  const time = Float64Array.from(equity, (_, i) => i * spacing);
  const trades = [trade(50), trade(-20), trade(30), trade(-10), trade(0), trade(1000, true)];
  const m = computeMetrics(equity, time, trades, 100, 3, 12.5);

  // Per-bar returns: sum 0.65 → mean 0.65/7; Σr² = 3·0.0625 + 3·0.04 + 0.25 = 0.5575;
  // sample variance (0.5575 − 0.65²/7)/6 = (3.48/7)/6 = 0.58/7. Downside: Σ(r<0)² / n = 0.12/7.
  const mean = 0.65 / 7;
  const sd = Math.sqrt(0.58 / 7);
  const downside = Math.sqrt(0.12 / 7);

  it('annualises with the bar spacing: 3.5 bars a year', () => {
    expect(m.periodsPerYear).toBeCloseTo(3.5, 9);
  });

  it('total return and CAGR over two years', () => {
    expect(m.totalReturn).toBeCloseTo(50, 9);
    expect(m.finalEquity).toBe(150);
    expect(m.cagr).toBeCloseTo((Math.sqrt(1.5) - 1) * 100, 9); // 22.47 %
  });

  it('volatility, Sharpe and Sortino from per-bar returns', () => {
    expect(m.volatility).toBeCloseTo(sd * Math.sqrt(3.5) * 100, 9);
    expect(m.sharpe).toBeCloseTo((mean / sd) * Math.sqrt(3.5), 9);
    expect(m.sortino).toBeCloseTo((mean / downside) * Math.sqrt(3.5), 9);
  });

  it('max drawdown from the running peak (125 → 80 = 36 %) and its duration (3 bars under water)', () => {
    expect(m.maxDrawdown).toBeCloseTo(36, 9);
    expect(m.maxDrawdownBars).toBe(3);
  });

  it('win rate and profit factor over closed trades only; a break-even trade is neither', () => {
    expect(m.trades).toBe(5);
    expect(m.winRate).toBeCloseTo(40, 12);
    expect(m.profitFactor).toBeCloseTo(80 / 30, 12);
  });

  it('exposure is the share of bars with a position; commission passes through', () => {
    expect(m.exposure).toBeCloseTo((3 / 7) * 100, 12);
    expect(m.commissionPaid).toBe(12.5);
  });
});

describe('computeMetrics: edge cases', () => {
  const hourly = (n: number) => Float64Array.from({ length: n }, (_, i) => i * 3_600_000);

  it('hourly bars annualise over 8766 hours a year; daily over 365.25 days', () => {
    expect(computeMetrics(Float64Array.from([1, 1, 1]), hourly(3), [], 1, 0, 0).periodsPerYear).toBeCloseTo(8766, 9);
    const daily = Float64Array.from([0, 1, 2], (d) => d * 86_400_000);
    expect(computeMetrics(Float64Array.from([1, 1, 1]), daily, [], 1, 0, 0).periodsPerYear).toBeCloseTo(365.25, 9);
  });

  it('annualises by the bars the data has in a calendar year: weekdays only give 5 of every 7 days', () => {
    // Two weeks of weekdays: 10 bars over 11 days, so 9 gaps of 11/9 days each.
    const days = [0, 1, 2, 3, 4, 7, 8, 9, 10, 11].map((d) => d * 86_400_000);
    expect(computeMetrics(new Float64Array(10).fill(1), Float64Array.from(days), [], 1, 0, 0).periodsPerYear).toBeCloseTo((365.25 * 9) / 11, 9);
  });

  it('CAGR is per calendar year for daily bars that skip weekends (+10 % a year, held throughout)', () => {
    // Weekdays from Monday 2022-01-03 to Wednesday 2024-01-03; each close is 100 × 1.1^(calendar years
    // since the first bar), and the strategy holds it from the initial cash of 100 at the first close.
    const start = Date.UTC(2022, 0, 3), end = Date.UTC(2024, 0, 3), day = 86_400_000;
    const times: number[] = [];
    for (let t = start; t <= end; t += day) if (![0, 6].includes(new Date(t).getUTCDay())) times.push(t);
    const equity = Float64Array.from(times, (t) => 100 * 1.1 ** ((t - start) / yearMs));
    const m = computeMetrics(equity, Float64Array.from(times), [], 100, times.length, 0);
    expect(times.length).toBe(523);
    // 522 gaps over 730 days; the 523 returns span one gap more (the first is from the initial cash).
    const spacing = (end - start) / 522;
    expect(m.periodsPerYear).toBeCloseTo(yearMs / spacing, 9); // ≈ 261 bars a year
    const years = (523 * spacing) / yearMs;
    expect(m.cagr!).toBeCloseTo(((equity[522]! / 100) ** (1 / years) - 1) * 100, 9);
    // ≈ 9.98 %: 10 % a year over the 730 days, on a base one bar longer. Not 14.2 %, as 523 days would give.
    expect(m.cagr!).toBeGreaterThan(9.9);
    expect(m.cagr!).toBeLessThan(10);
  });

  it('no CAGR under a month of data; no Sharpe or Sortino when returns never vary or never fall', () => {
    const flat = computeMetrics(Float64Array.from([100, 100, 100]), hourly(3), [], 100, 0, 0);
    expect(flat.cagr).toBeNull();
    expect(flat.sharpe).toBeNull();
    expect(flat.sortino).toBeNull();
    expect(flat.volatility).toBe(0);
    expect(flat.maxDrawdown).toBe(0);
    const rising = computeMetrics(Float64Array.from([101, 103, 104]), hourly(3), [], 100, 0, 0);
    expect(rising.sortino).toBeNull();
    expect(rising.sharpe).toBeGreaterThan(0);
  });

  it('a drawdown that never recovers counts to the end; the first bar can be under the initial cash', () => {
    const m = computeMetrics(Float64Array.from([90, 95, 80, 85]), hourly(4), [], 100, 0, 0);
    expect(m.maxDrawdown).toBeCloseTo(20, 12);
    expect(m.maxDrawdownBars).toBe(4);
  });

  it('no win rate without closed trades; no profit factor without a loss', () => {
    const none = computeMetrics(Float64Array.from([100, 100]), hourly(2), [trade(5, true)], 100, 1, 0);
    expect(none.trades).toBe(0);
    expect(none.winRate).toBeNull();
    const allWins = computeMetrics(Float64Array.from([100, 100]), hourly(2), [trade(5), trade(7)], 100, 1, 0);
    expect(allWins.winRate).toBe(100);
    expect(allWins.profitFactor).toBeNull();
  });

  it('a wiped-out account has no CAGR', () => {
    const year = Float64Array.from({ length: 13 }, (_, i) => (i * yearMs) / 12);
    const m = computeMetrics(Float64Array.from({ length: 13 }, (_, i) => (i === 12 ? -5 : 100)), year, [], 100, 0, 0);
    expect(m.totalReturn).toBeCloseTo(-105, 9);
    expect(m.cagr).toBeNull();
  });
});

describe('computeMetrics: tail risk, trade and benchmark figures (hand-worked)', () => {
  const hours = (n: number) => Float64Array.from({ length: n }, (_, i) => i * 3_600_000);
  const closedTrade = (pnl: number, open = false) => ({ side: 'long' as const, entryTime: 0, exitTime: 0, quantity: 1, entryPrice: 1, exitPrice: 1, pnl, returnPct: 0, bars: 1, open });

  it('VaR and CVaR are the worst 5 % of bar returns, as positive losses', () => {
    // Returns from 100: +10 %, −10 %, 0, +20 %; ⌈5 % of 4⌉ = 1 worst bar, a 10 % loss.
    const m = computeMetrics(Float64Array.from([110, 99, 99, 118.8]), hours(4), [], 100, 0, 0);
    expect(m.var95).toBeCloseTo(10, 9);
    expect(m.cvar95).toBeCloseTo(10, 9);
    // Forty bars with losses of 1 %…4 % among them: the worst two (⌈5 % of 40⌉) are −4 % and −3 %.
    const rets = [-0.04, -0.03, -0.02, -0.01, ...new Array(36).fill(0.001)];
    const eq = new Float64Array(40);
    let e = 100;
    rets.forEach((r, i) => (eq[i] = e *= 1 + r));
    const m40 = computeMetrics(eq, hours(40), [], 100, 0, 0);
    expect(m40.var95).toBeCloseTo(3, 9);
    expect(m40.cvar95).toBeCloseTo(3.5, 9);
  });

  it('expectancy is the mean net PnL of closed trades; calmar is CAGR over max drawdown', () => {
    const m = computeMetrics(Float64Array.from([110, 99, 99, 118.8]), hours(4), [closedTrade(5), closedTrade(-3), closedTrade(7, true)], 100, 0, 0);
    expect(m.expectancy).toBeCloseTo(1, 12);
    // Four hours cannot be annualised honestly, so there is no CAGR and no Calmar.
    expect(m.cagr).toBeNull();
    expect(m.calmar).toBeNull();
    // Two years from 100 to 150 with a 36 % drawdown (125 → 80): Calmar = (1.5^(1/2) − 1)·100 / 36.
    const long = computeMetrics(Float64Array.from([125, 100, 125, 100, 80, 100, 150]), Float64Array.from({ length: 7 }, (_, i) => (i * 2 * 365.25 * 86_400_000) / 7), [], 100, 0, 0);
    expect(long.maxDrawdown).toBeCloseTo(36, 9);
    expect(long.calmar).toBeCloseTo(((Math.sqrt(1.5) - 1) * 100) / 36, 9);
  });

  it('turnover is traded notional per year over average equity', () => {
    const m = computeMetrics(Float64Array.from([110, 99, 99, 118.8]), hours(4), [], 100, 0, 0, { tradedNotional: 400 });
    const years = (4 * 3_600_000) / (365.25 * 24 * 3_600_000);
    expect(m.turnover).toBeCloseTo(400 / ((110 + 99 + 99 + 118.8) / 4) / years, 6);
  });

  it('beta and alpha come from regressing bar returns on the benchmark’s', () => {
    // Benchmark returns −5 %, 0, +10 %; strategy returns exactly twice those plus 1 % a bar.
    const benchmark = Float64Array.from([10, 9.5, 9.5, 10.45]);
    const s = [-0.09, 0.01, 0.21];
    const equity = [110];
    for (const r of s) equity.push(equity.at(-1)! * (1 + r));
    const m = computeMetrics(Float64Array.from(equity), hours(4), [], 100, 0, 0, { benchmark });
    expect(m.benchmarkReturn).toBeCloseTo(4.5, 9);
    expect(m.beta).toBeCloseTo(2, 9);
    expect(m.alpha).toBeCloseTo(0.01 * m.periodsPerYear * 100, 6);
    // Holding the benchmark itself: beta 1, alpha 0.
    const same = computeMetrics(Float64Array.from([100, 95, 95, 104.5]), hours(4), [], 100, 0, 0, { benchmark });
    expect(same.beta).toBeCloseTo(1, 12);
    expect(same.alpha).toBeCloseTo(0, 9);
    // A flat benchmark explains nothing.
    expect(computeMetrics(Float64Array.from(equity), hours(4), [], 100, 0, 0, { benchmark: Float64Array.from([5, 5, 5, 5]) })).toMatchObject({ beta: null, alpha: null, benchmarkReturn: 0 });
  });
});

describe('computeMetrics: VaR selection agrees with a full sort', () => {
  it('on random and on sorted return series', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5;
    // Losing bars hold the tail (random, falling); fewer than 5 % lose and flat bars fill the rest (flat:
    // the k-th smallest return is one of the zeros, which are counted, not ordered); 10 % lose (flat with losses);
    // fewer than 5 % lose and rising bars fill the rest (rising with dips, rising: every return is needed).
    const move = { random: () => rand() * 0.04, rising: (i: number) => (i / 2001) * 0.001, falling: (i: number) => -(i / 2001) * 0.001,
      flat: (i: number) => (i % 50 === 7 ? -0.01 * (1 + (i % 3)) : 0), flatWithLosses: (i: number) => (i % 10 === 3 ? -0.001 * (1 + (i % 7)) : 0), risingWithDips: (i: number) => (i % 50 === 7 ? -0.01 : 0.0001 * (1 + (i % 5))) };
    // Losses only on the bars a strided sample of 40 960 returns reads (every tenth): the sample puts the
    // 5 % point far too low, and the threshold is raised until the tail is whole.
    const sampledLosses = (i: number) => (i % 10 === 0 ? -0.001 * (1 + (i % 997) / 997) : 0.0005);
    // A long random curve: the gathered tail (≈ 25 000 returns) outgrows the buffer the shorter curves
    // left, while returns are being gathered into it.
    for (const shape of [...Object.keys(move), 'sampledLosses', 'longRandom'] as (keyof typeof move | 'sampledLosses' | 'longRandom')[]) {
      const n = shape === 'sampledLosses' ? 40_960 : shape === 'longRandom' ? 400_000 : 2001;
      const step = shape === 'sampledLosses' ? sampledLosses : shape === 'longRandom' ? move.random : move[shape];
      const eq = new Float64Array(n);
      let e = 100;
      for (let i = 0; i < n; i++) eq[i] = e *= 1 + step(i);
      const time = Float64Array.from({ length: n }, (_, i) => i * 60_000);
      const m = computeMetrics(eq, time, [], 100, 0, 0);
      // With a benchmark, the tail is gathered in the benchmark's pass instead: the same figures, bit for bit.
      const withBenchmark = computeMetrics(eq, time, [], 100, 0, 0, { benchmark: Float64Array.from({ length: n }, (_, i) => 50 + Math.sin(i)) });
      expect([withBenchmark.var95, withBenchmark.cvar95]).toEqual([m.var95, m.cvar95]);
      const rets = Array.from(eq, (v, i) => v / (i ? eq[i - 1]! : 100) - 1).sort((a, b) => a - b);
      const k = Math.ceil(n * 0.05);
      expect(m.var95).toBeCloseTo(Math.max(0, -rets[k - 1]!) * 100, 12);
      expect(m.cvar95).toBeCloseTo(Math.max(0, -rets.slice(0, k).reduce((a, b) => a + b, 0) / k) * 100, 12);
    }
  });
});

describe('computeMetrics: the one-pass sums agree with the textbook formulas', () => {
  it('volatility, Sortino, drawdown, beta and alpha on a random curve against a trending benchmark', () => {
    let seed = 11;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5;
    const n = 5000;
    const eq = new Float64Array(n), bench = new Float64Array(n);
    let e = 100, b = 50;
    for (let i = 0; i < n; i++) {
      const rb = 0.002 + rand() * 0.01;
      bench[i] = b *= 1 + rb;
      eq[i] = e *= 1 + (i % 3 === 0 ? 0 : 1.5 * rb + rand() * 0.01);
    }
    const time = Float64Array.from({ length: n }, (_, i) => i * 3_600_000);
    const m = computeMetrics(eq, time, [], 100, 0, 0, { benchmark: bench });
    const r = Array.from(eq, (v, i) => v / (i ? eq[i - 1]! : 100) - 1);
    const mean = r.reduce((a, x) => a + x, 0) / n;
    const sd = Math.sqrt(r.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
    const down = Math.sqrt(r.reduce((a, x) => a + (x < 0 ? x * x : 0), 0) / n);
    expect(m.volatility).toBeCloseTo(sd * Math.sqrt(m.periodsPerYear) * 100, 9);
    expect(m.sortino!).toBeCloseTo((mean / down) * Math.sqrt(m.periodsPerYear), 9);
    let peak = 100, dd = 0;
    for (const v of eq) dd = Math.max(dd, 1 - v / (peak = Math.max(peak, v)));
    expect(m.maxDrawdown).toBeCloseTo(dd * 100, 12);
    // The longest run under the running peak, counted bar by bar, on this curve and on one that ends
    // under water and starts below the initial cash.
    const longest = (curve: Float64Array, start: number) => {
      let top = start, run = 0, best = 0;
      for (const v of curve) {
        if (v >= top) (top = v), (run = 0);
        else best = Math.max(best, ++run);
      }
      return best;
    };
    expect(m.maxDrawdownBars).toBe(longest(eq, 100));
    expect(m.maxDrawdownBars).toBeGreaterThan(5);
    const sinking = eq.map((v, i) => v * (1 - i / n) * 0.9);
    expect(computeMetrics(sinking, time, [], 100, 0, 0).maxDrawdownBars).toBe(longest(sinking, 100));
    const rs = r.slice(1), rb = Array.from(bench, (v, i) => (i ? v / bench[i - 1]! - 1 : 0)).slice(1);
    const ms = rs.reduce((a, x) => a + x, 0) / rs.length, mb = rb.reduce((a, x) => a + x, 0) / rb.length;
    const cov = rs.reduce((a, x, i) => a + (x - ms) * (rb[i]! - mb), 0), varB = rb.reduce((a, x) => a + (x - mb) ** 2, 0);
    expect(m.beta! / (cov / varB)).toBeCloseTo(1, 10);
    expect(m.alpha! / ((ms - (cov / varB) * mb) * m.periodsPerYear * 100)).toBeCloseTo(1, 8);
  });
});

describe('computeMetrics: flat runs', () => {
  // Every maximal stretch of equal, finite, non-zero equity, as the executor records them (its `flat`).
  const runsOf = (eq: Float64Array) => {
    const runs: number[] = [];
    for (let a = 0; a < eq.length; ) {
      let b = a + 1;
      while (b < eq.length && eq[b] === eq[a]) b++;
      if (b - a > 1 && eq[a]! / eq[a]! === 1) runs.push(a, b);
      a = b;
    }
    return { runs: Int32Array.from(runs), count: runs.length / 2 };
  };

  it('skipping them gives the same figures, bit for bit', () => {
    let seed = 5;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5;
    const n = 20_000;
    const time = Float64Array.from({ length: n }, (_, i) => i * 60_000);
    const bench = new Float64Array(n);
    let b = 50;
    for (let i = 0; i < n; i++) bench[i] = b *= 1 + rand() * 0.01;
    // Flat from the start at the initial cash, flat at new peaks and under water, runs of 2 bars and
    // of hundreds, a run to the end; losses in 3 % or 10 % of the moving bars (the tail in the zeros, or below).
    for (const losing of [0.03, 0.1]) {
      const eq = new Float64Array(n);
      let e = 100, i = 0;
      while (i < n) {
        const flat = i === 0 ? 300 : Math.floor((rand() + 0.5) * 400) + 2 * +(rand() > 0);
        for (let j = 0; j < flat && i < n; j++) eq[i++] = e;
        const moving = Math.floor((rand() + 0.5) * 200);
        for (let j = 0; j < moving && i < n; j++) eq[i++] = e *= 1 + (rand() + 0.5 < losing ? -0.01 : rand() * 0.002 + 0.0008);
      }
      const flat = runsOf(eq);
      expect(flat.count).toBeGreaterThan(20);
      const without = computeMetrics(eq, time, [], 100, 0, 0, { benchmark: bench, tradedNotional: 1e5 });
      const withRuns = computeMetrics(eq, time, [], 100, 0, 0, { benchmark: bench, tradedNotional: 1e5, flat });
      expect(withRuns).toEqual(without);
      // Only some of the runs recorded (the executor records the stretches with no position held), or
      // each cut in two (as where a block or a call ends): the same figures.
      const pairs = Array.from({ length: flat.count }, (_, q) => [flat.runs[2 * q]!, flat.runs[2 * q + 1]!] as const);
      const some = Int32Array.from(pairs.filter((_, q) => q % 3 !== 1).flat());
      const cut = Int32Array.from(pairs.flatMap(([a, b]) => (b - a >= 4 ? [a, a + ((b - a) >> 1), a + ((b - a) >> 1), b] : [a, b])));
      for (const runs of [some, cut]) expect(computeMetrics(eq, time, [], 100, 0, 0, { benchmark: bench, tradedNotional: 1e5, flat: { runs, count: runs.length / 2 } })).toEqual(without);
      // A sweep's runs keep the benchmark's sums (memo) and sum the strategy's terms over its moving bars.
      const kept = new Map<string, unknown>();
      const memo = <T,>(key: string, make: () => T): T => (kept.has(key) ? kept.get(key) : kept.set(key, make()).get(key)) as T;
      for (let run = 0; run < 2; run++) expect(computeMetrics(eq, time, [], 100, 0, 0, { benchmark: bench, tradedNotional: 1e5, flat, memo })).toEqual(without);
      expect(kept.size).toBe(1);
      expect(without.beta).not.toBeNull();
      expect(without.maxDrawdownBars).toBeGreaterThan(300);
    }
  });

  it('with the memo, the tail gathered in the benchmark pass counts bar 0 (which that pass does not sum)', () => {
    // Bar 0 loses 20 % against the initial cash (the worst return), bar 1 repeats it (a first return of 0:
    // the memo's path), then a curve that moves; one sweep set's figures with the memo, one without.
    const n = 4_000;
    const time = Float64Array.from({ length: n }, (_, i) => i * 60_000);
    const bench = Float64Array.from({ length: n }, (_, i) => 50 + Math.sin(i / 7));
    const eq = Float64Array.from({ length: n }, (_, i) => (i < 2 ? 80 : 80 + Math.sin(i / 3) + i / 1000));
    const kept = new Map<string, unknown>();
    const memo = <T,>(key: string, make: () => T): T => (kept.has(key) ? kept.get(key) : kept.set(key, make()).get(key)) as T;
    const without = computeMetrics(eq, time, [], 100, 0, 0, { benchmark: bench });
    const withMemo = computeMetrics(eq, time, [], 100, 0, 0, { benchmark: bench, memo });
    expect(kept.size).toBe(1);
    expect(withMemo).toEqual(without);
    // The 20 % loss is among the worst 5 % of the 4 000 returns, whose mean it pulls under −0.1 %.
    expect(without.cvar95).toBeGreaterThan(0.1);
  });
});

describe('measure: the lowest bar', () => {
  // The first bar of least equity, brute force (a NaN is never lower).
  const firstLowest = (eq: Float64Array) => eq.reduce((at, e, i) => (e < eq[at]! ? i : at), 0);

  it('is the first bar of lowest equity, found in the drawdown pass', () => {
    const time = (n: number) => Float64Array.from({ length: n }, (_, i) => i * 60_000);
    const cases = [
      [100, 100, 100], // flat at the initial cash: bar 0
      [99, 98, 97, 99, 101, 96, 96, 102, 96], // a new low under a later peak; the same low again is not first
      [101, 102, 100.5, 103], // bar 0 above the initial cash, the low under a later peak
      [101, 102, 103, 104], // rising from above the initial cash: bar 0 is a peak and the lowest
      [98, NaN, 97, NaN, 99], // NaN is never lower
      [NaN, 90, 80], // nor is anything lower than a NaN first bar
      [100, 90, 95, 90, 85, 110, 85, 84.9], // equal lows keep the first; the last bar the lowest
    ];
    for (const c of cases) {
      const eq = Float64Array.from(c);
      expect(measure(eq, time(eq.length), [], 100, 0, 0).lowestBar, c.join(' ')).toBe(firstLowest(eq));
    }
  });

  it('skips flat runs and still finds it', () => {
    let seed = 11;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5;
    for (let round = 0; round < 20; round++) {
      const n = 3000;
      const eq = new Float64Array(n);
      const runs: number[] = [];
      let e = 100, i = 0;
      while (i < n) {
        const flat = Math.floor((rand() + 0.5) * 60) + 2;
        if (i + flat <= n) runs.push(i, i + flat);
        for (let j = 0; j < flat && i < n; j++) eq[i++] = e;
        const moving = Math.floor((rand() + 0.5) * 40);
        for (let j = 0; j < moving && i < n; j++) eq[i++] = e *= 1 + rand() * 0.02;
      }
      const flat = { runs: Int32Array.from(runs), count: runs.length / 2 };
      const time = Float64Array.from({ length: n }, (_, k) => k * 60_000);
      expect(measure(eq, time, [], 100, 0, 0, { flat }).lowestBar).toBe(firstLowest(eq));
      expect(measure(eq, time, [], 100, 0, 0).lowestBar).toBe(firstLowest(eq));
    }
  });
});
