import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { delay, delayShift } from './delay.ts';

/** The value N bars ago. */
export const lag = defineNode({
  type: 'math.lag',
  version: 1,
  category: 'math',
  title: 'Lag',
  description: 'The value the series had N bars ago.',
  docs: {
    example: 'Lag(1) of the close is the previous close: compare Close > Lag(Close, 1) for an up bar.',
    caveats: [
      'NaN for the first N bars (warm-up).',
      'A pure delay: a NaN input comes out again N bars later, and nothing restarts, because every output depends on one input only.',
    ],
  },
  inputs: { source: { kind: 'number', description: 'The series to delay.' } },
  outputs: { value: { kind: 'number', description: 'The input from N bars ago.' } },
  params: z.object({
    period: z.number().int().min(1).max(10_000).default(1).describe('How many bars back.'),
  }),
  warmup: (p) => p.period,
  init: (p) => delay(p.period),
  step(s, _p, input, out) {
    out.value = delayShift(s, input.source);
  },
  kernel(s, _p, input, out, from, to) {
    const x = input.source, y = out.value, window = s.window, period = window.length;
    let next = s.next;
    for (let t = from; t < to; t++) {
      y[t] = window[next]!;
      window[next] = x[t]!;
      next = next + 1 === period ? 0 : next + 1;
    }
    s.next = next;
  },
});
