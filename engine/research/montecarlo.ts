import { z } from 'zod';
import { mulberry32, randomInt, shuffleInPlace, streamSeed, type Random } from './prng.ts';
import { histogram, maxDrawdownPct, percentileTable, type HistogramBin, type PercentileTable } from './stats.ts';

export const MonteCarloMethod = z
  .enum(['reshuffle', 'tradeBootstrap', 'blockBootstrap'])
  .describe('reshuffle: the same trades in a random order (final return unchanged, drawdown varies); tradeBootstrap: trades drawn with replacement; both compound each trade\'s return on the equity it was entered with. blockBootstrap: blocks of per-bar returns drawn with replacement.');
export type MonteCarloMethod = z.infer<typeof MonteCarloMethod>;

/** What the paths resample: the base backtest's trade PnLs and its per-bar equity. */
export interface MonteCarloSource {
  /** Net PnL of each trade in order (an open trade at the end included, marked at the last close). */
  tradePnls: Float64Array;
  /** Equity at each bar's close. */
  equity: Float64Array;
  initialCash: number;
}

export interface PathOutcome {
  /** Percent. */
  finalReturn: number;
  /** Percent, positive. */
  maxDrawdown: number;
}

/**
 * Each trade's net PnL as a fraction of the account's equity when it was entered: the initial cash plus
 * the PnL of the trades before it (exact for trades that do not overlap, as one symbol's never do). A
 * path compounds these, so a trade sized at a percent of equity keeps that size whenever it is drawn:
 * adding dollar PnLs instead took a strategy that bets all its equity below −100 % when its early, large
 * losses were drawn late or twice. Once the account has nothing left, later trades return 0.
 */
export function tradeReturns(pnls: Float64Array, initialCash: number): Float64Array {
  let e = initialCash;
  return Float64Array.from(pnls, (pnl) => {
    const r = e > 0 ? pnl / e : 0;
    e += pnl;
    return r;
  });
}

/**
 * Trade-level path: the account's equity after each trade (as a multiple of the initial cash), trades
 * taken in the drawn order and compounded, never below 0 (ruin). Drawdown is measured at trade exits, so
 * it misses dips inside a trade (the block bootstrap sees those).
 */
function tradePath(returns: Float64Array): PathOutcome {
  const equity = new Float64Array(returns.length);
  let e = 1;
  for (let i = 0; i < returns.length; i++) equity[i] = e = Math.max(0, e * (1 + returns[i]!));
  return { finalReturn: (e - 1) * 100, maxDrawdown: maxDrawdownPct(equity, 1) };
}

/**
 * Circular block bootstrap of per-bar returns: a path as long as the backtest, built from blocks of
 * `blockLength` consecutive returns starting at random bars (wrapping round the end), which keeps
 * short-range dependence such as volatility clusters and trend runs inside each block.
 */
function blockPath(returns: Float64Array, blockLength: number, random: Random): PathOutcome {
  const n = returns.length;
  let e = 1;
  let peak = 1;
  let worst = 0;
  for (let filled = 0; filled < n; ) {
    let at = randomInt(random, n);
    for (let j = 0; j < blockLength && filled < n; j++, filled++) {
      e *= 1 + returns[at]!;
      if (e > peak) peak = e;
      else worst = Math.max(worst, 1 - e / peak);
      at = at + 1 === n ? 0 : at + 1;
    }
  }
  return { finalReturn: (e - 1) * 100, maxDrawdown: worst * 100 };
}

export function barReturns(equity: Float64Array, initialCash: number): Float64Array {
  const r = new Float64Array(equity.length);
  let prev = initialCash;
  for (let i = 0; i < equity.length; i++) {
    r[i] = equity[i]! / prev - 1;
    prev = equity[i]!;
  }
  return r;
}

/**
 * Paths `[from, to)` of a Monte Carlo run. Path `p` draws from its own stream seeded by `(seed, p)`, so
 * the paths are the same however the range is split between activities and workers.
 */
export function simulatePaths(source: MonteCarloSource, method: MonteCarloMethod, options: { seed: number; from: number; to: number; blockLength: number }): { finalReturns: number[]; maxDrawdowns: number[] } {
  const finalReturns: number[] = [];
  const maxDrawdowns: number[] = [];
  const returns = method === 'blockBootstrap' ? barReturns(source.equity, source.initialCash) : undefined;
  const trades = method === 'blockBootstrap' ? undefined : tradeReturns(source.tradePnls, source.initialCash);
  const drawn = new Float64Array(source.tradePnls.length);
  for (let p = options.from; p < options.to; p++) {
    const random = mulberry32(streamSeed(options.seed, p));
    let out: PathOutcome;
    if (method === 'blockBootstrap') {
      out = blockPath(returns!, Math.max(1, options.blockLength), random);
    } else if (method === 'reshuffle') {
      drawn.set(trades!);
      shuffleInPlace(drawn, random);
      out = tradePath(drawn);
    } else {
      for (let i = 0; i < drawn.length; i++) drawn[i] = trades![randomInt(random, drawn.length)]!;
      out = tradePath(drawn);
    }
    finalReturns.push(out.finalReturn);
    maxDrawdowns.push(out.maxDrawdown);
  }
  return { finalReturns, maxDrawdowns };
}

export interface MonteCarloDistribution {
  paths: number;
  finalReturn: PercentileTable & { histogram: HistogramBin[] };
  maxDrawdown: PercentileTable & { histogram: HistogramBin[] };
  /** Share of paths that end below the initial cash, percent. */
  probabilityOfLoss: number;
}

/** Percentile tables and histograms of the simulated paths' final returns and drawdowns. */
export function summarizePaths(finalReturns: readonly number[], maxDrawdowns: readonly number[], bins = 30): MonteCarloDistribution {
  return {
    paths: finalReturns.length,
    finalReturn: { ...percentileTable(finalReturns), histogram: histogram(finalReturns, bins) },
    maxDrawdown: { ...percentileTable(maxDrawdowns), histogram: histogram(maxDrawdowns, bins) },
    probabilityOfLoss: finalReturns.length ? (finalReturns.filter((r) => r < 0).length / finalReturns.length) * 100 : 0,
  };
}
