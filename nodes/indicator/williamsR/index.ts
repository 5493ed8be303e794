import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { extremeAgeAfter, keepExtremes, ringBack } from '../rolling-extreme.ts';

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
  // The window's highest high and lowest low are kept with their ages (`extremeAgeAfter`): a walk over the
  // window every bar cost ≈ 70 ns a bar at 14 bars.
  init: (p) => ({ highs: new Array<number>(p.period).fill(0), lows: new Array<number>(p.period).fill(0), next: 0, count: 0, hh: NaN, hhAge: -1, ll: NaN, llAge: -1 }),
  step(s, p, input, out) {
    keepExtremes(s, p.period, p.period);
    const { high, low, close } = input.bars;
    if (Number.isNaN(high) || Number.isNaN(low) || Number.isNaN(close)) {
      s.next = 0;
      s.count = 0;
      s.hh = s.ll = NaN;
      s.hhAge = s.llAge = -1;
      out.value = NaN;
      return;
    }
    const newest = s.next;
    s.highs[newest] = high;
    s.lows[newest] = low;
    s.next = s.next + 1 === p.period ? 0 : s.next + 1;
    if (s.count < p.period) s.count++;
    s.hhAge = extremeAgeAfter(s.highs, newest, p.period, s.count, true, high, s.hh, s.hhAge);
    s.hh = s.highs[ringBack(newest, s.hhAge, p.period)];
    s.llAge = extremeAgeAfter(s.lows, newest, p.period, s.count, false, low, s.ll, s.llAge);
    s.ll = s.lows[ringBack(newest, s.llAge, p.period)];
    if (s.count < p.period) {
      out.value = NaN;
      return;
    }
    const hh = s.hh, ll = s.ll;
    // 0 − … rather than −100 × …, so a close at the high reads 0 and not −0.
    out.value = hh === ll ? -50 : 0 - ((hh - close) / (hh - ll)) * 100;
  },
  kernel(s, p, input, out, from, to) {
    keepExtremes(s, p.period, p.period);
    // NaN as a local (docs/engine.md, "NaN in a hot loop").
    const nan = NaN;
    const H = input.bars.high, L = input.bars.low, C = input.bars.close, y = out.value;
    const highs = s.highs, lows = s.lows, period = p.period;
    let next = s.next, count = s.count, hh = s.hh, hhAge = s.hhAge, ll = s.ll, llAge = s.llAge;
    for (let t = from; t < to; t++) {
      const high = H[t]!, low = L[t]!, close = C[t]!;
      if (high !== high || low !== low || close !== close) {
        next = 0;
        count = 0;
        hh = ll = nan;
        hhAge = llAge = -1;
        y[t] = nan;
        continue;
      }
      const newest = next;
      highs[newest] = high;
      lows[newest] = low;
      next = next + 1 === period ? 0 : next + 1;
      if (count < period) count++;
      hhAge = extremeAgeAfter(highs, newest, period, count, true, high, hh, hhAge);
      hh = highs[ringBack(newest, hhAge, period)]!;
      llAge = extremeAgeAfter(lows, newest, period, count, false, low, ll, llAge);
      ll = lows[ringBack(newest, llAge, period)]!;
      if (count < period) {
        y[t] = nan;
        continue;
      }
      y[t] = hh === ll ? -50 : 0 - ((hh - close) / (hh - ll)) * 100;
    }
    s.next = next;
    s.count = count;
    s.hh = hh;
    s.hhAge = hhAge;
    s.ll = ll;
    s.llAge = llAge;
  },
});
