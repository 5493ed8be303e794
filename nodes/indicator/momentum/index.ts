import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { ring, ringFeed, ringStart } from '../ring.ts';

/** Momentum: the change over N bars, in the input's own units (TA-Lib's MOM). */
export const momentum = defineNode({
  type: 'indicator.momentum',
  version: 1,
  category: 'indicator',
  title: 'Momentum',
  description: 'Change over the last N bars: today’s value minus the value N bars ago.',
  docs: {
    example: 'Momentum(10) crossing above 0: the close is back above where it was ten bars ago.',
    caveats: [
      'MOM = x − x[N bars ago], in price units (not percent; see Rate of change for that).',
      'First value at index N (it needs the value N bars back).',
      'A NaN input outputs NaN and restarts the warm-up: the lookback never reaches across the gap.',
    ],
  },
  inputs: { source: { kind: 'number', description: 'The series to measure, usually the close.' } },
  outputs: { value: { kind: 'number', description: 'Change over N bars.' } },
  params: z.object({
    period: z.number().int().min(1).max(10_000).default(10).describe('Lookback N, in bars.'),
  }),
  warmup: (p) => p.period,
  // One slot more than N: the current value and the N before it, the oldest being the one compared with.
  init: (p) => ({ window: ring(p.period + 1) }),
  step(s, _p, input, out) {
    const x = input.source;
    out.value = ringFeed(s.window, x) ? x - s.window.buf[ringStart(s.window)]! : NaN;
  },
});
