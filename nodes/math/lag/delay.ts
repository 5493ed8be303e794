/**
 * A delay line as plain data: the last N values of a series, shared by the Lag, Change and Percent
 * change nodes. It holds NaN until N values have passed and never restarts: a NaN goes in like any
 * other value and comes out N bars later.
 */
export interface Delay {
  window: number[];
  next: number;
}

export function delay(period: number): Delay {
  return { window: new Array<number>(period).fill(NaN), next: 0 };
}

/** Store this bar's `x` and return the value from N bars before it (NaN for the first N bars). */
export function delayShift(d: Delay, x: number): number {
  const then = d.window[d.next]!;
  d.window[d.next] = x;
  d.next = d.next + 1 === d.window.length ? 0 : d.next + 1;
  return then;
}
