import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { atrColumns, atrState, stepAtrBar } from './wilder.ts';

/** Average True Range with Wilder's smoothing (TA-Lib's ATR). */
export const atr = defineNode({
  type: 'indicator.atr',
  version: 1,
  category: 'indicator',
  title: 'ATR',
  description: 'Average True Range: how far price typically moves in a bar, gaps included.',
  docs: {
    example: 'ATR(14) × 2 below the entry price as a volatility-sized stop distance.',
    caveats: [
      'True range needs the previous close, so the first one is at bar 1; the first ATR is the mean of N true ranges, at bar N (index N), then Wilder smoothing, as in TA-Lib.',
      'In price units (a distance, not a price level); it is never negative, and a flat market decays it towards 0.',
      'Wilder smoothing remembers its seed for a long time: values near the start depend on where the data begins.',
      'A bar with a NaN high, low or close outputs NaN and restarts the warm-up.',
    ],
  },
  inputs: { bars: { kind: 'bars', description: 'OHLC bars; uses high, low and close.' } },
  outputs: { value: { kind: 'number', description: 'Average true range, in price units.' } },
  params: z.object({
    period: z.number().int().min(1).max(1000).default(14).describe('Number of bars Wilder-smoothed.'),
  }),
  warmup: (p) => p.period,
  init: () => atrState(),
  step(s, p, input, out) {
    out.value = stepAtrBar(s, p.period, input.bars);
  },
  kernel(s, p, input, out, from, to) {
    atrColumns(s, p.period, input.bars.high, input.bars.low, input.bars.close, out.value, from, to);
  },
});
