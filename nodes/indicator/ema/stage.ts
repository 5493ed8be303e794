/**
 * One exponential average inside a bigger indicator (DEMA, TEMA, MACD, PPO), seeded exactly as TA-Lib
 * seeds it: the SMA of its first `period` inputs, then `k = 2/(period+1)`. Plain data, so it can sit in
 * a node's state and survive a replay.
 */
export interface EmaStage {
  value: number;
  count: number;
  sum: number;
}

export function emaStage(): EmaStage {
  return { value: NaN, count: 0, sum: 0 };
}

export function resetEma(s: EmaStage): void {
  s.value = NaN;
  s.count = 0;
  s.sum = 0;
}

/**
 * Feed one defined value and return the average, or NaN while the seed is still filling.
 *
 * @example
 * const s = emaStage(); [1, 5, 3, 10].map((x) => pushEma(s, 3, x)) // [NaN, NaN, 3, 6.5]
 */
export function pushEma(s: EmaStage, period: number, x: number): number {
  if (s.count < period) {
    s.sum += x;
    s.count++;
    if (s.count < period) return NaN;
    s.value = s.sum / period;
    return s.value;
  }
  s.value += (2 / (period + 1)) * (x - s.value);
  return s.value;
}
