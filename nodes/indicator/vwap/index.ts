import { z } from 'zod';
import { defineNode } from '../../contract.ts';

const DAY_MS = 86_400_000;

/** Volume-weighted average price of the typical price, reset each UTC day or never. */
export const vwap = defineNode({
  type: 'indicator.vwap',
  version: 1,
  category: 'indicator',
  title: 'VWAP',
  description: 'Volume-weighted average price since the start of the session (the UTC day by default).',
  docs: {
    example: 'Intraday: long while the close is above the VWAP, which resets at each UTC midnight.',
    caveats: [
      'VWAP = Σ typical price × volume / Σ volume, with typical price (high + low + close) / 3, summed since the session began; defined from the first bar (index 0).',
      'Session "day" starts afresh on the first bar whose open time falls on a new UTC calendar day (exchange sessions in other time zones are not modelled); "never" accumulates over the whole run. On daily or longer bars "day" makes VWAP the bar’s typical price.',
      'While the session has no volume yet (volume 0, or a CSV without a volume column), it is the plain average of the session’s typical prices, so it never divides by zero.',
      'A bar with a NaN high, low, close or volume (or a NaN time, with session "day") outputs NaN and starts a new session at the next bar.',
    ],
  },
  inputs: { bars: { kind: 'bars', description: 'OHLCV bars; uses time, high, low, close and volume.' } },
  outputs: { value: { kind: 'price', description: 'The session’s volume-weighted average price.' } },
  params: z.object({
    session: z.enum(['day', 'never']).default('day').describe('When the average starts afresh: each UTC day, or never.'),
  }),
  warmup: () => 0,
  init: () => ({ day: NaN, priceVolume: 0, volume: 0, prices: 0, bars: 0 }),
  step(s, p, input, out) {
    const { time, high, low, close, volume } = input.bars;
    const daily = p.session === 'day';
    if (high !== high || low !== low || close !== close || volume !== volume || (daily && time !== time)) {
      s.day = NaN;
      s.bars = 0;
      out.value = NaN;
      return;
    }
    const day = daily ? Math.floor(time / DAY_MS) : 0;
    if (s.bars === 0 || day !== s.day) {
      s.day = day;
      s.priceVolume = s.volume = s.prices = 0;
      s.bars = 0;
    }
    const typical = (high + low + close) / 3;
    s.priceVolume += typical * volume;
    s.volume += volume;
    s.prices += typical;
    s.bars++;
    out.value = s.volume > 0 ? s.priceVolume / s.volume : s.prices / s.bars;
  },
  kernel(s, p, input, out, from, to) {
    const T = input.bars.time, H = input.bars.high, L = input.bars.low, C = input.bars.close, V = input.bars.volume, y = out.value;
    const daily = p.session === 'day';
    let sDay = s.day, priceVolume = s.priceVolume, sVolume = s.volume, prices = s.prices, bars = s.bars;
    for (let t = from; t < to; t++) {
      const time = T[t]!, high = H[t]!, low = L[t]!, close = C[t]!, volume = V[t]!;
      if (high !== high || low !== low || close !== close || volume !== volume || (daily && time !== time)) {
        sDay = NaN;
        bars = 0;
        y[t] = NaN;
        continue;
      }
      const day = daily ? Math.floor(time / DAY_MS) : 0;
      if (bars === 0 || day !== sDay) {
        sDay = day;
        priceVolume = sVolume = prices = 0;
        bars = 0;
      }
      const typical = (high + low + close) / 3;
      priceVolume += typical * volume;
      sVolume += volume;
      prices += typical;
      bars++;
      y[t] = sVolume > 0 ? priceVolume / sVolume : prices / bars;
    }
    s.day = sDay;
    s.priceVolume = priceVolume;
    s.volume = sVolume;
    s.prices = prices;
    s.bars = bars;
  },
});
