import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { ring, ringFeed, ringStart } from '../ring.ts';

/** Rate of change in percent over N bars (TA-Lib's ROC). */
export const roc = defineNode({
  type: 'indicator.roc',
  version: 1,
  category: 'indicator',
  title: 'Rate of change',
  description: 'Percent change over the last N bars.',
  docs: {
    example: 'ROC(10) above 5: the close is up more than 5 % on ten bars ago.',
    caveats: [
      'ROC = (x ÷ x[N bars ago] − 1) · 100, in percent (TA-Lib ROC; ROCP is the same ÷ 100).',
      'First value at index N (it needs the value N bars back).',
      'Reads 0 when the value N bars ago is exactly 0, as TA-Lib does instead of dividing by zero; meant for prices, not for series that cross zero.',
      'A NaN input outputs NaN and restarts the warm-up: the lookback never reaches across the gap.',
    ],
  },
  inputs: { source: { kind: 'number', description: 'The series to measure, usually the close.' } },
  outputs: { value: { kind: 'number', description: 'Percent change over N bars.' } },
  params: z.object({
    period: z.number().int().min(1).max(10_000).default(10).describe('Lookback N, in bars.'),
  }),
  warmup: (p) => p.period,
  // One slot more than N: the current value and the N before it, the oldest being the one compared with.
  init: (p) => ({ window: ring(p.period + 1) }),
  step(s, _p, input, out) {
    const x = input.source;
    if (!ringFeed(s.window, x)) {
      out.value = NaN;
      return;
    }
    const then = s.window.buf[ringStart(s.window)]!;
    out.value = then === 0 ? 0 : (x / then - 1) * 100;
  },
});
