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
