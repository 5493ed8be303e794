import { z } from 'zod';
import { defineNode } from '../../contract.ts';

/** Exponential moving average, seeded with the SMA of the first `period` values (TA-Lib's convention). */
export const ema = defineNode({
  type: 'indicator.ema',
  version: 1,
  category: 'indicator',
  title: 'EMA',
  description: 'Exponential moving average: recent bars weigh more.',
  docs: {
    example: 'EMA(12) crossing EMA(26) of the close reacts faster than the same SMA cross.',
    caveats: [
      'Seeded with the SMA of the first N values, so the first output comes at bar N (index N−1), as in TA-Lib.',
      'A NaN input restarts the seeding.',
    ],
  },
  inputs: { source: { kind: 'number', description: 'The series to smooth, usually the close.' } },
  outputs: { value: { kind: 'number', description: 'The exponential average.' } },
  params: z.object({
    period: z.number().int().min(1).max(10_000).default(20).describe('Number of bars; smoothing factor is 2/(N+1).'),
  }),
  warmup: (p) => p.period - 1,
  init: () => ({ value: 0, count: 0, sum: 0 }),
  step(s, p, input, out) {
    const x = input.source;
    if (Number.isNaN(x)) {
      s.count = 0;
      s.sum = 0;
      out.value = NaN;
      return;
    }
    if (s.count < p.period) {
      s.sum += x;
      s.count++;
      if (s.count < p.period) {
        out.value = NaN;
        return;
      }
      s.value = s.sum / p.period;
    } else {
      s.value += (2 / (p.period + 1)) * (x - s.value);
    }
    out.value = s.value;
  },
  kernel(s, p, input, out, from, to) {
    const x = input.source, y = out.value, period = p.period, alpha = 2 / (period + 1);
    let value = s.value, count = s.count, sum = s.sum;
    for (let t = from; t < to; t++) {
      if (count >= period) {
        // Warmed up: a loop with nothing else in it while the values are numbers, the same operations as
        // below (the warm-up and NaN paths in the same body slow the loop, as in RSI's and ATR's).
        for (; t < to; t++) {
          const v = x[t]!;
          if (v !== v) break;
          value += alpha * (v - value);
          y[t] = value;
        }
        if (t === to) break;
      }
      const v = x[t]!;
      if (v !== v) {
        count = 0;
        sum = 0;
        y[t] = NaN;
        continue;
      }
      if (count < period) {
        sum += v;
        count++;
        if (count < period) {
          y[t] = NaN;
          continue;
        }
        value = sum / period;
      } else {
        value += alpha * (v - value);
      }
      y[t] = value;
    }
    s.value = value;
    s.count = count;
    s.sum = sum;
  },
});
