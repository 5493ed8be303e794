import { z } from 'zod';
import { defineNode } from '../../contract.ts';

/** Williams %R: where the close sits in the N-bar high–low range, from 0 (top) to −100 (bottom); TA-Lib's WILLR. */
export const williamsR = defineNode({
  type: 'indicator.williamsR',
  version: 1,
  category: 'indicator',
  title: 'Williams %R',
  description: 'Williams %R (0 to −100): the close against the recent high–low range; above −20 overbought, below −80 oversold.',
  docs: {
    example: 'Williams %R(14) rising back above −80 as an oversold bounce entry.',
    caveats: [
      '%R = −100 × (highest high − close) ÷ (highest high − lowest low) over the last N bars, this bar included. It is the fast stochastic %K minus 100.',
      'First value at index N−1 (a full window), as in TA-Lib.',
      'When the window has no range at all (highest high = lowest low), it reads −50, the middle; TA-Lib reads 0 there, which would look overbought.',
      'A bar with a NaN high, low or close outputs NaN and restarts the window.',
    ],
  },
  inputs: { bars: { kind: 'bars', description: 'OHLC bars; uses high, low and close.' } },
  outputs: { value: { kind: 'number', description: '%R from 0 (at the high) to −100 (at the low).' } },
  params: z.object({
    period: z.number().int().min(1).max(10_000).default(14).describe('Number of bars N in the high–low range.'),
  }),
  warmup: (p) => p.period - 1,
  init: (p) => ({ highs: new Array<number>(p.period).fill(0), lows: new Array<number>(p.period).fill(0), next: 0, count: 0 }),
  step(s, p, input, out) {
    const { high, low, close } = input.bars;
    if (Number.isNaN(high) || Number.isNaN(low) || Number.isNaN(close)) {
      s.next = 0;
      s.count = 0;
      out.value = NaN;
      return;
    }
    s.highs[s.next] = high;
    s.lows[s.next] = low;
    s.next = s.next + 1 === p.period ? 0 : s.next + 1;
    if (s.count < p.period) s.count++;
    if (s.count < p.period) {
      out.value = NaN;
      return;
    }
    let hh = high;
    let ll = low;
    for (let i = 0; i < p.period; i++) {
      if (s.highs[i] > hh) hh = s.highs[i];
      if (s.lows[i] < ll) ll = s.lows[i];
    }
    // 0 − … rather than −100 × …, so a close at the high reads 0 and not −0.
    out.value = hh === ll ? -50 : 0 - ((hh - close) / (hh - ll)) * 100;
  },
  kernel(s, p, input, out, from, to) {
    const H = input.bars.high, L = input.bars.low, C = input.bars.close, y = out.value;
    const highs = s.highs, lows = s.lows, period = p.period;
    let next = s.next, count = s.count;
    for (let t = from; t < to; t++) {
      const high = H[t]!, low = L[t]!, close = C[t]!;
      if (high !== high || low !== low || close !== close) {
        next = 0;
        count = 0;
        y[t] = NaN;
        continue;
      }
      highs[next] = high;
      lows[next] = low;
      next = next + 1 === period ? 0 : next + 1;
      if (count < period) count++;
      if (count < period) {
        y[t] = NaN;
        continue;
      }
      let hh = high;
      let ll = low;
      for (let i = 0; i < period; i++) {
        if (highs[i]! > hh) hh = highs[i]!;
        if (lows[i]! < ll) ll = lows[i]!;
      }
      y[t] = hh === ll ? -50 : 0 - ((hh - close) / (hh - ll)) * 100;
    }
    s.next = next;
    s.count = count;
  },
});
