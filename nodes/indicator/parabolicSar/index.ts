import { z } from 'zod';
import { defineNode } from '../../contract.ts';

/** Parabolic SAR (stop and reverse), exactly as TA-Lib's SAR computes it. */
export const parabolicSar = defineNode({
  type: 'indicator.parabolicSar',
  version: 1,
  category: 'indicator',
  title: 'Parabolic SAR',
  description: 'A trailing stop that accelerates towards price and flips side when price touches it.',
  docs: {
    example: 'Parabolic SAR(0.02, 0.2): long while the close is above the SAR, out when it drops below.',
    caveats: [
      'First value at bar 1 (index 1). The starting side is TA-Lib’s: short if bar 1 has downward directional movement over bar 0 (a lower low that outweighs any higher high), long otherwise.',
      'The value at a bar is the stop in force during that bar, as in TA-Lib: it was set from the bars before, except on a reversal bar, where it is the reversal level (the previous extreme point). The next bar’s stop is not output.',
      'The acceleration factor starts at Acceleration, grows by it at each new extreme and is capped at Maximum; an Acceleration above Maximum is lowered to Maximum, as in TA-Lib.',
      'A bar with a NaN high or low outputs NaN and restarts from scratch.',
    ],
  },
  inputs: { bars: { kind: 'bars', description: 'OHLC bars; uses high and low.' } },
  outputs: { value: { kind: 'price', description: 'The stop-and-reverse level for this bar.' } },
  params: z.object({
    acceleration: z.number().positive().max(1).default(0.02).describe('Acceleration factor step (and its starting value).'),
    maximum: z.number().positive().max(1).default(0.2).describe('Largest acceleration factor.'),
  }),
  warmup: () => 1,
  init: () => ({ count: 0, isLong: 0, sar: 0, ep: 0, af: 0, lastHigh: 0, lastLow: 0 }),
  step(s, p, input, out) {
    const { high, low } = input.bars;
    if (high !== high || low !== low) {
      s.count = 0;
      out.value = NaN;
      return;
    }
    const step = Math.min(p.acceleration, p.maximum);
    if (s.count === 0) {
      s.count = 1;
      s.lastHigh = high;
      s.lastLow = low;
      out.value = NaN;
      return;
    }
    if (s.count === 1) {
      s.count = 2;
      // TA-Lib picks the side from the one-bar −DM: short only if the low fell by more than the high rose.
      const up = high - s.lastHigh;
      const down = s.lastLow - low;
      s.isLong = down > 0 && up < down ? 0 : 1;
      s.sar = s.isLong ? s.lastLow : s.lastHigh;
      s.ep = s.isLong ? high : low;
      s.af = step;
      // TA-Lib compares the first bar with itself, not with bar 0.
      s.lastHigh = high;
      s.lastLow = low;
    }
    const prevHigh = s.lastHigh;
    const prevLow = s.lastLow;
    s.lastHigh = high;
    s.lastLow = low;
    let sar = s.sar;
    if (s.isLong) {
      if (low <= sar) {
        s.isLong = 0;
        sar = s.ep;
        if (sar < prevHigh) sar = prevHigh;
        if (sar < high) sar = high;
        out.value = sar;
        s.af = step;
        s.ep = low;
        sar = sar + s.af * (s.ep - sar);
        if (sar < prevHigh) sar = prevHigh;
        if (sar < high) sar = high;
      } else {
        out.value = sar;
        if (high > s.ep) {
          s.ep = high;
          s.af += step;
          if (s.af > p.maximum) s.af = p.maximum;
        }
        sar = sar + s.af * (s.ep - sar);
        if (sar > prevLow) sar = prevLow;
        if (sar > low) sar = low;
      }
    } else if (high >= sar) {
      s.isLong = 1;
      sar = s.ep;
      if (sar > prevLow) sar = prevLow;
      if (sar > low) sar = low;
      out.value = sar;
      s.af = step;
      s.ep = high;
      sar = sar + s.af * (s.ep - sar);
      if (sar > prevLow) sar = prevLow;
      if (sar > low) sar = low;
    } else {
      out.value = sar;
      if (low < s.ep) {
        s.ep = low;
        s.af += step;
        if (s.af > p.maximum) s.af = p.maximum;
      }
      sar = sar + s.af * (s.ep - sar);
      if (sar < prevHigh) sar = prevHigh;
      if (sar < high) sar = high;
    }
    s.sar = sar;
  },
  kernel(s, p, input, out, from, to) {
    const H = input.bars.high, L = input.bars.low, y = out.value;
    const maximum = p.maximum, step = Math.min(p.acceleration, p.maximum);
    let count = s.count, isLong = s.isLong, sar = s.sar, ep = s.ep, af = s.af, lastHigh = s.lastHigh, lastLow = s.lastLow;
    for (let t = from; t < to; t++) {
      const high = H[t]!, low = L[t]!;
      if (high !== high || low !== low) {
        count = 0;
        y[t] = NaN;
        continue;
      }
      if (count === 0) {
        count = 1;
        lastHigh = high;
        lastLow = low;
        y[t] = NaN;
        continue;
      }
      if (count === 1) {
        count = 2;
        const up = high - lastHigh;
        const down = lastLow - low;
        isLong = down > 0 && up < down ? 0 : 1;
        sar = isLong ? lastLow : lastHigh;
        ep = isLong ? high : low;
        af = step;
        lastHigh = high;
        lastLow = low;
      }
      const prevHigh = lastHigh;
      const prevLow = lastLow;
      lastHigh = high;
      lastLow = low;
      if (isLong) {
        if (low <= sar) {
          isLong = 0;
          sar = ep;
          if (sar < prevHigh) sar = prevHigh;
          if (sar < high) sar = high;
          y[t] = sar;
          af = step;
          ep = low;
          sar = sar + af * (ep - sar);
          if (sar < prevHigh) sar = prevHigh;
          if (sar < high) sar = high;
        } else {
          y[t] = sar;
          if (high > ep) {
            ep = high;
            af += step;
            if (af > maximum) af = maximum;
          }
          sar = sar + af * (ep - sar);
          if (sar > prevLow) sar = prevLow;
          if (sar > low) sar = low;
        }
      } else if (high >= sar) {
        isLong = 1;
        sar = ep;
        if (sar > prevLow) sar = prevLow;
        if (sar > low) sar = low;
        y[t] = sar;
        af = step;
        ep = high;
        sar = sar + af * (ep - sar);
        if (sar > prevLow) sar = prevLow;
        if (sar > low) sar = low;
      } else {
        y[t] = sar;
        if (low < ep) {
          ep = low;
          af += step;
          if (af > maximum) af = maximum;
        }
        sar = sar + af * (ep - sar);
        if (sar < prevHigh) sar = prevHigh;
        if (sar < high) sar = high;
      }
    }
    s.count = count;
    s.isLong = isLong;
    s.sar = sar;
    s.ep = ep;
    s.af = af;
    s.lastHigh = lastHigh;
    s.lastLow = lastLow;
  },
});
