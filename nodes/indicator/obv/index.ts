import { z } from 'zod';
import { defineNode } from '../../contract.ts';

/** On-Balance Volume (TA-Lib's OBV). */
export const obv = defineNode({
  type: 'indicator.obv',
  version: 1,
  category: 'indicator',
  title: 'OBV',
  description: 'On-Balance Volume: running total of volume, added on up closes and subtracted on down closes.',
  docs: {
    example: 'OBV above its SMA(20) to confirm that volume backs a price rise.',
    caveats: [
      'Defined from the first bar (index 0), which starts the total at its own volume, as in TA-Lib; an unchanged close leaves it unchanged.',
      'Only its changes mean something: the level depends on where the data starts.',
      'A bar with a NaN close or volume outputs NaN and restarts the total from the next bar’s volume.',
    ],
  },
  inputs: { bars: { kind: 'bars', description: 'OHLCV bars; uses close and volume.' } },
  outputs: { value: { kind: 'number', description: 'The running volume total.' } },
  params: z.object({}),
  warmup: () => 0,
  init: () => ({ started: 0, prevClose: 0, total: 0 }),
  step(s, _p, input, out) {
    const { close, volume } = input.bars;
    if (close !== close || volume !== volume) {
      s.started = 0;
      out.value = NaN;
      return;
    }
    if (s.started === 0) {
      s.started = 1;
      s.total = volume;
    } else if (close > s.prevClose) s.total += volume;
    else if (close < s.prevClose) s.total -= volume;
    s.prevClose = close;
    out.value = s.total;
  },
  kernel(s, _p, input, out, from, to) {
    const C = input.bars.close, V = input.bars.volume, y = out.value;
    let started = s.started, prevClose = s.prevClose, total = s.total;
    for (let t = from; t < to; t++) {
      const close = C[t]!, volume = V[t]!;
      if (close !== close || volume !== volume) {
        started = 0;
        y[t] = NaN;
        continue;
      }
      if (started === 0) {
        started = 1;
        total = volume;
      } else if (close > prevClose) total += volume;
      else if (close < prevClose) total -= volume;
      prevClose = close;
      y[t] = total;
    }
    s.started = started;
    s.prevClose = prevClose;
    s.total = total;
  },
});
