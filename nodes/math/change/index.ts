import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { delay, delayShift } from '../lag/delay.ts';

/** Momentum: how much the series moved over N bars. */
export const change = defineNode({
  type: 'math.change',
  version: 1,
  category: 'math',
  title: 'Change',
  description: 'How much the series moved over the last N bars: x − x[N] (momentum).',
  docs: {
    example: 'Change(close, 10) > 0: price is higher than ten bars ago.',
    caveats: [
      'NaN for the first N bars (warm-up), the same as TA-Lib MOM.',
      'NaN on a bar whose input, or the input N bars earlier, is NaN. Nothing restarts: every output depends on those two inputs only.',
    ],
  },
  inputs: { source: { kind: 'number', description: 'The series to difference, usually the close.' } },
  outputs: { value: { kind: 'number', description: 'This bar’s value minus the value N bars ago.' } },
  params: z.object({
    period: z.number().int().min(1).max(10_000).default(10).describe('How many bars back to compare with.'),
  }),
  warmup: (p) => p.period,
  init: (p) => delay(p.period),
  step(s, _p, input, out) {
    const x = input.source;
    out.value = x - delayShift(s, x);
  },
  kernel(s, _p, input, out, from, to) {
    const src = input.source, y = out.value, window = s.window, period = window.length;
    let next = s.next;
    for (let t = from; t < to; t++) {
      const x = src[t]!;
      const then = window[next]!;
      window[next] = x;
      next = next + 1 === period ? 0 : next + 1;
      y[t] = x - then;
    }
    s.next = next;
  },
});
