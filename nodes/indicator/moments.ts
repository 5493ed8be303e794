/**
 * Running moments of a rolling window, so its mean and standard deviation cost O(1) a bar instead of a
 * walk over the window (Standard deviation and Z-score: ≈ 120 ns a bar at 20 bars before). The technique
 * is Bollinger's kernel's: Σd and Σd² with d = value − `shift`, where `shift` is a value of the window, so
 * Σd² − (Σd)²/n stays accurate when the mean is large next to the spread; summed afresh from the window
 * each time the ring's head wraps (every `size` values) and after a restart, so rounding never builds
 * up past one window. `same` counts the trailing run of identical values: a flat window has a deviation
 * of exactly 0 and its own value as the mean. Plain numbers, so a node's state stays JSON.
 */
export interface Moments {
  shift: number;
  sum: number;
  sumSq: number;
  same: number;
  last: number;
}

export function noMoments(): Moments {
  return { shift: NaN, sum: 0, sumSq: 0, same: 0, last: NaN };
}

/** Empty the moments, as a NaN empties the window. */
export function clearMoments(m: Moments): void {
  m.shift = NaN;
  m.sum = m.sumSq = m.same = 0;
  m.last = NaN;
}

/**
 * Take in `x`, just written into a ring (see ring.ts: each value at `head − 1` and `head − 1 + size`,
 * the window contiguous from `head + size − count`), whose head is now `head` and which holds `count`
 * values; `leaving` is the value it pushed out, NaN when the window was not full.
 */
export function momentsPush(m: Moments, buf: ArrayLike<number>, head: number, count: number, size: number, x: number, leaving: number): void {
  m.same = x === m.last ? m.same + 1 : 1;
  m.last = x;
  if (head === 0 || m.shift !== m.shift) {
    const start = head + size - count, shift = buf[start]!;
    let sum = 0, sumSq = 0;
    for (let i = start; i < start + count; i++) {
      const d = buf[i]! - shift;
      sum += d;
      sumSq += d * d;
    }
    m.shift = shift;
    m.sum = sum;
    m.sumSq = sumSq;
    return;
  }
  const d = x - m.shift;
  let sum = m.sum + d, sumSq = m.sumSq + d * d;
  if (leaving === leaving) {
    const o = leaving - m.shift;
    sum -= o;
    sumSq -= o * o;
  }
  m.sum = sum;
  m.sumSq = sumSq;
}

/**
 * How far `x`, the newest value, lies from the mean: (x − shift) − Σd/n, not x − mean, so a mean large
 * next to the spread costs no precision (1e7 + noise of 0.01: a z-score off by up to 5 % from x − mean).
 */
export function momentsDeviation(m: Moments, n: number, x: number): number {
  return m.same >= n ? 0 : x - m.shift - m.sum / n;
}

/** Their standard deviation, population (÷ n) or sample (÷ (n − 1)); exactly 0 for a flat window. */
export function momentsStdev(m: Moments, n: number, sample: boolean): number {
  if (m.same >= n) return 0;
  // Rounding can leave Σd² a hair below (Σd)²/n: that is a deviation of 0.
  return Math.sqrt(Math.max(0, m.sumSq - (m.sum * m.sum) / n) / (sample ? n - 1 : n));
}

/**
 * The moments plus Σ i·d, with i = 0 for the window's oldest value: the running sums of a least-squares
 * line through the window against bar numbers (Linear regression), O(1) a bar instead of a walk over
 * the window. Summed afresh as the moments are (at each wrap of the ring's head and after a restart).
 */
export interface LineMoments extends Moments {
  sumIndexed: number;
}

export function noLineMoments(): LineMoments {
  return { ...noMoments(), sumIndexed: 0 };
}

export function clearLineMoments(m: LineMoments): void {
  clearMoments(m);
  m.sumIndexed = 0;
}

/** `momentsPush` for line moments. */
export function linePush(m: LineMoments, buf: ArrayLike<number>, head: number, count: number, size: number, x: number, leaving: number): void {
  m.same = x === m.last ? m.same + 1 : 1;
  m.last = x;
  if (head === 0 || m.shift !== m.shift) {
    const start = head + size - count, shift = buf[start]!;
    let sum = 0, sumSq = 0, sumIndexed = 0;
    for (let i = 0; i < count; i++) {
      const d = buf[start + i]! - shift;
      sum += d;
      sumSq += d * d;
      sumIndexed += i * d;
    }
    m.shift = shift;
    m.sum = sum;
    m.sumSq = sumSq;
    m.sumIndexed = sumIndexed;
    return;
  }
  const d = x - m.shift;
  if (leaving === leaving) {
    // Every value moves one bar older: Σ i·d loses Σd of the values that stay, and the new one comes in
    // at i = size − 1.
    const o = leaving - m.shift;
    const sum = m.sum - o + d;
    m.sumIndexed += size * d - sum;
    m.sum = sum;
    m.sumSq += d * d - o * o;
  } else {
    m.sumIndexed += (count - 1) * d;
    m.sum += d;
    m.sumSq += d * d;
  }
}
