import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { extremeInit, extremeStep } from '../rolling-extreme.ts';

/** The lowest of the last N values (TA-Lib MIN). */
export const rollingMin = defineNode({
  type: 'indicator.rollingMin',
  version: 1,
  category: 'indicator',
  title: 'Rolling minimum',
  description: 'The lowest value of the last N bars.',
  docs: {
    example: 'Rolling minimum(10) of the lows as a trailing-stop level for a long; Rolling minimum(20) of the close for a Donchian channel’s floor.',
    caveats: [
      'Warm-up: needs N values, so the first output is at bar N (index N−1); NaN before that, as in TA-Lib MIN.',
      'The window includes the current closed bar, so a value is never beyond the lowest of a window that contains it: a breakout compares the close with the previous bar’s output.',
      'A NaN input outputs NaN and restarts the warm-up.',
    ],
  },
  inputs: { source: { kind: 'number', description: 'The series to scan, e.g. the low or the close.' } },
  outputs: { value: { kind: 'number', description: 'The lowest of the last N inputs.' } },
  params: z.object({
    period: z.number().int().min(1).max(10_000).default(20).describe('Number of bars in the window.'),
  }),
  warmup: (p) => p.period - 1,
  init: (p) => extremeInit(p.period),
  step(s, _p, input, out) {
    out.value = extremeStep(s, input.source, false);
  },
  kernel(s, _p, input, out, from, to) {
    const x = input.source, y = out.value, r = s.window, buf = r.buf, size = r.size;
    let head = r.head, count = r.count, extreme = s.extreme, age = s.age;
    for (let t = from; t < to; t++) {
      const v = x[t]!;
      // extremeStep, inlined.
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
      age++;
      if (count === 1 || v <= extreme) {
        extreme = v;
        age = 0;
      } else if (age >= size) {
        const start = head + size - count;
        let best = buf[start]!;
        let at = 0;
        for (let i = 1; i < count; i++) {
          const w = buf[start + i]!;
          if (w <= best) {
            best = w;
            at = i;
          }
        }
        extreme = best;
        age = count - 1 - at;
      }
      y[t] = count === size ? extreme : NaN;
    }
    r.head = head;
    r.count = count;
    s.extreme = extreme;
    s.age = age;
  },
});
