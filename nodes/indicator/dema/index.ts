import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { emaStage, pushEma, resetEma } from '../ema/stage.ts';

/** Double exponential moving average (Mulloy): 2·EMA − EMA(EMA), TA-Lib's DEMA. */
export const dema = defineNode({
  type: 'indicator.dema',
  version: 1,
  category: 'indicator',
  title: 'DEMA',
  description: 'Double EMA: an EMA with most of its lag taken out.',
  docs: {
    example: 'Close crossing above DEMA(20) as a faster trend entry than the same EMA.',
    caveats: [
      'DEMA = 2·EMA(x) − EMA(EMA(x)); each EMA is seeded with the SMA of its first N inputs, so the inner EMA starts at index N−1 and DEMA at index 2(N−1), as in TA-Lib.',
      'Less lag means more overshoot: after a sharp move it can run past the price for a few bars.',
      'A NaN input outputs NaN and restarts both EMAs from scratch.',
    ],
  },
  inputs: { source: { kind: 'number', description: 'The series to smooth, usually the close.' } },
  outputs: { value: { kind: 'number', description: 'The double exponential average.' } },
  params: z.object({
    period: z.number().int().min(1).max(10_000).default(20).describe('EMA length N of both passes; smoothing factor 2/(N+1).'),
  }),
  warmup: (p) => 2 * (p.period - 1),
  init: () => ({ e1: emaStage(), e2: emaStage() }),
  step(s, p, input, out) {
    const x = input.source;
    if (Number.isNaN(x)) {
      resetEma(s.e1);
      resetEma(s.e2);
      out.value = NaN;
      return;
    }
    const e1 = pushEma(s.e1, p.period, x);
    if (Number.isNaN(e1)) {
      out.value = NaN;
      return;
    }
    const e2 = pushEma(s.e2, p.period, e1);
    out.value = 2 * e1 - e2;
  },
  kernel(s, p, input, out, from, to) {
    const x = input.source, y = out.value, period = p.period, alpha = 2 / (period + 1);
    let v1 = s.e1.value, c1 = s.e1.count, s1 = s.e1.sum;
    let v2 = s.e2.value, c2 = s.e2.count, s2 = s.e2.sum;
    for (let t = from; t < to; t++) {
      const v = x[t]!;
      if (v !== v) {
        v1 = NaN;
        c1 = 0;
        s1 = 0;
        v2 = NaN;
        c2 = 0;
        s2 = 0;
        y[t] = NaN;
        continue;
      }
      // pushEma on both stages, inlined.
      let e1 = NaN;
      if (c1 < period) {
        s1 += v;
        c1++;
        if (c1 === period) e1 = v1 = s1 / period;
      } else {
        e1 = v1 += alpha * (v - v1);
      }
      if (e1 !== e1) {
        y[t] = NaN;
        continue;
      }
      let e2 = NaN;
      if (c2 < period) {
        s2 += e1;
        c2++;
        if (c2 === period) e2 = v2 = s2 / period;
      } else {
        e2 = v2 += alpha * (e1 - v2);
      }
      y[t] = 2 * e1 - e2;
    }
    s.e1.value = v1;
    s.e1.count = c1;
    s.e1.sum = s1;
    s.e2.value = v2;
    s.e2.count = c2;
    s.e2.sum = s2;
  },
});
