/**
 * Pearson correlation of `n` pairs (a[ia + i], b[ib + i]), two-pass for accuracy. When either side is
 * flat (all its values identical) the correlation is undefined; it reads 0 (no co-movement), which is
 * also what TA-Lib's CORREL gives. Rounding can nudge a perfect correlation past ±1, so it is clamped.
 */
export function pearson(a: readonly number[], ia: number, b: readonly number[], ib: number, n: number): number {
  let sa = 0;
  let sb = 0;
  let loA = Infinity;
  let hiA = -Infinity;
  let loB = Infinity;
  let hiB = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = a[ia + i]!;
    const y = b[ib + i]!;
    sa += x;
    sb += y;
    if (x < loA) loA = x;
    if (x > hiA) hiA = x;
    if (y < loB) loB = y;
    if (y > hiB) hiB = y;
  }
  if (loA === hiA || loB === hiB) return 0;
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
