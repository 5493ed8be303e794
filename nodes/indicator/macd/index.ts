import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { emaStage, pushEma, resetEma } from '../ema/stage.ts';

/** Moving Average Convergence/Divergence (Appel), as TA-Lib's MACD computes it. */
export const macd = defineNode({
  type: 'indicator.macd',
  version: 1,
  category: 'indicator',
  title: 'MACD',
  description: 'MACD: fast EMA minus slow EMA, its signal line and the histogram between them.',
  docs: {
    example: 'MACD(12, 26, 9): enter when the MACD line crosses above its signal line (histogram turns positive).',
    caveats: [
      'macd = EMA(fast) − EMA(slow); signal = EMA(signal) of macd; histogram = macd − signal. In price units, so compare it across symbols only after dividing by price (see PPO).',
      'As in TA-Lib, the fast EMA is seeded at the same bar as the slow one (with the SMA of the fast-length window ending there), not at its own first bar; after that both are ordinary EMAs.',
      'All three outputs start together at index slow + signal − 2 (33 for 12/26/9), as in TA-Lib, even though the MACD line alone would exist from index slow − 1.',
      'The shorter of fast and slow is always used as the fast one, as in TA-Lib.',
      'A NaN input outputs NaN on all three and restarts the warm-up.',
    ],
  },
  inputs: { source: { kind: 'number', description: 'The series to measure, usually the close.' } },
  outputs: {
    macd: { kind: 'number', description: 'Fast EMA minus slow EMA.' },
    signal: { kind: 'number', description: 'EMA of the MACD line.' },
    histogram: { kind: 'number', description: 'MACD minus signal: positive while MACD is above its signal.' },
  },
  params: z.object({
    fast: z.number().int().min(2).max(10_000).default(12).describe('Fast EMA length, in bars.'),
    slow: z.number().int().min(2).max(10_000).default(26).describe('Slow EMA length, in bars.'),
    signal: z.number().int().min(1).max(10_000).default(9).describe('Signal-line EMA length, in bars.'),
  }),
  warmup: (p) => Math.max(p.fast, p.slow) + p.signal - 2,
  init: () => ({ seen: 0, fast: emaStage(), slow: emaStage(), signal: emaStage() }),
  step(s, p, input, out) {
    const x = input.source;
    out.macd = out.signal = out.histogram = NaN;
    if (Number.isNaN(x)) {
      s.seen = 0;
      resetEma(s.fast);
      resetEma(s.slow);
      resetEma(s.signal);
      return;
    }
    const fastLength = Math.min(p.fast, p.slow);
    const slowLength = Math.max(p.fast, p.slow);
    // Holding the fast EMA back until slow − fast inputs have passed makes both seeds end on the same bar.
    const fast = s.seen >= slowLength - fastLength ? pushEma(s.fast, fastLength, x) : NaN;
    const slow = pushEma(s.slow, slowLength, x);
    if (s.seen < slowLength) s.seen++;
    if (Number.isNaN(slow)) return;
    const line = fast - slow;
    const signal = pushEma(s.signal, p.signal, line);
    if (Number.isNaN(signal)) return;
    out.macd = line;
    out.signal = signal;
    out.histogram = line - signal;
  },
});
