import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { clearMoments, momentsDeviation, momentsPush, momentsStdev, noMoments } from '../moments.ts';
import { ring, ringClear, ringPush } from '../ring.ts';
import { estimatorParam } from '../stdev/index.ts';

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
      'Computed from running sums taken about a value of the window and summed afresh from it every N bars, so a bar costs O(1); the distance from the mean is taken from that value, so a mean large next to the spread (1e7 + noise) loses no precision.',
    ],
  },
  inputs: { source: { kind: 'number', description: 'The series to standardise, e.g. the close or a spread.' } },
  outputs: { value: { kind: 'number', description: 'Distance from the rolling mean in standard deviations.' } },
  params: z.object({
    period: z.number().int().min(2).max(10_000).default(20).describe('Number of bars for the mean and standard deviation.'),
    estimator: estimatorParam,
  }),
  warmup: (p) => p.period - 1,
  // The window and its running moments (moments.ts). A state saved before the moments existed sums
  // them from its window at the next value.
  init: (p) => ({ window: ring(p.period), moments: noMoments() }),
  step(s, p, input, out) {
    const r = s.window, x = input.source;
    const m = (s.moments ??= noMoments());
    if (x !== x) {
      ringClear(r);
      clearMoments(m);
      out.value = NaN;
      return;
    }
    const leaving = r.count === r.size ? r.buf[r.head]! : NaN;
    ringPush(r, x);
    momentsPush(m, r.buf, r.head, r.count, r.size, x, leaving);
    if (r.count !== r.size) {
      out.value = NaN;
      return;
    }
    const sd = momentsStdev(m, r.size, p.estimator === 'sample');
    out.value = sd === 0 ? 0 : momentsDeviation(m, r.size, x) / sd;
  },
  kernel(s, p, input, out, from, to) {
    // NaN as a local (docs/engine.md, "NaN in a hot loop").
    const nan = NaN;
    const x = input.source, y = out.value, r = s.window, buf = r.buf, size = r.size, sample = p.estimator === 'sample';
    const m = (s.moments ??= noMoments());
    let head = r.head, count = r.count;
    for (let t = from; t < to; t++) {
      const v = x[t]!;
      if (v !== v) {
        head = 0;
        count = 0;
        clearMoments(m);
        y[t] = nan;
        continue;
      }
      // ringPush, inlined.
      const leaving = count === size ? buf[head]! : nan;
      buf[head] = v;
      buf[head + size] = v;
      head = head + 1 === size ? 0 : head + 1;
      if (count < size) count++;
      momentsPush(m, buf, head, count, size, v, leaving);
      if (count !== size) {
        y[t] = nan;
        continue;
      }
      const sd = momentsStdev(m, size, sample);
      y[t] = sd === 0 ? 0 : momentsDeviation(m, size, v) / sd;
    }
    r.head = head;
    r.count = count;
  },
});
