import { z } from 'zod';
import { defineNode } from '../../contract.ts';

/** Chaikin Accumulation/Distribution line (TA-Lib's AD). */
export const adLine = defineNode({
  type: 'indicator.adLine',
  version: 1,
  category: 'indicator',
  title: 'A/D Line',
  description: 'Accumulation/Distribution: running total of volume weighted by where each bar closes in its range.',
  docs: {
    example: 'A/D line rising while price falls: accumulation, a possible bullish divergence.',
    caveats: [
      'Each bar adds volume × ((close − low) − (high − close)) / (high − low), from +volume (close at the high) to −volume (close at the low); the total starts at 0 before the first bar, as in TA-Lib, so it is defined from index 0.',
      'A bar with no range (high = low) adds nothing, so flat bars never divide by zero.',
      'Only its changes mean something: the level depends on where the data starts.',
      'A bar with a NaN high, low, close or volume outputs NaN and restarts the total from 0.',
    ],
  },
  inputs: { bars: { kind: 'bars', description: 'OHLCV bars; uses high, low, close and volume.' } },
  outputs: { value: { kind: 'number', description: 'The accumulation/distribution total.' } },
  params: z.object({}),
  warmup: () => 0,
  init: () => ({ total: 0 }),
  step(s, _p, input, out) {
    const { high, low, close, volume } = input.bars;
    if (high !== high || low !== low || close !== close || volume !== volume) {
      s.total = 0;
      out.value = NaN;
      return;
    }
    const range = high - low;
    if (range > 0) s.total += ((close - low - (high - close)) / range) * volume;
    out.value = s.total;
  },
  kernel(s, _p, input, out, from, to) {
    const H = input.bars.high, L = input.bars.low, C = input.bars.close, V = input.bars.volume, y = out.value;
    let total = s.total;
    for (let t = from; t < to; t++) {
      const high = H[t]!, low = L[t]!, close = C[t]!, volume = V[t]!;
      if (high !== high || low !== low || close !== close || volume !== volume) {
        total = 0;
        y[t] = NaN;
        continue;
      }
      const range = high - low;
      if (range > 0) total += ((close - low - (high - close)) / range) * volume;
      y[t] = total;
    }
    s.total = total;
  },
});
