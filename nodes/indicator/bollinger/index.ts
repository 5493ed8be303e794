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
      'The deviation comes from running sums taken about a value in the window and recomputed from the window every N bars, so rounding does not build up and large prices keep their precision; on flat data (N equal values) the deviation is exactly 0 and the middle is that value. TA-Lib rounds any variance below 1e-8 to 0, which only differs for series whose deviation is under 0.0001.',
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
  // Running sums of the window about `shift` (a value that was in it), recomputed from the window each
  // time the ring wraps, so rounding never builds up past one window; `same` counts the trailing run of
  // identical values, so a flat window has a deviation of exactly 0 and its own value as the middle.
  init: (p) => ({ window: new Array<number>(p.period).fill(0), next: 0, count: 0, shift: NaN, sum: 0, sumSq: 0, same: 0, last: NaN }),
  step(s, p, input, out) {
    const x = input.source;
    const n = p.period;
    // A state saved before the sums existed starts them from its window (at the recompute below).
    if (s.same === undefined) Object.assign(s, { shift: NaN, sum: 0, sumSq: 0, same: 0, last: NaN });
    if (x !== x) {
      s.next = 0;
      s.count = 0;
      s.shift = NaN;
      s.same = 0;
      s.last = NaN;
      out.upper = out.middle = out.lower = out.percentB = out.bandwidth = NaN;
      return;
    }
    const leaving = s.count === n ? s.window[s.next] : NaN;
    s.window[s.next] = x;
    s.next = s.next + 1 === n ? 0 : s.next + 1;
    if (s.count < n) s.count++;
    s.same = x === s.last ? s.same + 1 : 1;
    s.last = x;
    if (s.next === 0 || s.shift !== s.shift) {
      const shift = s.window[(s.next - s.count + n) % n];
      let sum = 0, sumSq = 0;
      for (let q = 0, i = (s.next - s.count + n) % n; q < s.count; q++, i = i + 1 === n ? 0 : i + 1) {
        const d = s.window[i] - shift;
        sum += d;
        sumSq += d * d;
      }
      s.shift = shift;
      s.sum = sum;
      s.sumSq = sumSq;
    } else {
      const d = x - s.shift;
      s.sum += d;
      s.sumSq += d * d;
      if (leaving === leaving) {
        const o = leaving - s.shift;
        s.sum -= o;
        s.sumSq -= o * o;
      }
    }
    if (s.count < n) {
      out.upper = out.middle = out.lower = out.percentB = out.bandwidth = NaN;
      return;
    }
    const flat = s.same >= n;
    // 1/N as a factor: the kernel's form (see there), the same to the last bit.
    const perN = 1 / n;
    const middle = flat ? x : s.shift + s.sum * perN;
    const offset = flat ? 0 : p.multiplier * Math.sqrt(Math.max(0, s.sumSq - s.sum * s.sum * perN) * perN);
    const upper = middle + offset;
    const lower = middle - offset;
    const width = upper - lower;
    out.upper = upper;
    out.middle = middle;
    out.lower = lower;
    out.percentB = width === 0 ? 0.5 : (x - lower) / width;
    out.bandwidth = middle === 0 ? NaN : width / middle;
  },
  // Any output nothing reads may come as no column (see the contract): most strategies read a band or
  // two, and %B and the bandwidth cost a division each a bar.
  skippableOutputs: ['upper', 'middle', 'lower', 'percentB', 'bandwidth'],
  // The step's arithmetic, in the same order, over a run of bars with the state in locals.
  kernel(s, p, input, out, from, to) {
    const src = input.source, window = s.window, n = p.period, m = p.multiplier;
    // 1/N as a factor, not three divisions by N a bar: the divider is what a bar of this loop waits on
    // (it still divides for %B and the bandwidth, when they are asked for). Within 1e-9 of TA-Lib
    // (reference.json), as before.
    const perN = 1 / n;
    const { upper: up, middle: mid, lower: low, percentB: pb, bandwidth: bw } = out as Partial<typeof out>;
    if (s.same === undefined) Object.assign(s, { shift: NaN, sum: 0, sumSq: 0, same: 0, last: NaN });
    let next = s.next, count = s.count, shift = s.shift, sum = s.sum, sumSq = s.sumSq, same = s.same, last = s.last;
    const nans = (t: number) => {
      if (up !== undefined) up[t] = NaN;
      if (mid !== undefined) mid[t] = NaN;
      if (low !== undefined) low[t] = NaN;
      if (pb !== undefined) pb[t] = NaN;
      if (bw !== undefined) bw[t] = NaN;
    };
    for (let t = from; t < to; t++) {
      const x = src[t]!;
      if (x !== x) {
        next = 0;
        count = 0;
        shift = NaN;
        same = 0;
        last = NaN;
        nans(t);
        continue;
      }
      const leaving = count === n ? window[next]! : NaN;
      window[next] = x;
      next = next + 1 === n ? 0 : next + 1;
      if (count < n) count++;
      same = x === last ? same + 1 : 1;
      last = x;
      if (next === 0 || shift !== shift) {
        const first = (next - count + n) % n;
        shift = window[first]!;
        sum = 0;
        sumSq = 0;
        for (let q = 0, i = first; q < count; q++, i = i + 1 === n ? 0 : i + 1) {
          const d = window[i]! - shift;
          sum += d;
          sumSq += d * d;
        }
      } else {
        const d = x - shift;
        sum += d;
        sumSq += d * d;
        if (leaving === leaving) {
          const o = leaving - shift;
          sum -= o;
          sumSq -= o * o;
        }
      }
      if (count < n) {
        nans(t);
        continue;
      }
      const flat = same >= n;
      const middle = flat ? x : shift + sum * perN;
      const offset = flat ? 0 : m * Math.sqrt(Math.max(0, sumSq - sum * sum * perN) * perN);
      const upper = middle + offset;
      const lower = middle - offset;
      const width = upper - lower;
      if (up !== undefined) up[t] = upper;
      if (mid !== undefined) mid[t] = middle;
      if (low !== undefined) low[t] = lower;
      if (pb !== undefined) pb[t] = width === 0 ? 0.5 : (x - lower) / width;
      if (bw !== undefined) bw[t] = middle === 0 ? NaN : width / middle;
    }
    s.next = next;
    s.count = count;
    s.shift = shift;
    s.sum = sum;
    s.sumSq = sumSq;
    s.same = same;
    s.last = last;
  },
});
