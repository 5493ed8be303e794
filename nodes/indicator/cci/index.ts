import { z } from 'zod';
import { defineNode } from '../../contract.ts';

/** Commodity Channel Index (Lambert): typical price's distance from its mean, in mean deviations (TA-Lib's CCI). */
export const cci = defineNode({
  type: 'indicator.cci',
  version: 1,
  category: 'indicator',
  title: 'CCI',
  description: 'Commodity Channel Index: how far the typical price is from its average, roughly ±100 in normal swings.',
  docs: {
    example: 'CCI(20) crossing back above −100 as a mean-reversion buy.',
    caveats: [
      'Typical price TP = (high + low + close)/3; CCI = (TP − SMA(TP, N)) ÷ (0.015 × mean absolute deviation of TP from that SMA). The 0.015 puts most values within ±100; it is not bounded.',
      'First value at index N−1 (a full window), as in TA-Lib.',
      'Reads 0 when the typical price did not change over the window, as TA-Lib does, instead of dividing by a zero deviation.',
      'Costs O(N) per bar: the mean deviation must be recomputed around each new mean.',
      'A bar with a NaN high, low or close outputs NaN and restarts the window.',
    ],
  },
  inputs: { bars: { kind: 'bars', description: 'OHLC bars; uses high, low and close.' } },
  outputs: { value: { kind: 'number', description: 'CCI, unbounded; ±100 are the classic levels.' } },
  params: z.object({
    period: z.number().int().min(2).max(10_000).default(20).describe('Number of bars N in the window.'),
  }),
  warmup: (p) => p.period - 1,
  // `same` counts the trailing run of equal typical prices: the window is flat exactly when it reaches N,
  // which the loop once found by comparing every value with the lowest and highest: branches that
  // mispredict often, with which the kernel took ≈ 3× as long (in-process A/B, 20 bars). A state
  // saved before it existed counts it from its window.
  init: (p) => ({ typical: new Array<number>(p.period).fill(0), next: 0, count: 0, same: 0 }),
  step(s, p, input, out) {
    const { high, low, close } = input.bars;
    const tp = (high + low + close) / 3;
    s.same ??= trailingRun(s.typical, s.next, s.count, p.period);
    if (Number.isNaN(tp)) {
      s.next = 0;
      s.count = 0;
      s.same = 0;
      out.value = NaN;
      return;
    }
    s.same = s.count > 0 && tp === s.typical[s.next === 0 ? p.period - 1 : s.next - 1] ? s.same + 1 : 1;
    const newest = s.next;
    s.typical[newest] = tp;
    s.next = s.next + 1 === p.period ? 0 : s.next + 1;
    if (s.count < p.period) s.count++;
    out.value = s.count < p.period ? NaN : cciOf(s.typical, p.period, newest, s.same >= p.period);
  },
  kernel(s, p, input, out, from, to) {
    // NaN as a local (docs/engine.md, "NaN in a hot loop").
    const nan = NaN;
    const H = input.bars.high, L = input.bars.low, C = input.bars.close, y = out.value;
    const typical = s.typical, period = p.period;
    let next = s.next, count = s.count, same = (s.same ??= trailingRun(typical, next, count, period));
    for (let t = from; t < to; t++) {
      const tp = (H[t]! + L[t]! + C[t]!) / 3;
      if (tp !== tp) {
        next = 0;
        count = 0;
        same = 0;
        y[t] = nan;
        continue;
      }
      same = count > 0 && tp === typical[next === 0 ? period - 1 : next - 1] ? same + 1 : 1;
      const newest = next;
      typical[newest] = tp;
      next = next + 1 === period ? 0 : next + 1;
      if (count < period) count++;
      y[t] = count < period ? nan : cciOf(typical, period, newest, same >= period);
    }
    s.next = next;
    s.count = count;
    s.same = same;
  },
});

/**
 * CCI of a full window of typical prices (in any order: sums), the newest at `newest`; 0 when the window
 * is flat, as TA-Lib reads it, instead of dividing by a zero deviation (tested on the values, through
 * `same`: a mean of equal values can miss them by a rounding step).
 */
function cciOf(typical: readonly number[], period: number, newest: number, flat: boolean): number {
  if (flat) return 0;
  let sum = 0;
  for (let i = 0; i < period; i++) sum += typical[i]!;
  const mean = sum / period;
  let deviation = 0;
  for (let i = 0; i < period; i++) deviation += Math.abs(typical[i]! - mean);
  return (typical[newest]! - mean) / (0.015 * (deviation / period));
}

/** How many of the newest values held in a ring (`next` the slot after the newest) equal the newest. */
function trailingRun(values: readonly number[], next: number, count: number, size: number): number {
  const newest = next === 0 ? size - 1 : next - 1;
  let run = 0;
  for (let i = newest; run < count && values[i] === values[newest]; i = i === 0 ? size - 1 : i - 1) run++;
  return run;
}
