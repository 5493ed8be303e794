import { z } from 'zod';
import { defineNode } from '../../contract.ts';

/** Simple moving average: the arithmetic mean of the last `period` values. */
export const sma = defineNode({
  type: 'indicator.sma',
  version: 1,
  category: 'indicator',
  title: 'SMA',
  description: 'Simple moving average: the mean of the last N values.',
  docs: {
    example: 'SMA(20) of the close; cross it with SMA(50) for a classic trend signal.',
    caveats: [
      'Outputs NaN for the first period−1 bars (warm-up).',
      'A NaN input restarts the window, so one bad value cannot poison the average for ever.',
    ],
  },
  inputs: { source: { kind: 'number', description: 'The series to average, usually the close.' } },
  outputs: { value: { kind: 'number', description: 'The average of the last N inputs.' } },
  params: z.object({
    period: z.number().int().min(1).max(10_000).default(20).describe('Number of bars to average.'),
  }),
  warmup: (p) => p.period - 1,
  init: (p) => ({ window: new Array<number>(p.period).fill(0), next: 0, count: 0, sum: 0 }),
  step(s, p, input, out) {
    const x = input.source;
    if (Number.isNaN(x)) {
      s.next = 0;
      s.count = 0;
      s.sum = 0;
      out.value = NaN;
      return;
    }
    if (s.count === p.period) s.sum -= s.window[s.next];
    else s.count++;
    s.window[s.next] = x;
    s.sum += x;
    s.next = s.next + 1 === p.period ? 0 : s.next + 1;
    out.value = s.count === p.period ? s.sum / p.period : NaN;
  },
  kernel(s, p, input, out, from, to) {
    const x = input.source, y = out.value, window = s.window, period = p.period;
    let next = s.next, count = s.count, sum = s.sum;
    for (let t = from; t < to; t++) {
      if (count === period) {
        // Warmed up: a loop with nothing else in it while the values are numbers, the same operations as
        // below (the warm-up and NaN paths in the same body slow the loop, as in RSI's and ATR's).
        for (; t < to; t++) {
          const v = x[t]!;
          if (v !== v) break;
          sum -= window[next]!;
          window[next] = v;
          sum += v;
          next = next + 1 === period ? 0 : next + 1;
          y[t] = sum / period;
        }
        if (t === to) break;
      }
      const v = x[t]!;
      if (v !== v) {
        next = 0;
        count = 0;
        sum = 0;
        y[t] = NaN;
        continue;
      }
      if (count === period) sum -= window[next]!;
      else count++;
      window[next] = v;
      sum += v;
      next = next + 1 === period ? 0 : next + 1;
      y[t] = count === period ? sum / period : NaN;
    }
    s.next = next;
    s.count = count;
    s.sum = sum;
  },
});
