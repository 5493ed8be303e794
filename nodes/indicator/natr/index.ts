import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { atrColumns, atrState, stepAtrBar } from '../atr/wilder.ts';

/** Normalized ATR: the ATR as a percentage of the close (TA-Lib's NATR). */
export const natr = defineNode({
  type: 'indicator.natr',
  version: 1,
  category: 'indicator',
  title: 'NATR',
  description: 'Normalized ATR: the average true range as a percentage of the close.',
  docs: {
    example: 'NATR(14) above 3 to trade only when bars move more than 3 % on average.',
    caveats: [
      'First value at bar N (index N), like ATR; then 100 × ATR / close, as in TA-Lib.',
      'Reads 0 when the close is 0 (TA-Lib does the same), so it never divides by zero.',
      'NATR(1) is the true range as a percentage of the close. TA-Lib’s NATR(1) returns the raw, unnormalised true range instead (a TA-Lib quirk not copied here), so the TA-Lib comparison uses periods from 2.',
      'A bar with a NaN high, low or close outputs NaN and restarts the warm-up.',
    ],
  },
  inputs: { bars: { kind: 'bars', description: 'OHLC bars; uses high, low and close.' } },
  outputs: { value: { kind: 'number', description: 'ATR as a percentage of the close.' } },
  params: z.object({
    period: z.number().int().min(1).max(1000).default(14).describe('Number of bars Wilder-smoothed.'),
  }),
  warmup: (p) => p.period,
  init: () => atrState(),
  step(s, p, input, out) {
    const value = stepAtrBar(s, p.period, input.bars);
    const close = input.bars.close;
    // TA-Lib's TA_IS_ZERO band, so a near-zero close reads 0 on both sides.
    out.value = value !== value ? NaN : close > -1e-8 && close < 1e-8 ? 0 : (value / close) * 100;
  },
  kernel(s, p, input, out, from, to) {
    // NaN as a local: read as the global on a path that has not run yet (no NaN input so far), V8
    // compiles it to a call in the loop, which slows every bar (docs/engine.md, "NaN in a hot loop").
    const nan = NaN;
    const C = input.bars.close, y = out.value;
    // The ATR into the output column first, then each value normalised in place.
    atrColumns(s, p.period, input.bars.high, input.bars.low, C, y, from, to);
    for (let t = from; t < to; t++) {
      const value = y[t]!, close = C[t]!;
      y[t] = value !== value ? nan : close > -1e-8 && close < 1e-8 ? 0 : (value / close) * 100;
    }
  },
});
