/**
 * One linearly weighted average (weights 1…N, newest heaviest) inside a bigger indicator (WMA, HMA).
 * Kept as two running sums, as TA-Lib does, so a bar costs O(1) whatever the period: sliding the
 * window lowers every weight by one, which is subtracting the plain sum once.
 */
export interface WmaStage {
  window: number[];
  next: number;
  count: number;
  sum: number;
  weighted: number;
}

export function wmaStage(period: number): WmaStage {
  return { window: new Array<number>(period).fill(0), next: 0, count: 0, sum: 0, weighted: 0 };
}

export function resetWma(s: WmaStage): void {
  s.next = 0;
  s.count = 0;
  s.sum = 0;
  s.weighted = 0;
}

/**
 * Feed one defined value and return the average, or NaN until `period` values have arrived.
 *
 * @example
 * const s = wmaStage(3); [1, 2, 6].map((x) => pushWma(s, 3, x)) // [NaN, NaN, (1 + 4 + 18) / 6]
 */
export function pushWma(s: WmaStage, period: number, x: number): number {
  if (s.count === period) {
    s.weighted += period * x - s.sum;
    s.sum += x - s.window[s.next];
  } else {
    s.count++;
    s.weighted += s.count * x;
    s.sum += x;
  }
  s.window[s.next] = x;
  s.next = s.next + 1 === period ? 0 : s.next + 1;
  return s.count === period ? s.weighted / ((period * (period + 1)) / 2) : NaN;
}
