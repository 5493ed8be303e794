/** One out-of-sample window's equity, measured from the equity it started with. */
export interface EquitySegment {
  time: ArrayLike<number>;
  equity: ArrayLike<number>;
  /** Equity just before the segment's first bar. */
  startEquity: number;
}

/**
 * Join out-of-sample segments into one curve, compounding: each segment's returns apply to the equity
 * the previous segment ended with. The result reads as if one account had traded every out-of-sample
 * window in turn with the params chosen just before it.
 */
export function stitchEquity(segments: readonly EquitySegment[], initialCash: number): { time: Float64Array; equity: Float64Array } {
  const total = segments.reduce((a, s) => a + s.equity.length, 0);
  const time = new Float64Array(total);
  const equity = new Float64Array(total);
  let base = initialCash;
  let k = 0;
  for (const s of segments) {
    const scale = base / s.startEquity;
    for (let i = 0; i < s.equity.length; i++, k++) {
      time[k] = s.time[i]!;
      equity[k] = s.equity[i]! * scale;
    }
    if (s.equity.length) base = equity[k - 1]!;
  }
  return { time, equity };
}
