import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { ring, ringFeed } from '../ring.ts';
import { estimatorParam, windowMeanStdev } from '../stdev/index.ts';

/** Rolling z-score: how many standard deviations the current value sits from the mean of the last N. */
export const zscore = defineNode({
  type: 'indicator.zscore',
  version: 1,
  category: 'indicator',
  title: 'Z-score',
  description: 'How many standard deviations the value is above (+) or below (−) its rolling mean.',
  docs: {
    example: 'Z-score(20) of the close below −2 as a mean-reversion entry; back above 0 as the exit.',
    caveats: [
      'z = (x − mean) / stdev, where mean and stdev are taken over the last N values including the current one.',
      'Warm-up: needs N values, so the first output is at bar N (index N−1); NaN before that.',
      'Computed from closed bars only.',
      'Population stdev (default, divide by N) or sample (divide by N−1). With the population stdev |z| can never exceed √(N−1).',
      'A flat window (all N values identical) reads 0: the value equals its mean.',
      'A NaN input outputs NaN and restarts the warm-up.',
    ],
  },
  inputs: { source: { kind: 'number', description: 'The series to standardise, e.g. the close or a spread.' } },
  outputs: { value: { kind: 'number', description: 'Distance from the rolling mean in standard deviations.' } },
  params: z.object({
    period: z.number().int().min(2).max(10_000).default(20).describe('Number of bars for the mean and standard deviation.'),
    estimator: estimatorParam,
  }),
  warmup: (p) => p.period - 1,
  init: (p) => ({ window: ring(p.period), stats: [0, 0] }),
  step(s, p, input, out) {
    const x = input.source;
    if (!ringFeed(s.window, x)) {
      out.value = NaN;
      return;
    }
    windowMeanStdev(s.window, p.estimator === 'sample', s.stats);
    const sd = s.stats[1]!;
    out.value = sd === 0 ? 0 : (x - s.stats[0]!) / sd;
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
      y[t] = sd === 0 ? 0 : (v - mean) / sd;
    }
    r.head = head;
    r.count = count;
    stats[0] = mean;
    stats[1] = sd;
  },
});
