import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { clearMoments, momentsPush, momentsStdev, noMoments } from '../moments.ts';
import { ring, ringClear, ringPush } from '../ring.ts';

/** Population (divide by N, TA-Lib's STDDEV) or sample (divide by N − 1) standard deviation. */
export const estimatorParam = z
  .enum(['population', 'sample'])
  .default('population')
  .describe('Population divides by N (TA-Lib STDDEV, Bollinger Bands); sample divides by N − 1 (pandas, Excel STDEV.S).');

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
      'Computed from running sums taken about a value of the window and summed afresh from it every N bars (as Bollinger Bands are), so a bar costs O(1); they agree with two passes over the window to about 1e-13 relative.',
    ],
  },
  inputs: { source: { kind: 'number', description: 'The series to measure, usually the close or a return.' } },
  outputs: { value: { kind: 'number', description: 'Standard deviation of the last N inputs.' } },
  params: z.object({
    period: z.number().int().min(2).max(10_000).default(20).describe('Number of bars in the window.'),
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
    out.value = r.count === r.size ? momentsStdev(m, r.size, p.estimator === 'sample') : NaN;
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
      y[t] = count === size ? momentsStdev(m, size, sample) : nan;
    }
    r.head = head;
    r.count = count;
  },
});
