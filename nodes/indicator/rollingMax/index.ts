import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { extremeInit, extremeStep } from '../rolling-extreme.ts';

/** The highest of the last N values (TA-Lib MAX). */
export const rollingMax = defineNode({
  type: 'indicator.rollingMax',
  version: 1,
  category: 'indicator',
  title: 'Rolling maximum',
  description: 'The highest value of the last N bars.',
  docs: {
    example: 'Rolling maximum(252) of daily highs is the 52-week high; Rolling maximum(20) of the close is a Donchian channel’s ceiling.',
    caveats: [
      'Warm-up: needs N values, so the first output is at bar N (index N−1); NaN before that, as in TA-Lib MAX.',
      'The window includes the current closed bar, so a value is never beyond the highest of a window that contains it: a breakout compares the close with the previous bar’s output.',
      'A NaN input outputs NaN and restarts the warm-up.',
    ],
  },
  inputs: { source: { kind: 'number', description: 'The series to scan, e.g. the high or the close.' } },
  outputs: { value: { kind: 'number', description: 'The highest of the last N inputs.' } },
  params: z.object({
    period: z.number().int().min(1).max(10_000).default(20).describe('Number of bars in the window.'),
  }),
  warmup: (p) => p.period - 1,
  init: (p) => extremeInit(p.period),
  step(s, _p, input, out) {
    out.value = extremeStep(s, input.source, true);
  },
});
