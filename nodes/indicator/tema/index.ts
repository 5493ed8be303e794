import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { emaStage, pushEma, resetEma } from '../ema/stage.ts';

/** Triple exponential moving average (Mulloy): 3·EMA − 3·EMA² + EMA³, TA-Lib's TEMA. */
export const tema = defineNode({
  type: 'indicator.tema',
  version: 1,
  category: 'indicator',
  title: 'TEMA',
  description: 'Triple EMA: even less lag than DEMA, at the cost of more overshoot.',
  docs: {
    example: 'TEMA(20) rising as a trend filter that turns within a few bars of the price.',
    caveats: [
      'TEMA = 3·E1 − 3·E2 + E3 with E1 = EMA(x), E2 = EMA(E1), E3 = EMA(E2); each EMA is seeded with the SMA of its first N inputs, so TEMA starts at index 3(N−1), as in TA-Lib.',
      'Not the TRIX oscillator (which is the rate of change of a triple-smoothed EMA).',
      'A NaN input outputs NaN and restarts all three EMAs from scratch.',
    ],
  },
  inputs: { source: { kind: 'number', description: 'The series to smooth, usually the close.' } },
  outputs: { value: { kind: 'number', description: 'The triple exponential average.' } },
  params: z.object({
    period: z.number().int().min(1).max(10_000).default(20).describe('EMA length N of all three passes; smoothing factor 2/(N+1).'),
  }),
  warmup: (p) => 3 * (p.period - 1),
  init: () => ({ e1: emaStage(), e2: emaStage(), e3: emaStage() }),
  step(s, p, input, out) {
    const x = input.source;
    if (Number.isNaN(x)) {
      resetEma(s.e1);
      resetEma(s.e2);
      resetEma(s.e3);
      out.value = NaN;
      return;
    }
    out.value = NaN;
    const e1 = pushEma(s.e1, p.period, x);
    if (Number.isNaN(e1)) return;
    const e2 = pushEma(s.e2, p.period, e1);
    if (Number.isNaN(e2)) return;
    const e3 = pushEma(s.e3, p.period, e2);
    out.value = 3 * e1 - 3 * e2 + e3;
  },
  kernel(s, p, input, out, from, to) {
    const x = input.source, y = out.value, period = p.period, alpha = 2 / (period + 1);
    let v1 = s.e1.value, c1 = s.e1.count, s1 = s.e1.sum;
    let v2 = s.e2.value, c2 = s.e2.count, s2 = s.e2.sum;
    let v3 = s.e3.value, c3 = s.e3.count, s3 = s.e3.sum;
    for (let t = from; t < to; t++) {
      const v = x[t]!;
      y[t] = NaN;
      if (v !== v) {
        v1 = NaN;
        c1 = 0;
        s1 = 0;
        v2 = NaN;
        c2 = 0;
        s2 = 0;
        v3 = NaN;
        c3 = 0;
        s3 = 0;
        continue;
      }
      // pushEma on the three stages, inlined.
      let e1 = NaN;
      if (c1 < period) {
        s1 += v;
        c1++;
        if (c1 === period) e1 = v1 = s1 / period;
      } else {
        e1 = v1 += alpha * (v - v1);
      }
      if (e1 !== e1) continue;
      let e2 = NaN;
      if (c2 < period) {
        s2 += e1;
        c2++;
        if (c2 === period) e2 = v2 = s2 / period;
      } else {
        e2 = v2 += alpha * (e1 - v2);
      }
      if (e2 !== e2) continue;
      let e3 = NaN;
      if (c3 < period) {
        s3 += e2;
        c3++;
        if (c3 === period) e3 = v3 = s3 / period;
      } else {
        e3 = v3 += alpha * (e2 - v3);
      }
      y[t] = 3 * e1 - 3 * e2 + e3;
    }
    s.e1.value = v1;
    s.e1.count = c1;
    s.e1.sum = s1;
    s.e2.value = v2;
    s.e2.count = c2;
    s.e2.sum = s2;
    s.e3.value = v3;
    s.e3.count = c3;
    s.e3.sum = s3;
  },
});
