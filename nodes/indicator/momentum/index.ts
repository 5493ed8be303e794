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
      y[t] = v - buf[head + size - count]!;
    }
    r.head = head;
    r.count = count;
  },
});
