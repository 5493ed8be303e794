import { percentileSorted } from '../../engine/research/stats.ts';

/** A latency (or any) distribution as the trading benchmark reports it. */
export interface Distribution {
  n: number;
  min: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/**
 * Count, mean, min, max and the 50th/95th/99th percentiles of `values` (NaN dropped). Percentiles
 * interpolate linearly between ranks, the engine's own rule (`percentileSorted`, Excel's
 * PERCENTILE.INC), so the benchmark and the research summaries read percentiles the same way.
 */
export function distribution(values: ArrayLike<number>): Distribution {
  const sorted = Float64Array.from(values).filter((v) => v === v).sort();
  const n = sorted.length;
  if (n === 0) return { n: 0, min: NaN, mean: NaN, p50: NaN, p95: NaN, p99: NaN, max: NaN };
  let sum = 0;
  for (const v of sorted) sum += v;
  return { n, min: sorted[0]!, mean: sum / n, p50: percentileSorted(sorted, 50), p95: percentileSorted(sorted, 95), p99: percentileSorted(sorted, 99), max: sorted[n - 1]! };
}

/** A rate per second, or NaN when no time passed. */
export function perSecond(count: number, ms: number): number {
  return ms > 0 ? (count / ms) * 1000 : NaN;
}
