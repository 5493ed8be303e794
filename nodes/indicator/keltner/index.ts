import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { atrState, resetAtr, stepAtr } from '../atr/wilder.ts';
import { wilderPart } from '../wilder.ts';

/** Keltner Channels: an EMA of the close with bands a multiple of the ATR away. */
export const keltner = defineNode({
  type: 'indicator.keltner',
  version: 1,
  category: 'indicator',
  title: 'Keltner Channels',
  description: 'An EMA of the close with bands a multiple of the ATR above and below it.',
  docs: {
    example: 'Keltner(20, 10, 2): a close above the upper channel as a breakout entry.',
    caveats: [
      'Definition (the modern one, as on StockCharts): middle = EMA(close, N); upper/lower = middle ± multiplier × ATR(M). The EMA is the EMA node’s (seeded with the SMA of the first N closes) and the ATR the ATR node’s (TA-Lib, Wilder smoothing).',
      'The middle starts at bar N (index N−1); the bands need the ATR too, so they start at index max(N−1, M), the node’s warm-up.',
      'Chester Keltner’s original 1960 version (an SMA of the typical price ± an SMA of the range) is not this one.',
      'A bar with a NaN high, low or close outputs NaN and restarts both the EMA and the ATR.',
    ],
  },
  inputs: { bars: { kind: 'bars', description: 'OHLC bars; uses high, low and close.' } },
  outputs: {
    upper: { kind: 'price', description: 'Middle + multiplier × ATR.' },
    middle: { kind: 'price', description: 'EMA of the close.' },
    lower: { kind: 'price', description: 'Middle − multiplier × ATR.' },
  },
  params: z.object({
    period: z.number().int().min(1).max(10_000).default(20).describe('Number of bars of the EMA (the middle line).'),
    atrPeriod: z.number().int().min(1).max(1000).default(10).describe('Number of bars of the ATR (the band distance).'),
    multiplier: z.number().positive().max(20).default(2).describe('Band distance from the middle, in ATRs.'),
  }),
  warmup: (p) => Math.max(p.period - 1, p.atrPeriod),
  init: () => ({ emaCount: 0, emaSum: 0, ema: 0, atr: atrState() }),
  step(s, p, input, out) {
    const { high, low, close } = input.bars;
    if (high !== high || low !== low || close !== close) {
      s.emaCount = 0;
      s.emaSum = 0;
      resetAtr(s.atr);
      out.upper = out.middle = out.lower = NaN;
      return;
    }
    const range = stepAtr(s.atr, p.atrPeriod, high, low, close);
    let middle: number;
    if (s.emaCount < p.period) {
      s.emaSum += close;
      s.emaCount++;
      middle = s.emaCount < p.period ? NaN : (s.ema = s.emaSum / p.period);
    } else {
      middle = s.ema += (2 / (p.period + 1)) * (close - s.ema);
    }
    const offset = p.multiplier * range;
    out.middle = middle;
    out.upper = middle + offset;
    out.lower = middle - offset;
  },
  kernel(s, p, input, out, from, to) {
    const H = input.bars.high, L = input.bars.low, C = input.bars.close, outUpper = out.upper, outMiddle = out.middle, outLower = out.lower;
    const period = p.period, atrPeriod = p.atrPeriod, part = wilderPart(atrPeriod), multiplier = p.multiplier, alpha = 2 / (period + 1);
    const a = s.atr;
    let emaCount = s.emaCount, emaSum = s.emaSum, ema = s.ema;
    let prevClose = a.prevClose, atrCount = a.count, atrSum = a.sum, atrValue = a.value;
    for (let t = from; t < to; t++) {
      const high = H[t]!, low = L[t]!, close = C[t]!;
      if (high !== high || low !== low || close !== close) {
        emaCount = 0;
        emaSum = 0;
        prevClose = NaN;
        atrCount = 0;
        atrSum = 0;
        atrValue = NaN;
        outUpper[t] = outMiddle[t] = outLower[t] = NaN;
        continue;
      }
      // stepAtr, inlined.
      let range: number;
      const pc = prevClose;
      prevClose = close;
      if (pc !== pc) range = NaN;
      else {
        let tr = high - low;
        const up = Math.abs(pc - high);
        if (up > tr) tr = up;
        const down = Math.abs(pc - low);
        if (down > tr) tr = down;
        if (atrCount < atrPeriod) {
          atrSum += tr;
          atrCount++;
          if (atrCount < atrPeriod) range = NaN;
          else range = atrValue = atrSum / atrPeriod;
        } else range = atrValue = atrValue + (tr - atrValue) * part;
      }
      let middle: number;
      if (emaCount < period) {
        emaSum += close;
        emaCount++;
        middle = emaCount < period ? NaN : (ema = emaSum / period);
      } else {
        middle = ema += alpha * (close - ema);
      }
      const offset = multiplier * range;
      outMiddle[t] = middle;
      outUpper[t] = middle + offset;
      outLower[t] = middle - offset;
    }
    s.emaCount = emaCount;
    s.emaSum = emaSum;
    s.ema = ema;
    a.prevClose = prevClose;
    a.count = atrCount;
    a.sum = atrSum;
    a.value = atrValue;
  },
});
