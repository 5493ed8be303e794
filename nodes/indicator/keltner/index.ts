import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { atrState, resetAtr, stepAtr } from '../atr/wilder.ts';

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
});
