import { z } from 'zod';
import { defineNode } from '../../contract.ts';

/** Bollinger Bands: SMA ± k population standard deviations (TA-Lib's BBANDS), with %B and bandwidth. */
export const bollinger = defineNode({
  type: 'indicator.bollinger',
  version: 1,
  category: 'indicator',
  title: 'Bollinger Bands',
  description: 'A moving average with bands k standard deviations above and below it.',
  docs: {
    example: 'Bollinger(20, 2) of the close: %B below 0 (close under the lower band) as a mean-reversion entry.',
    caveats: [
      'First values at bar N (index N−1). The middle is the N-bar SMA and the deviation is the population standard deviation (divided by N, not N−1), as in TA-Lib’s BBANDS.',
      '%B = (source − lower) / (upper − lower): 0 on the lower band, 1 on the upper. When the bands collapse (N equal values) it reads 0.5.',
      'Bandwidth = (upper − lower) / middle, a ratio (0.1 = bands 10 % of the middle apart). Meant for positive series such as prices: it is NaN when the middle is exactly 0.',
      'The deviation is computed from the window itself each bar (not from running sums), so it is exactly 0 on flat data; TA-Lib rounds any variance below 1e-8 to 0, which only differs for series whose deviation is under 0.0001.',
      'A NaN input outputs NaN and restarts the window.',
    ],
  },
  inputs: { source: { kind: 'number', description: 'The series to band, usually the close.' } },
  outputs: {
    upper: { kind: 'number', description: 'Middle + k standard deviations.' },
    middle: { kind: 'number', description: 'The N-bar simple moving average.' },
    lower: { kind: 'number', description: 'Middle − k standard deviations.' },
    percentB: { kind: 'number', description: 'Where the source sits between the bands: 0 lower, 1 upper.' },
    bandwidth: { kind: 'number', description: 'Band width relative to the middle (a ratio).' },
  },
  params: z.object({
    period: z.number().int().min(2).max(10_000).default(20).describe('Number of bars for the average and the deviation.'),
    multiplier: z.number().positive().max(10).default(2).describe('Distance of each band from the middle, in standard deviations.'),
  }),
  warmup: (p) => p.period - 1,
  init: (p) => ({ window: new Array<number>(p.period).fill(0), next: 0, count: 0 }),
  step(s, p, input, out) {
    const x = input.source;
    const n = p.period;
    if (x !== x) {
      s.next = 0;
      s.count = 0;
      out.upper = out.middle = out.lower = out.percentB = out.bandwidth = NaN;
      return;
    }
    s.window[s.next] = x;
    s.next = s.next + 1 === n ? 0 : s.next + 1;
    if (s.count < n) s.count++;
    if (s.count < n) {
      out.upper = out.middle = out.lower = out.percentB = out.bandwidth = NaN;
      return;
    }
    // Deviations from the oldest value keep precision on large prices and give exactly 0 on flat data.
    const origin = s.window[s.next];
    let sum = 0;
    for (let i = 0; i < n; i++) sum += s.window[i] - origin;
    const meanShift = sum / n;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const d = s.window[i] - origin - meanShift;
      squares += d * d;
    }
    const middle = origin + meanShift;
    const offset = p.multiplier * Math.sqrt(squares / n);
    const upper = middle + offset;
    const lower = middle - offset;
    const width = upper - lower;
    out.upper = upper;
    out.middle = middle;
    out.lower = lower;
    out.percentB = width === 0 ? 0.5 : (x - lower) / width;
    out.bandwidth = middle === 0 ? NaN : width / middle;
  },
  // The step's arithmetic, in the same order, over a run of bars with the ring position in locals.
  kernel(s, p, input, out, from, to) {
    const src = input.source, window = s.window, n = p.period, m = p.multiplier;
    const { upper: up, middle: mid, lower: low, percentB: pb, bandwidth: bw } = out;
    let next = s.next, count = s.count;
    for (let t = from; t < to; t++) {
      const x = src[t]!;
      if (x !== x) {
        next = 0;
        count = 0;
        up[t] = mid[t] = low[t] = pb[t] = bw[t] = NaN;
        continue;
      }
      window[next] = x;
      next = next + 1 === n ? 0 : next + 1;
      if (count < n) count++;
      if (count < n) {
        up[t] = mid[t] = low[t] = pb[t] = bw[t] = NaN;
        continue;
      }
      const origin = window[next]!;
      let sum = 0;
      for (let i = 0; i < n; i++) sum += window[i]! - origin;
      const meanShift = sum / n;
      let squares = 0;
      for (let i = 0; i < n; i++) {
        const d = window[i]! - origin - meanShift;
        squares += d * d;
      }
      const middle = origin + meanShift;
      const offset = m * Math.sqrt(squares / n);
      const upper = middle + offset;
      const lower = middle - offset;
      const width = upper - lower;
      up[t] = upper;
      mid[t] = middle;
      low[t] = lower;
      pb[t] = width === 0 ? 0.5 : (x - lower) / width;
      bw[t] = middle === 0 ? NaN : width / middle;
    }
    s.next = next;
    s.count = count;
  },
});
