import { z } from 'zod';
import { defineNode } from '../../contract.ts';

/** Aroon up, down and oscillator (TA-Lib's AROON and AROONOSC). */
export const aroon = defineNode({
  type: 'indicator.aroon',
  version: 1,
  category: 'indicator',
  title: 'Aroon',
  description: 'How recently the highest high and lowest low happened (0–100), and their difference.',
  docs: {
    example: 'Aroon(25) up crossing above down signals a new uptrend; oscillator above 50 confirms it.',
    caveats: [
      'Looks at the last N+1 bars (this one and N before it), as TA-Lib does: up = 100 × (N − bars since the highest high) / N, so a high on this bar reads 100 and one N bars ago reads 0.',
      'First value at bar N (index N).',
      'On ties the most recent extreme counts, so in a flat market both up and down read 100 and the oscillator 0.',
      'A bar with a NaN high or low outputs NaN and restarts the warm-up.',
    ],
  },
  inputs: { bars: { kind: 'bars', description: 'OHLC bars; uses high and low.' } },
  outputs: {
    up: { kind: 'number', description: 'Aroon up, 0–100: 100 when this bar made the N-bar high.' },
    down: { kind: 'number', description: 'Aroon down, 0–100: 100 when this bar made the N-bar low.' },
    oscillator: { kind: 'number', description: 'Up minus down, −100 to 100.' },
  },
  params: z.object({
    period: z.number().int().min(2).max(1000).default(14).describe('Number of bars back to look for the extremes.'),
  }),
  warmup: (p) => p.period,
  init: (p) => ({
    highs: new Array<number>(p.period + 1).fill(0),
    lows: new Array<number>(p.period + 1).fill(0),
    // Bars seen since the last restart; extremes are kept as positions in that count.
    count: 0,
    highIdx: -1,
    lowIdx: -1,
    highest: 0,
    lowest: 0,
  }),
  step(s, p, input, out) {
    const { high, low } = input.bars;
    const n = p.period;
    const size = n + 1;
    if (high !== high || low !== low) {
      s.count = 0;
      s.highIdx = s.lowIdx = -1;
      out.up = out.down = out.oscillator = NaN;
      return;
    }
    const today = s.count++;
    s.highs[today % size] = high;
    s.lows[today % size] = low;
    if (today < n) {
      out.up = out.down = out.oscillator = NaN;
      return;
    }
    const trailing = today - n;
    // Rescan only when the extreme has left the window; otherwise the new bar is the only candidate.
    if (s.highIdx < trailing) {
      s.highIdx = trailing;
      s.highest = s.highs[trailing % size];
      for (let i = trailing + 1; i <= today; i++) {
        const h = s.highs[i % size];
        if (h >= s.highest) {
          s.highIdx = i;
          s.highest = h;
        }
      }
    } else if (high >= s.highest) {
      s.highIdx = today;
      s.highest = high;
    }
    if (s.lowIdx < trailing) {
      s.lowIdx = trailing;
      s.lowest = s.lows[trailing % size];
      for (let i = trailing + 1; i <= today; i++) {
        const l = s.lows[i % size];
        if (l <= s.lowest) {
          s.lowIdx = i;
          s.lowest = l;
        }
      }
    } else if (low <= s.lowest) {
      s.lowIdx = today;
      s.lowest = low;
    }
    const factor = 100 / n;
    out.up = factor * (n - (today - s.highIdx));
    out.down = factor * (n - (today - s.lowIdx));
    out.oscillator = factor * (s.highIdx - s.lowIdx);
  },
  kernel(s, p, input, out, from, to) {
    const H = input.bars.high, L = input.bars.low, outUp = out.up, outDown = out.down, outOsc = out.oscillator;
    const highs = s.highs, lows = s.lows, n = p.period, size = n + 1, factor = 100 / n;
    let count = s.count, highIdx = s.highIdx, lowIdx = s.lowIdx, highest = s.highest, lowest = s.lowest;
    for (let t = from; t < to; t++) {
      const high = H[t]!, low = L[t]!;
      if (high !== high || low !== low) {
        count = 0;
        highIdx = lowIdx = -1;
        outUp[t] = outDown[t] = outOsc[t] = NaN;
        continue;
      }
      const today = count++;
      highs[today % size] = high;
      lows[today % size] = low;
      if (today < n) {
        outUp[t] = outDown[t] = outOsc[t] = NaN;
        continue;
      }
      const trailing = today - n;
      if (highIdx < trailing) {
        highIdx = trailing;
        highest = highs[trailing % size]!;
        for (let i = trailing + 1; i <= today; i++) {
          const h = highs[i % size]!;
          if (h >= highest) {
            highIdx = i;
            highest = h;
          }
        }
      } else if (high >= highest) {
        highIdx = today;
        highest = high;
      }
      if (lowIdx < trailing) {
        lowIdx = trailing;
        lowest = lows[trailing % size]!;
        for (let i = trailing + 1; i <= today; i++) {
          const l = lows[i % size]!;
          if (l <= lowest) {
            lowIdx = i;
            lowest = l;
          }
        }
      } else if (low <= lowest) {
        lowIdx = today;
        lowest = low;
      }
      outUp[t] = factor * (n - (today - highIdx));
      outDown[t] = factor * (n - (today - lowIdx));
      outOsc[t] = factor * (highIdx - lowIdx);
    }
    s.count = count;
    s.highIdx = highIdx;
    s.lowIdx = lowIdx;
    s.highest = highest;
    s.lowest = lowest;
  },
});
