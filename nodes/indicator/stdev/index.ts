import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { ring, ringFeed, ringStart, type Ring } from '../ring.ts';

/** Population (divide by N, TA-Lib's STDDEV) or sample (divide by N − 1) standard deviation. */
export const estimatorParam = z
  .enum(['population', 'sample'])
  .default('population')
  .describe('Population divides by N (TA-Lib STDDEV, Bollinger Bands); sample divides by N − 1 (pandas, Excel STDEV.S).');

/**
 * Mean and standard deviation of the window held in `r` (which must be full), two-pass for accuracy.
 * Writes `[mean, stdev]` into `into`; a flat window (all values identical) has a stdev of exactly 0.
 */
export function windowMeanStdev(r: Ring, sample: boolean, into: number[]): void {
  const n = r.count;
  const start = ringStart(r);
  const buf = r.buf;
  let sum = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = start; i < start + n; i++) {
    const v = buf[i]!;
    sum += v;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const mean = sum / n;
  into[0] = mean;
  // The mean of identical values can be off by an ulp; say 0 exactly rather than 1e-15.
  if (lo === hi) {
    into[1] = 0;
    return;
  }
  let ss = 0;
  for (let i = start; i < start + n; i++) {
    const d = buf[i]! - mean;
    ss += d * d;
  }
  into[1] = Math.sqrt(ss / (sample ? n - 1 : n));
}

/** Rolling standard deviation of the last N values. */
export const stdev = defineNode({
  type: 'indicator.stdev',
  version: 1,
  category: 'indicator',
  title: 'Standard deviation',
  description: 'How widely the last N values spread around their mean (rolling volatility).',
  docs: {
    example: 'Standard deviation(20) of the close is the width unit of Bollinger Bands; of returns it is volatility.',
    caveats: [
      'Warm-up: needs N values, so the first output is at bar N (index N−1); NaN before that.',
      'Computed from closed bars only: the window is the current bar and the N−1 before it.',
      'Population (default) divides by N and matches TA-Lib STDDEV; sample divides by N−1.',
      'A flat window reads exactly 0. TA-Lib also reads 0 whenever the variance is below 1e-8 (a standard deviation below 1e-4), which for small-valued inputs such as returns hides real variation; this node does not.',
      'A NaN input outputs NaN and restarts the warm-up.',
    ],
  },
  inputs: { source: { kind: 'number', description: 'The series to measure, usually the close or a return.' } },
  outputs: { value: { kind: 'number', description: 'Standard deviation of the last N inputs.' } },
  params: z.object({
    period: z.number().int().min(2).max(10_000).default(20).describe('Number of bars in the window.'),
    estimator: estimatorParam,
  }),
  warmup: (p) => p.period - 1,
  init: (p) => ({ window: ring(p.period), stats: [0, 0] }),
  step(s, p, input, out) {
    if (!ringFeed(s.window, input.source)) {
      out.value = NaN;
      return;
    }
    windowMeanStdev(s.window, p.estimator === 'sample', s.stats);
    out.value = s.stats[1]!;
  },
  kernel(s, p, input, out, from, to) {
    const x = input.source, y = out.value, r = s.window, buf = r.buf, size = r.size, stats = s.stats, sample = p.estimator === 'sample';
    let head = r.head, count = r.count, mean = stats[0]!, sd = stats[1]!;
    for (let t = from; t < to; t++) {
      const v = x[t]!;
      // ringFeed, inlined.
      if (v !== v) {
        head = 0;
        count = 0;
        y[t] = NaN;
        continue;
      }
      buf[head] = v;
      buf[head + size] = v;
      head = head + 1 === size ? 0 : head + 1;
      if (count < size) count++;
      if (count !== size) {
        y[t] = NaN;
        continue;
      }
      // windowMeanStdev, inlined.
      const n = count, start = head + size - count, end = start + n;
      let sum = 0, lo = Infinity, hi = -Infinity;
      for (let i = start; i < end; i++) {
        const w = buf[i]!;
        sum += w;
        if (w < lo) lo = w;
        if (w > hi) hi = w;
      }
      mean = sum / n;
      if (lo === hi) {
        sd = 0;
      } else {
        let ss = 0;
        for (let i = start; i < end; i++) {
          const d = buf[i]! - mean;
          ss += d * d;
        }
        sd = Math.sqrt(ss / (sample ? n - 1 : n));
      }
      y[t] = sd;
    }
    r.head = head;
    r.count = count;
    stats[0] = mean;
    stats[1] = sd;
  },
});
