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
  init: (p) => ({ typical: new Array<number>(p.period).fill(0), next: 0, count: 0 }),
  step(s, p, input, out) {
    const { high, low, close } = input.bars;
    const tp = (high + low + close) / 3;
    if (Number.isNaN(tp)) {
      s.next = 0;
      s.count = 0;
      out.value = NaN;
      return;
    }
    s.typical[s.next] = tp;
    s.next = s.next + 1 === p.period ? 0 : s.next + 1;
    if (s.count < p.period) s.count++;
    if (s.count < p.period) {
      out.value = NaN;
      return;
    }
    let sum = 0;
    let lo = tp;
    let hi = tp;
    for (let i = 0; i < p.period; i++) {
      const v = s.typical[i];
      sum += v;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    // Tested on the values themselves: a mean of equal values can miss them by a rounding step.
    if (lo === hi) {
      out.value = 0;
      return;
    }
    const mean = sum / p.period;
    let deviation = 0;
    for (let i = 0; i < p.period; i++) deviation += Math.abs(s.typical[i] - mean);
    out.value = (tp - mean) / (0.015 * (deviation / p.period));
  },
  kernel(s, p, input, out, from, to) {
    const H = input.bars.high, L = input.bars.low, C = input.bars.close, y = out.value;
    const typical = s.typical, period = p.period;
    let next = s.next, count = s.count;
    for (let t = from; t < to; t++) {
      const tp = (H[t]! + L[t]! + C[t]!) / 3;
      if (tp !== tp) {
        next = 0;
        count = 0;
        y[t] = NaN;
        continue;
      }
      typical[next] = tp;
      next = next + 1 === period ? 0 : next + 1;
      if (count < period) count++;
      if (count < period) {
        y[t] = NaN;
        continue;
      }
      let sum = 0;
      let lo = tp;
      let hi = tp;
      for (let i = 0; i < period; i++) {
        const v = typical[i]!;
        sum += v;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      if (lo === hi) {
        y[t] = 0;
        continue;
      }
      const mean = sum / period;
      let deviation = 0;
      for (let i = 0; i < period; i++) deviation += Math.abs(typical[i]! - mean);
      y[t] = (tp - mean) / (0.015 * (deviation / period));
    }
    s.next = next;
    s.count = count;
  },
});
