/**
 * Pearson correlation of `n` pairs (a[ia + i], b[ib + i]), two-pass for accuracy. When either side is
 * flat (all its values identical) the correlation is undefined; it reads 0 (no co-movement), which is
 * also what TA-Lib's CORREL gives. Rounding can nudge a perfect correlation past ±1, so it is clamped.
 * A side is flat when every value equals its first, tested as numbers combined with &: tracking the
 * lowest and highest took branches that mispredict often (the Correlation kernel ≈ 2× slower).
 */
export function pearson(a: readonly number[], ia: number, b: readonly number[], ib: number, n: number): number {
  let sa = 0;
  let sb = 0;
  const firstA = a[ia]!, firstB = b[ib]!;
  let flatA = 1, flatB = 1;
  for (let i = 0; i < n; i++) {
    const x = a[ia + i]!;
    const y = b[ib + i]!;
    sa += x;
    sb += y;
    flatA &= +(x === firstA);
    flatB &= +(y === firstB);
  }
  if (flatA === 1 || flatB === 1) return 0;
  const ma = sa / n;
  const mb = sb / n;
  let saa = 0;
  let sbb = 0;
  let sab = 0;
  for (let i = 0; i < n; i++) {
    const x = a[ia + i]! - ma;
    const y = b[ib + i]! - mb;
    saa += x * x;
    sbb += y * y;
    sab += x * y;
  }
  const r = sab / Math.sqrt(saa * sbb);
  return r > 1 ? 1 : r < -1 ? -1 : r;
}
