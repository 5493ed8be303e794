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
  kernel(s, _p, input, out, from, to) {
    const x = input.source, y = out.value, r = s.window, buf = r.buf, size = r.size;
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
      const then = buf[head + size - count]!;
      y[t] = then === 0 ? 0 : (v / then - 1) * 100;
    }
    r.head = head;
    r.count = count;
  },
});
