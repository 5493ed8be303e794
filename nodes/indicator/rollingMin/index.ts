import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { extremeInit, extremeStep } from '../rolling-extreme.ts';

/** The lowest of the last N values (TA-Lib MIN). */
export const rollingMin = defineNode({
  type: 'indicator.rollingMin',
  version: 1,
  category: 'indicator',
  title: 'Rolling minimum',
  description: 'The lowest value of the last N bars.',
  docs: {
    example: 'Rolling minimum(10) of the lows as a trailing-stop level for a long; Rolling minimum(20) of the close for a Donchian channel’s floor.',
    caveats: [
      'Warm-up: needs N values, so the first output is at bar N (index N−1); NaN before that, as in TA-Lib MIN.',
      'The window includes the current closed bar, so a value is never beyond the lowest of a window that contains it: a breakout compares the close with the previous bar’s output.',
      'A NaN input outputs NaN and restarts the warm-up.',
    ],
  },
  inputs: { source: { kind: 'number', description: 'The series to scan, e.g. the low or the close.' } },
  outputs: { value: { kind: 'number', description: 'The lowest of the last N inputs.' } },
  params: z.object({
    period: z.number().int().min(1).max(10_000).default(20).describe('Number of bars in the window.'),
  }),
  warmup: (p) => p.period - 1,
  init: (p) => extremeInit(p.period),
  step(s, _p, input, out) {
    out.value = extremeStep(s, input.source, false);
  },
});
