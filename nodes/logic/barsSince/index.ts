import { z } from 'zod';
import { defineNode } from '../../contract.ts';

/** Counts bars since a condition last held. */
export const barsSince = defineNode({
  type: 'logic.barsSince',
  version: 1,
  category: 'logic',
  title: 'Bars since',
  description: 'Number of bars since the condition was last true: 0 on a bar where it is true.',
  docs: {
    example: 'Bars since RSI < 30, then Threshold ≤ 5: "oversold within the last five bars".',
    caveats: [
      'NaN until the condition has been true once; how long that takes depends on the data, so the node declares no warm-up of its own.',
      'An unknown (NaN) condition counts as not true, as everywhere in logic: the count keeps running through it and nothing restarts.',
      'Any known value other than exactly 1 counts as false.',
    ],
  },
  inputs: { condition: { kind: 'bool', description: 'The event to count from.' } },
  outputs: { bars: { kind: 'number', description: 'Bars since the condition was last true (0 = this bar); NaN before it ever was.' } },
  params: z.object({}),
  warmup: () => 0,
  init: () => ({ since: NaN }),
  step(s, _p, input, out) {
    // NaN + 1 stays NaN, so "never true yet" needs no flag of its own.
    s.since = input.condition === 1 ? 0 : s.since + 1;
    out.bars = s.since;
  },
  kernel(s, _p, input, out, from, to) {
    const cond = input.condition, y = out.bars;
    let since = s.since;
    for (let t = from; t < to; t++) {
      since = cond[t] === 1 ? 0 : since + 1;
      y[t] = since;
    }
    s.since = since;
  },
});
