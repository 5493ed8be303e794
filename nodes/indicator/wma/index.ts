import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { pushWma, resetWma, wmaStage } from './stage.ts';

/** Weighted moving average: linear weights 1…N, the newest bar weighing N (TA-Lib's WMA). */
export const wma = defineNode({
  type: 'indicator.wma',
  version: 1,
  category: 'indicator',
  title: 'WMA',
  description: 'Weighted moving average: linear weights, so it turns faster than an SMA of the same length.',
  docs: {
    example: 'WMA(10) of the close crossing WMA(30) for a trend signal that reacts sooner than the SMA cross.',
    caveats: [
      'Weights are 1, 2, …, N from the oldest to the newest value, divided by N(N+1)/2.',
      'Outputs NaN for the first N−1 bars (first value at index N−1), as in TA-Lib.',
      'A NaN input outputs NaN and restarts the window: nothing from before it is averaged in.',
    ],
  },
  inputs: { source: { kind: 'number', description: 'The series to average, usually the close.' } },
  outputs: { value: { kind: 'number', description: 'The weighted average of the last N inputs.' } },
  params: z.object({
    period: z.number().int().min(1).max(10_000).default(20).describe('Number of bars; the newest weighs N, the oldest 1.'),
  }),
  warmup: (p) => p.period - 1,
  init: (p) => wmaStage(p.period),
  step(s, p, input, out) {
    const x = input.source;
    if (Number.isNaN(x)) {
      resetWma(s);
      out.value = NaN;
      return;
    }
    out.value = pushWma(s, p.period, x);
  },
  kernel(s, p, input, out, from, to) {
    const x = input.source, y = out.value, window = s.window, period = p.period, divisor = (period * (period + 1)) / 2;
    let next = s.next, count = s.count, sum = s.sum, weighted = s.weighted;
    for (let t = from; t < to; t++) {
      const v = x[t]!;
      if (v !== v) {
        next = 0;
        count = 0;
        sum = 0;
        weighted = 0;
        y[t] = NaN;
        continue;
      }
      // pushWma, inlined.
      if (count === period) {
        weighted += period * v - sum;
        sum += v - window[next]!;
      } else {
        count++;
        weighted += count * v;
        sum += v;
      }
      window[next] = v;
      next = next + 1 === period ? 0 : next + 1;
      y[t] = count === period ? weighted / divisor : NaN;
    }
    s.next = next;
    s.count = count;
    s.sum = sum;
    s.weighted = weighted;
  },
});
