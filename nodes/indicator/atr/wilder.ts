import { wilderPart } from '../wilder.ts';

/**
 * TA-Lib's ATR as a plain-data stepper, shared by the ATR, NATR, Keltner and SuperTrend nodes so all
 * four agree to the last bit: true range from the second bar (it needs the previous close), seeded with
 * the SMA of the first N true ranges, then Wilder's smoothing (../wilder.ts: TA-Lib's values to the
 * last bits, not bit for bit).
 */
export interface AtrState {
  prevClose: number;
  count: number;
  sum: number;
  value: number;
}

export function atrState(): AtrState {
  return { prevClose: NaN, count: 0, sum: 0, value: NaN };
}

export function resetAtr(s: AtrState): void {
  s.prevClose = NaN;
  s.count = 0;
  s.sum = 0;
  s.value = NaN;
}

/** Largest of the bar's range and its gaps from the previous close, compared in TA-Lib's order. */
export function trueRange(high: number, low: number, prevClose: number): number {
  let tr = high - low;
  const up = Math.abs(prevClose - high);
  if (up > tr) tr = up;
  const down = Math.abs(prevClose - low);
  if (down > tr) tr = down;
  return tr;
}

/**
 * Advance one bar, whatever it holds: a NaN high, low or close restarts the warm-up and reads NaN; any
 * other bar goes to {@link stepAtr}.
 */
export function stepAtrBar(s: AtrState, period: number, bar: { readonly high: number; readonly low: number; readonly close: number }): number {
  const { high, low, close } = bar;
  if (high !== high || low !== low || close !== close) {
    resetAtr(s);
    return NaN;
  }
  return stepAtr(s, period, high, low, close);
}

/** Advance one bar with defined high, low and close; the ATR, or NaN until N true ranges have been seen. */
export function stepAtr(s: AtrState, period: number, high: number, low: number, close: number): number {
  const prevClose = s.prevClose;
  s.prevClose = close;
  if (prevClose !== prevClose) return NaN;
  const tr = trueRange(high, low, prevClose);
  if (s.count < period) {
    s.sum += tr;
    s.count++;
    if (s.count < period) return NaN;
    s.value = s.sum / period;
    return s.value;
  }
  s.value = s.value + (tr - s.value) * wilderPart(period);
  return s.value;
}

/**
 * {@link stepAtrBar} over bars [from, to) of columns, the state in locals (a node kernel's loop). The
 * same operations in the same order, so it leaves bit-identical values and state.
 */
export function atrColumns(s: AtrState, period: number, high: Float64Array, low: Float64Array, close: Float64Array, out: Float64Array, from: number, to: number): void {
  let prevClose = s.prevClose, count = s.count, sum = s.sum, value = s.value;
  const part = wilderPart(period);
  for (let t = from; t < to; t++) {
    if (count === period && prevClose === prevClose) {
      // Warmed up: a loop with nothing else in it while the bars hold numbers (their sum is not NaN), the
      // same operations as below. With the warm-up and NaN paths in the same loop body it ran 2× slower.
      let pc = prevClose, v = value;
      for (; t < to; t++) {
        const h = high[t]!, l = low[t]!, c = close[t]!;
        if (!(h + l + c === h + l + c)) break;
        let tr = h - l;
        const up = Math.abs(pc - h);
        if (up > tr) tr = up;
        const down = Math.abs(pc - l);
        if (down > tr) tr = down;
        v = v + (tr - v) * part;
        out[t] = v;
        pc = c;
      }
      prevClose = pc;
      value = v;
      if (t === to) break;
    }
    const h = high[t]!, l = low[t]!, c = close[t]!;
    if (h !== h || l !== l || c !== c) {
      prevClose = NaN;
      count = 0;
      sum = 0;
      value = NaN;
      out[t] = NaN;
      continue;
    }
    const pc = prevClose;
    prevClose = c;
    if (pc !== pc) {
      out[t] = NaN;
      continue;
    }
    let tr = h - l;
    const up = Math.abs(pc - h);
    if (up > tr) tr = up;
    const down = Math.abs(pc - l);
    if (down > tr) tr = down;
    if (count < period) {
      sum += tr;
      count++;
      if (count < period) {
        out[t] = NaN;
        continue;
      }
      value = sum / period;
    } else value = value + (tr - value) * part;
    out[t] = value;
  }
  s.prevClose = prevClose;
  s.count = count;
  s.sum = sum;
  s.value = value;
}
