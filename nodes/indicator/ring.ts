/**
 * A rolling window as plain data, for the windowed statistics nodes (stdev, correlation, ADF…).
 *
 * Each value is written twice, at `head` and `head + size`, so the window always sits in one
 * contiguous run of `buf`, oldest first, from `ringStart(r)` to `ringStart(r) + r.count − 1`. Estimators
 * that walk the window several times per bar then index it directly, with no wrap-around arithmetic.
 */
export interface Ring {
  buf: number[];
  size: number;
  head: number;
  count: number;
}

export function ring(size: number): Ring {
  return { buf: new Array<number>(2 * size).fill(0), size, head: 0, count: 0 };
}

export function ringPush(r: Ring, x: number): void {
  r.buf[r.head] = x;
  r.buf[r.head + r.size] = x;
  r.head = r.head + 1 === r.size ? 0 : r.head + 1;
  if (r.count < r.size) r.count++;
}

export function ringClear(r: Ring): void {
  r.head = 0;
  r.count = 0;
}

/**
 * Push `x` into the window, or for a NaN empty it, so the warm-up restarts and no window ever reaches
 * across the gap. True when the window is full after this value (so never for a NaN).
 *
 * @example
 * if (!ringFeed(s.window, input.source)) { out.value = NaN; return; }
 */
export function ringFeed(r: Ring, x: number): boolean {
  if (Number.isNaN(x)) {
    ringClear(r);
    return false;
  }
  ringPush(r, x);
  return r.count === r.size;
}

/** Index in `r.buf` of the oldest value held. */
export function ringStart(r: Ring): number {
  return r.head + r.size - r.count;
}

export function ringFull(r: Ring): boolean {
  return r.count === r.size;
}
