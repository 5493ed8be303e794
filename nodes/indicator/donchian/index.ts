import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { extremeAgeAfter, keepExtremes, ringBack } from '../rolling-extreme.ts';

/** Donchian Channels: the highest high and lowest low of the last N bars, and their midpoint. */
export const donchian = defineNode({
  type: 'indicator.donchian',
  version: 1,
  category: 'indicator',
  title: 'Donchian Channels',
  description: 'The highest high and lowest low of the last N bars, and the midpoint between them.',
  docs: {
    example: 'Donchian(20) of the previous bars: a close above the upper channel is the Turtle breakout entry.',
    caveats: [
      'By default the window includes this bar (as TA-Lib’s MAX/MIN and most charts do), so the close can never be above the upper channel; turn off "Include this bar" to get the channel of the N bars before it, for breakout rules.',
      'First value at index N−1 when this bar is included, index N when it is not.',
      'A bar with a NaN high or low outputs NaN and restarts the window.',
    ],
  },
  inputs: { bars: { kind: 'bars', description: 'OHLC bars; uses high and low.' } },
  outputs: {
    upper: { kind: 'price', description: 'Highest high of the window.' },
    middle: { kind: 'price', description: 'Midpoint of upper and lower.' },
    lower: { kind: 'price', description: 'Lowest low of the window.' },
  },
  params: z.object({
    period: z.number().int().min(1).max(10_000).default(20).describe('Number of bars in the channel.'),
    includeCurrentBar: z.boolean().default(true).describe('Include this bar in the window; off gives the N bars before it (for breakouts).'),
  }),
  warmup: (p) => (p.includeCurrentBar ? p.period - 1 : p.period),
  // One slot more than the window, as saved states have it. The window's highest high and lowest low are
  // kept with their ages (`extremeAgeAfter`), over the `period` newest bars: a walk over the window every
  // bar cost ≈ 115 ns a bar at 20 bars. Without this bar, the channel is read before the bar goes in.
  init: (p) => ({ highs: new Array<number>(p.period + 1).fill(0), lows: new Array<number>(p.period + 1).fill(0), next: 0, count: 0, hh: NaN, hhAge: -1, ll: NaN, llAge: -1 }),
  step(s, p, input, out) {
    keepExtremes(s, p.period + 1, p.period);
    const { high, low } = input.bars;
    const size = p.period + 1;
    if (high !== high || low !== low) {
      s.next = 0;
      s.count = 0;
      s.hh = s.ll = NaN;
      s.hhAge = s.llAge = -1;
      out.upper = out.middle = out.lower = NaN;
      return;
    }
    out.upper = out.middle = out.lower = NaN;
    if (!p.includeCurrentBar && s.count >= p.period) channel(out, s.hh, s.ll);
    const newest = s.next;
    s.highs[newest] = high;
    s.lows[newest] = low;
    s.next = s.next + 1 === size ? 0 : s.next + 1;
    if (s.count < size) s.count++;
    const n = Math.min(s.count, p.period);
    s.hhAge = extremeAgeAfter(s.highs, newest, size, n, true, high, s.hh, s.hhAge);
    s.hh = s.highs[ringBack(newest, s.hhAge, size)];
    s.llAge = extremeAgeAfter(s.lows, newest, size, n, false, low, s.ll, s.llAge);
    s.ll = s.lows[ringBack(newest, s.llAge, size)];
    if (p.includeCurrentBar && s.count >= p.period) channel(out, s.hh, s.ll);
  },
  kernel(s, p, input, out, from, to) {
    keepExtremes(s, p.period + 1, p.period);
    // NaN as a local (docs/engine.md, "NaN in a hot loop").
    const nan = NaN;
    const H = input.bars.high, L = input.bars.low, outUpper = out.upper, outMiddle = out.middle, outLower = out.lower;
    const highs = s.highs, lows = s.lows, period = p.period, size = period + 1, before = !p.includeCurrentBar;
    let next = s.next, count = s.count, hh = s.hh, hhAge = s.hhAge, ll = s.ll, llAge = s.llAge;
    for (let t = from; t < to; t++) {
      const high = H[t]!, low = L[t]!;
      outUpper[t] = outMiddle[t] = outLower[t] = nan;
      if (high !== high || low !== low) {
        next = 0;
        count = 0;
        hh = ll = nan;
        hhAge = llAge = -1;
        continue;
      }
      if (before && count >= period) (outUpper[t] = hh), (outLower[t] = ll), (outMiddle[t] = (hh + ll) / 2);
      const newest = next;
      highs[newest] = high;
      lows[newest] = low;
      next = next + 1 === size ? 0 : next + 1;
      if (count < size) count++;
      const n = count < period ? count : period;
      hhAge = extremeAgeAfter(highs, newest, size, n, true, high, hh, hhAge);
      hh = highs[ringBack(newest, hhAge, size)]!;
      llAge = extremeAgeAfter(lows, newest, size, n, false, low, ll, llAge);
      ll = lows[ringBack(newest, llAge, size)]!;
      if (!before && count >= period) (outUpper[t] = hh), (outLower[t] = ll), (outMiddle[t] = (hh + ll) / 2);
    }
    s.next = next;
    s.count = count;
    s.hh = hh;
    s.hhAge = hhAge;
    s.ll = ll;
    s.llAge = llAge;
  },
});

function channel(out: { upper: number; middle: number; lower: number }, upper: number, lower: number): void {
  out.upper = upper;
  out.lower = lower;
  out.middle = (upper + lower) / 2;
}
