import { z } from 'zod';
import { defineNode } from '../../contract.ts';

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
  // One slot more than the window so the previous-bars variant can skip the newest bar.
  init: (p) => ({ highs: new Array<number>(p.period + 1).fill(0), lows: new Array<number>(p.period + 1).fill(0), next: 0, count: 0 }),
  step(s, p, input, out) {
    const { high, low } = input.bars;
    const size = p.period + 1;
    if (high !== high || low !== low) {
      s.next = 0;
      s.count = 0;
      out.upper = out.middle = out.lower = NaN;
      return;
    }
    s.highs[s.next] = high;
    s.lows[s.next] = low;
    const newest = s.next;
    s.next = s.next + 1 === size ? 0 : s.next + 1;
    if (s.count < size) s.count++;
    const skip = p.includeCurrentBar ? 0 : 1;
    if (s.count < p.period + skip) {
      out.upper = out.middle = out.lower = NaN;
      return;
    }
    let upper = -Infinity;
    let lower = Infinity;
    for (let j = skip; j < p.period + skip; j++) {
      const i = newest - j < 0 ? newest - j + size : newest - j;
      if (s.highs[i] > upper) upper = s.highs[i];
      if (s.lows[i] < lower) lower = s.lows[i];
    }
    out.upper = upper;
    out.lower = lower;
    out.middle = (upper + lower) / 2;
  },
  kernel(s, p, input, out, from, to) {
    const H = input.bars.high, L = input.bars.low, outUpper = out.upper, outMiddle = out.middle, outLower = out.lower;
    const highs = s.highs, lows = s.lows, period = p.period, size = period + 1;
    const skip = p.includeCurrentBar ? 0 : 1;
    let next = s.next, count = s.count;
    for (let t = from; t < to; t++) {
      const high = H[t]!, low = L[t]!;
      if (high !== high || low !== low) {
        next = 0;
        count = 0;
        outUpper[t] = outMiddle[t] = outLower[t] = NaN;
        continue;
      }
      highs[next] = high;
      lows[next] = low;
      const newest = next;
      next = next + 1 === size ? 0 : next + 1;
      if (count < size) count++;
      if (count < period + skip) {
        outUpper[t] = outMiddle[t] = outLower[t] = NaN;
        continue;
      }
      let upper = -Infinity;
      let lower = Infinity;
      for (let j = skip; j < period + skip; j++) {
        const i = newest - j < 0 ? newest - j + size : newest - j;
        if (highs[i]! > upper) upper = highs[i]!;
        if (lows[i]! < lower) lower = lows[i]!;
      }
      outUpper[t] = upper;
      outLower[t] = lower;
      outMiddle[t] = (upper + lower) / 2;
    }
    s.next = next;
    s.count = count;
  },
});
