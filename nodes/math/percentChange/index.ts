import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { delay, delayShift } from '../lag/delay.ts';

/** Rate of change in percent over N bars. */
export const percentChange = defineNode({
  type: 'math.percentChange',
  version: 1,
  category: 'math',
  title: 'Percent change',
  description: 'Rate of change over the last N bars, in percent: (x / x[N] − 1) · 100.',
  docs: {
    example: 'Percent change(close, 20) > 5: up more than 5 % over twenty bars.',
    caveats: [
      'NaN for the first N bars (warm-up), the same as TA-Lib ROC.',
      'NaN when the value N bars ago is 0 (TA-Lib ROC prints 0 there): there is no percentage of nothing.',
      'NaN on a bar whose input, or the input N bars earlier, is NaN; nothing restarts.',
      'Meant for positive series such as prices; for a series that changes sign the percentage is not meaningful.',
    ],
  },
  inputs: { source: { kind: 'number', description: 'The series, usually the close.' } },
  outputs: { value: { kind: 'number', description: 'Percent change from N bars ago.' } },
  params: z.object({
    period: z.number().int().min(1).max(10_000).default(10).describe('How many bars back to compare with.'),
  }),
  warmup: (p) => p.period,
  init: (p) => delay(p.period),
  step(s, _p, input, out) {
    const x = input.source;
    const then = delayShift(s, x);
    out.value = then === 0 ? NaN : (x / then - 1) * 100;
  },
  kernel(s, _p, input, out, from, to) {
    // NaN as a local: read as the global on a path that has not run yet (no NaN input so far), V8
    // compiles it to a call in the loop, which slows every bar (docs/engine.md, "NaN in a hot loop").
    const nan = NaN;
    const src = input.source, y = out.value, window = s.window, period = window.length;
    let next = s.next;
    for (let t = from; t < to; t++) {
      const x = src[t]!;
      const then = window[next]!;
      window[next] = x;
      next = next + 1 === period ? 0 : next + 1;
      y[t] = then === 0 ? nan : (x / then - 1) * 100;
    }
    s.next = next;
  },
});
