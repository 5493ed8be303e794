import { z } from 'zod';
import { defineNode } from '../../contract.ts';

/** Sum of the last N values (TA-Lib SUM). */
export const rollingSum = defineNode({
  type: 'math.rollingSum',
  version: 1,
  category: 'math',
  title: 'Rolling sum',
  description: 'Sum of the last N values.',
  docs: {
    example: 'Rolling sum(volume, 20): the volume traded over the last twenty bars.',
    caveats: [
      'NaN for the first N − 1 bars (warm-up), as TA-Lib SUM.',
      'A NaN input outputs NaN and restarts the window, so one bad value cannot poison the sum for ever.',
    ],
  },
  inputs: { source: { kind: 'number', description: 'The series to add up.' } },
  outputs: { value: { kind: 'number', description: 'The sum of the last N inputs.' } },
  params: z.object({
    period: z.number().int().min(2).max(10_000).default(20).describe('Number of bars to add up (at least 2, as in TA-Lib).'),
  }),
  warmup: (p) => p.period - 1,
  init: (p) => ({ window: new Array<number>(p.period).fill(0), next: 0, count: 0, sum: 0 }),
  step(s, p, input, out) {
    const x = input.source;
    if (x !== x) {
      s.next = 0;
      s.count = 0;
      s.sum = 0;
      out.value = NaN;
      return;
    }
    if (s.count === p.period) s.sum -= s.window[s.next]!;
    else s.count++;
    s.window[s.next] = x;
    s.sum += x;
    s.next = s.next + 1 === p.period ? 0 : s.next + 1;
    out.value = s.count === p.period ? s.sum : NaN;
  },
  kernel(s, p, input, out, from, to) {
    const src = input.source, y = out.value, window = s.window, period = p.period;
    let next = s.next, count = s.count, sum = s.sum;
    for (let t = from; t < to; t++) {
      const x = src[t]!;
      if (x !== x) {
        next = 0;
        count = 0;
        sum = 0;
        y[t] = NaN;
        continue;
      }
      if (count === period) sum -= window[next]!;
      else count++;
      window[next] = x;
      sum += x;
      next = next + 1 === period ? 0 : next + 1;
      y[t] = count === period ? sum : NaN;
    }
    s.next = next;
    s.count = count;
    s.sum = sum;
  },
});
