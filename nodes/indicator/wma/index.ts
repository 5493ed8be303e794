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
});
