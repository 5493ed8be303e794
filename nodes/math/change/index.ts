import { z } from 'zod';
import { defineNode } from '../../contract.ts';

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
  init: (p) => ({ window: new Array<number>(p.period).fill(NaN), next: 0 }),
  step(s, p, input, out) {
    const x = input.source;
    out.value = x - s.window[s.next]!;
    s.window[s.next] = x;
    s.next = s.next + 1 === p.period ? 0 : s.next + 1;
  },
});
