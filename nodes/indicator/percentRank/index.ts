import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { ring, ringFeed, ringStart } from '../ring.ts';

/** Percentile rank: where the current value stands among the N values before it, from 0 to 100. */
export const percentRank = defineNode({
  type: 'indicator.percentRank',
  version: 1,
  category: 'indicator',
  title: 'Percentile rank',
  description: 'Share (0–100) of the previous N values that lie below the current one.',
  docs: {
    example: 'Percentile rank(100) of a volatility series above 90: volatility is in its top decile of the last 100 bars.',
    caveats: [
      'The current value is compared with the N values before it (not including itself): rank = 100 × (count below + w × count equal) / N.',
      'Ties: w = ½ by default ("half", the mid-rank, so a flat series reads 50); "below" counts only strictly smaller values (w = 0); "at or below" counts equal values as below (w = 1, TradingView’s percentrank).',
      'Warm-up: needs N + 1 values, so the first output is at index N; NaN before that. Computed from closed bars only.',
      'A NaN input outputs NaN and restarts the warm-up.',
    ],
  },
  inputs: { source: { kind: 'number', description: 'The series to rank.' } },
  outputs: { value: { kind: 'number', description: 'Percentile rank from 0 to 100.' } },
  params: z.object({
    period: z.number().int().min(1).max(10_000).default(100).describe('How many previous values to rank against.'),
    ties: z
      .enum(['half', 'below', 'atOrBelow'])
      .default('half')
      .describe('How an equal previous value counts: half below (mid-rank), not below, or below.'),
  }),
  warmup: (p) => p.period,
  // One slot more than N: the current value plus the N it is ranked against.
  init: (p) => ({ window: ring(p.period + 1) }),
  step(s, p, input, out) {
    const x = input.source;
    if (!ringFeed(s.window, x)) {
      out.value = NaN;
      return;
    }
    const buf = s.window.buf;
    const start = ringStart(s.window);
    let below = 0;
    let equal = 0;
    for (let i = start; i < start + p.period; i++) {
      const v = buf[i]!;
      if (v < x) below++;
      else if (v === x) equal++;
    }
    const w = p.ties === 'half' ? 0.5 : p.ties === 'below' ? 0 : 1;
    out.value = (100 * (below + w * equal)) / p.period;
  },
  kernel(s, p, input, out, from, to) {
    const x = input.source, y = out.value, r = s.window, buf = r.buf, size = r.size, period = p.period;
    const w = p.ties === 'half' ? 0.5 : p.ties === 'below' ? 0 : 1;
    let head = r.head, count = r.count;
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
      const start = head + size - count, end = start + period;
      let below = 0;
      let equal = 0;
      for (let i = start; i < end; i++) {
        const u = buf[i]!;
        if (u < v) below++;
        else if (u === v) equal++;
      }
      y[t] = (100 * (below + w * equal)) / period;
    }
    r.head = head;
    r.count = count;
  },
});
