import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { pushWma, resetWma, wmaStage } from '../wma/stage.ts';

/** Integer square root of the period: the length of the final smoothing pass. */
function rootLength(period: number): number {
  return Math.floor(Math.sqrt(period));
}

/** Hull moving average (Alan Hull, 2005): WMA(2·WMA(x, ⌊N/2⌋) − WMA(x, N), ⌊√N⌋). Not in TA-Lib. */
export const hma = defineNode({
  type: 'indicator.hma',
  version: 1,
  category: 'indicator',
  title: 'Hull MA',
  description: 'Hull moving average: smooth and nearly lag-free, good for spotting turns.',
  docs: {
    example: 'HMA(20) turning up (above its value one bar earlier) as a swing entry.',
    caveats: [
      'HMA = WMA(2·WMA(x, ⌊N/2⌋) − WMA(x, N), ⌊√N⌋), with the half and the root rounded down as in Hull’s original and TradingView (HMA(9) uses 4 and 3).',
      'First value at index (N−1) + (⌊√N⌋−1): the inner WMA(N) must be full, then the outer WMA(⌊√N⌋) over its differences.',
      'Extrapolating away the lag makes it overshoot after sharp moves; it is not bounded by the recent highs and lows.',
      'A NaN input outputs NaN and restarts all three averages.',
    ],
  },
  inputs: { source: { kind: 'number', description: 'The series to smooth, usually the close.' } },
  outputs: { value: { kind: 'number', description: 'The Hull moving average.' } },
  params: z.object({
    period: z.number().int().min(2).max(10_000).default(20).describe('Hull length N (the half and square-root lengths are derived from it).'),
  }),
  warmup: (p) => p.period - 1 + rootLength(p.period) - 1,
  init: (p) => ({ half: wmaStage(Math.floor(p.period / 2)), full: wmaStage(p.period), outer: wmaStage(rootLength(p.period)) }),
  step(s, p, input, out) {
    const x = input.source;
    if (Number.isNaN(x)) {
      resetWma(s.half);
      resetWma(s.full);
      resetWma(s.outer);
      out.value = NaN;
      return;
    }
    const half = pushWma(s.half, Math.floor(p.period / 2), x);
    const full = pushWma(s.full, p.period, x);
    // The half-length average fills first; the difference exists only once the full one does.
    out.value = Number.isNaN(full) ? NaN : pushWma(s.outer, rootLength(p.period), 2 * half - full);
  },
});
