/** The percentiles research summaries report (Monte Carlo tables, robustness checks). */
export const PERCENTILES = [5, 25, 50, 75, 95] as const;
export type PercentileTable = Record<`p${(typeof PERCENTILES)[number]}`, number>;

/** Percentile `p` (0–100) of sorted values, interpolating linearly between ranks (Excel's PERCENTILE.INC). */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const rank = (p / 100) * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export function percentileTable(values: ArrayLike<number>): PercentileTable {
  const sorted = Float64Array.from(values).sort();
  return Object.fromEntries(PERCENTILES.map((p) => [`p${p}`, percentileSorted(sorted, p)])) as PercentileTable;
}

export interface HistogramBin {
  from: number;
  to: number;
  count: number;
}

/** Equal-width bins from the smallest to the largest value; the last bin includes its upper edge. */
export function histogram(values: ArrayLike<number>, bins: number): HistogramBin[] {
  const n = values.length;
  if (n === 0) return [];
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < n; i++) {
    min = Math.min(min, values[i]!);
    max = Math.max(max, values[i]!);
  }
  // All values equal, or equal but for rounding (a reshuffle's final returns, the same product in
  // another order): one bin holding them all, rather than bins of zero width or of rounding noise.
  if (max - min <= 1e-9 * Math.max(Math.abs(min), Math.abs(max))) return [{ from: min, to: max, count: n }];
  const width = (max - min) / bins;
  const out = Array.from({ length: bins }, (_, i) => ({ from: min + i * width, to: i === bins - 1 ? max : min + (i + 1) * width, count: 0 }));
  for (let i = 0; i < n; i++) out[Math.min(bins - 1, Math.floor((values[i]! - min) / width))]!.count++;
  return out;
}

/** Deepest peak-to-trough fall of an equity path, percent (positive), with `start` as the first peak. */
export function maxDrawdownPct(equity: ArrayLike<number>, start: number): number {
  let peak = start;
  let worst = 0;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i]!;
    if (e > peak) peak = e;
    else if (peak > 0) worst = Math.max(worst, 1 - e / peak);
  }
  return worst * 100;
}
