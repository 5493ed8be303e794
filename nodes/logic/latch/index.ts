import { z } from 'zod';
import { bool } from '../../bool.ts';
import { defineNode } from '../../contract.ts';

/** Set/reset flip-flop: remembers that an event happened until another clears it. */
export const latch = defineNode({
  type: 'logic.latch',
  version: 1,
  category: 'logic',
  title: 'Latch / hold',
  description: 'Turns on when Set fires and stays on until Reset fires (or for a fixed number of bars).',
  docs: {
    example: 'Set = RSI < 30, Reset = RSI > 50: stay "in the dip" from oversold until momentum recovers.',
    caveats: [
      'No warm-up; the output is never NaN and starts off.',
      'It turns on on the bar Set fires. When Set and Reset fire on the same bar, Reset wins and the latch is off.',
      'With "hold bars" N > 0 it also turns off by itself after N bars (the Set bar and the N − 1 after it). A new Set while on restarts the count.',
      'Unknown (NaN) Set or Reset reads as false: an unknown Reset does not clear the latch. Any value other than exactly 1 is false.',
    ],
  },
  inputs: {
    set: { kind: 'bool', description: 'Turns the latch on.' },
    reset: { kind: 'bool', description: 'Turns the latch off; wins over Set.', optional: true },
  },
  outputs: { active: { kind: 'bool', description: 'The latch is on.' } },
  params: z.object({
    holdBars: z.number().int().min(0).max(100_000).default(0).describe('Turn off by itself after this many bars; 0 holds until Reset.'),
  }),
  warmup: () => 0,
  init: () => ({ on: 0, left: 0 }),
  step(s, p, input, out) {
    if (input.reset === 1) {
      s.on = 0;
      s.left = 0;
    } else if (input.set === 1) {
      s.on = 1;
      s.left = p.holdBars;
    } else if (s.on === 1 && p.holdBars > 0 && --s.left === 0) {
      s.on = 0;
    }
    out.active = bool(s.on === 1);
  },
  kernel(s, p, input, out, from, to) {
    const set = input.set, reset = input.reset, active = out.active, holdBars = p.holdBars;
    let on = s.on, left = s.left;
    for (let t = from; t < to; t++) {
      if (reset[t] === 1) {
        on = 0;
        left = 0;
      } else if (set[t] === 1) {
        on = 1;
        left = holdBars;
      } else if (on === 1 && holdBars > 0 && --left === 0) {
        on = 0;
      }
      active[t] = on === 1 ? 1 : 0;
    }
    s.on = on;
    s.left = left;
  },
});
