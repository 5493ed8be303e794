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
});
