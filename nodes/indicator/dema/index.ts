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
});
