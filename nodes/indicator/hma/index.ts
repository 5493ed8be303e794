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
  kernel(s, p, input, out, from, to) {
    const x = input.source, y = out.value;
    const halfLength = Math.floor(p.period / 2), fullLength = p.period, outerLength = rootLength(p.period);
    const halfWindow = s.half.window, halfDivisor = (halfLength * (halfLength + 1)) / 2;
    let halfNext = s.half.next, halfCount = s.half.count, halfSum = s.half.sum, halfWeighted = s.half.weighted;
    const fullWindow = s.full.window, fullDivisor = (fullLength * (fullLength + 1)) / 2;
    let fullNext = s.full.next, fullCount = s.full.count, fullSum = s.full.sum, fullWeighted = s.full.weighted;
    const outerWindow = s.outer.window, outerDivisor = (outerLength * (outerLength + 1)) / 2;
    let outerNext = s.outer.next, outerCount = s.outer.count, outerSum = s.outer.sum, outerWeighted = s.outer.weighted;
    for (let t = from; t < to; t++) {
      const v = x[t]!;
      if (v !== v) {
        halfNext = 0;
        halfCount = 0;
        halfSum = 0;
        halfWeighted = 0;
        fullNext = 0;
        fullCount = 0;
        fullSum = 0;
        fullWeighted = 0;
        outerNext = 0;
        outerCount = 0;
        outerSum = 0;
        outerWeighted = 0;
        y[t] = NaN;
        continue;
      }
      // pushWma on the three stages, inlined.
      let half = NaN;
      if (halfCount === halfLength) {
        halfWeighted += halfLength * v - halfSum;
        halfSum += v - halfWindow[halfNext]!;
      } else {
        halfCount++;
        halfWeighted += halfCount * v;
        halfSum += v;
      }
      halfWindow[halfNext] = v;
      halfNext = halfNext + 1 === halfLength ? 0 : halfNext + 1;
      if (halfCount === halfLength) half = halfWeighted / halfDivisor;
      let full = NaN;
      if (fullCount === fullLength) {
        fullWeighted += fullLength * v - fullSum;
        fullSum += v - fullWindow[fullNext]!;
      } else {
        fullCount++;
        fullWeighted += fullCount * v;
        fullSum += v;
      }
      fullWindow[fullNext] = v;
      fullNext = fullNext + 1 === fullLength ? 0 : fullNext + 1;
      if (fullCount === fullLength) full = fullWeighted / fullDivisor;
      if (full !== full) {
        y[t] = NaN;
        continue;
      }
      const diff = 2 * half - full;
      let outer = NaN;
      if (outerCount === outerLength) {
        outerWeighted += outerLength * diff - outerSum;
        outerSum += diff - outerWindow[outerNext]!;
      } else {
        outerCount++;
        outerWeighted += outerCount * diff;
        outerSum += diff;
      }
      outerWindow[outerNext] = diff;
      outerNext = outerNext + 1 === outerLength ? 0 : outerNext + 1;
      if (outerCount === outerLength) outer = outerWeighted / outerDivisor;
      y[t] = outer;
    }
    s.half.next = halfNext;
    s.half.count = halfCount;
    s.half.sum = halfSum;
    s.half.weighted = halfWeighted;
    s.full.next = fullNext;
    s.full.count = fullCount;
    s.full.sum = fullSum;
    s.full.weighted = fullWeighted;
    s.outer.next = outerNext;
    s.outer.count = outerCount;
    s.outer.sum = outerSum;
    s.outer.weighted = outerWeighted;
  },
});
