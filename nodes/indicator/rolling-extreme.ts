import { ring, ringClear, ringPush, ringStart, type Ring } from './ring.ts';

/** State shared by the rolling minimum and maximum: the window, the extreme and how many bars ago it came. */
export interface ExtremeState {
  window: Ring;
  extreme: number;
  age: number;
}

export function extremeInit(period: number): ExtremeState {
  return { window: ring(period), extreme: NaN, age: 0 };
}

/**
 * Push `x` and return the lowest (or highest) of the last `period` values, NaN until the window is full.
 * Amortised O(1): the window is rescanned only when the current extreme falls out of it.
 */
export function extremeStep(s: ExtremeState, x: number, highest: boolean): number {
  const w = s.window;
  if (Number.isNaN(x)) {
    ringClear(w);
    return NaN;
  }
  ringPush(w, x);
  s.age++;
  // Ties take the newer value, which stays in the window longer.
  if (w.count === 1 || (highest ? x >= s.extreme : x <= s.extreme)) {
    s.extreme = x;
    s.age = 0;
  } else if (s.age >= w.size) {
    const start = ringStart(w);
    let best = w.buf[start]!;
    let at = 0;
    for (let i = 1; i < w.count; i++) {
      const v = w.buf[start + i]!;
      if (highest ? v >= best : v <= best) {
        best = v;
        at = i;
      }
    }
    s.extreme = best;
    s.age = w.count - 1 - at;
  }
  return w.count === w.size ? s.extreme : NaN;
}

/**
 * How far back from the newest value (0 = the newest) the highest, or with `highest` false the lowest, of
 * the `n` newest values of a ring lies; ties take the newer. The ring has `size` slots, its newest value
 * at `newest`, and the older ones before it (wrapping at 0).
 */
export function extremeAge(buf: ArrayLike<number>, newest: number, size: number, n: number, highest: boolean): number {
  let best = buf[newest]!, age = 0, a = 1;
  // Back from the newest to slot 0, then from the last slot: split where the ring wraps, so the walk
  // tests no wrap per value.
  for (let i = newest - 1; i >= 0 && a < n; i--, a++) {
    const v = buf[i]!;
    if (highest ? v > best : v < best) {
      best = v;
      age = a;
    }
  }
  for (let i = size - 1; a < n; i--, a++) {
    const v = buf[i]!;
    if (highest ? v > best : v < best) {
      best = v;
      age = a;
    }
  }
  return age;
}

/**
 * A rolling extreme's age after `x` was written at `newest` (see `extremeAge`), given the extreme and its
 * age before: 0 when `x` reaches it, one more while it stays within the `n` newest values, else found
 * again by a scan. So a window's highest or lowest costs O(1) a bar but on the bars where it leaves the
 * window, not a walk over the window every bar. An `age` of −1 (or a missing one, in a state saved
 * before the extremes were kept) means unknown, and scans.
 */
export function extremeAgeAfter(buf: ArrayLike<number>, newest: number, size: number, n: number, highest: boolean, x: number, extreme: number, age: number): number {
  if (highest ? x >= extreme : x <= extreme) return 0;
  if (age >= 0 && age + 1 < n) return age + 1;
  return extremeAge(buf, newest, size, n, highest);
}

/** The slot `age` values back from `newest` in a ring of `size` slots. */
export function ringBack(newest: number, age: number, size: number): number {
  return newest - age < 0 ? newest - age + size : newest - age;
}

/** A window of highs and lows whose highest high and lowest low are kept with their ages (`extremeAgeAfter`). */
export interface HighLowWindow {
  highs: number[];
  lows: number[];
  /** The slot the next bar goes in (the newest is the one before it). */
  next: number;
  count: number;
  hh: number;
  hhAge: number;
  ll: number;
  llAge: number;
}

/**
 * A state saved before its extremes were kept has none: they are found in its ring, over the `n` newest
 * bars of its `size` slots, before it steps again (after that, `extremeAgeAfter` keeps them).
 */
export function keepExtremes(s: HighLowWindow, size: number, n: number): void {
  if (s.hhAge !== undefined) return;
  if (s.count === 0) {
    s.hh = s.ll = NaN;
    s.hhAge = s.llAge = -1;
    return;
  }
  const newest = s.next === 0 ? size - 1 : s.next - 1, m = Math.min(s.count, n);
  s.hhAge = extremeAge(s.highs, newest, size, m, true);
  s.hh = s.highs[ringBack(newest, s.hhAge, size)]!;
  s.llAge = extremeAge(s.lows, newest, size, m, false);
  s.ll = s.lows[ringBack(newest, s.llAge, size)]!;
}

/**
 * `extremeAgeAfter` for a highest high and a lowest low kept as four numbers of `ext` from `at`: the
 * high, its age, the low, its age (ages −1 when unknown). For a node with several windows over one ring.
 */
export function trackHighLow(ext: number[], at: number, highs: ArrayLike<number>, lows: ArrayLike<number>, newest: number, size: number, n: number): void {
  const highAge = extremeAgeAfter(highs, newest, size, n, true, highs[newest]!, ext[at]!, ext[at + 1]!);
  ext[at] = highs[ringBack(newest, highAge, size)]!;
  ext[at + 1] = highAge;
  const lowAge = extremeAgeAfter(lows, newest, size, n, false, lows[newest]!, ext[at + 2]!, ext[at + 3]!);
  ext[at + 2] = lows[ringBack(newest, lowAge, size)]!;
  ext[at + 3] = lowAge;
}

/** Four numbers per window for `trackHighLow`, all unknown. */
export function unknownHighLows(windows: number): number[] {
  return Array.from({ length: 4 * windows }, (_, i) => (i % 2 === 0 ? NaN : -1));
}
