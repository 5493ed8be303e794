import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import type { Bar } from '../../ports.ts';

const prices = {
  close: (b: Bar) => b.close,
  hl2: (b: Bar) => (b.high + b.low) / 2,
  hlc3: (b: Bar) => (b.high + b.low + b.close) / 3,
  ohlc4: (b: Bar) => (b.open + b.high + b.low + b.close) / 4,
} as const;

/** Volume-weighted moving average: Σ price·volume ÷ Σ volume over the last N bars. Not in TA-Lib. */
export const vwma = defineNode({
  type: 'indicator.vwma',
  version: 1,
  category: 'indicator',
  title: 'VWMA',
  description: 'Volume-weighted moving average: bars that traded more count more.',
  docs: {
    example: 'Close above VWMA(20) while VWMA(20) is above SMA(20): buyers are paying up on volume.',
    caveats: [
      'Takes the bars edge (one wire) and averages the price chosen in `price` (close by default) weighted by each bar’s volume; unlike VWAP it is a rolling N-bar window, not anchored to a session.',
      'Outputs NaN for the first N−1 bars (first value at index N−1).',
      'If no volume traded in the whole window (or the data has no volume column, which reads as 0), it falls back to the plain average of the prices instead of dividing by zero.',
      'A bar whose price or volume is NaN outputs NaN and restarts the window.',
    ],
  },
  inputs: { bars: { kind: 'bars', description: 'OHLCV bars; uses the chosen price and the volume.' } },
  outputs: { value: { kind: 'price', description: 'The volume-weighted average price of the last N bars.' } },
  params: z.object({
    period: z.number().int().min(1).max(10_000).default(20).describe('Number of bars in the window.'),
    price: z.enum(['close', 'hl2', 'hlc3', 'ohlc4']).default('close').describe('Price per bar: close, (H+L)/2, typical (H+L+C)/3 or (O+H+L+C)/4.'),
  }),
  warmup: (p) => p.period - 1,
  init: (p) => ({
    price: new Array<number>(p.period).fill(0),
    volume: new Array<number>(p.period).fill(0),
    next: 0,
    count: 0,
    priceSum: 0,
    weightedSum: 0,
    volumeSum: 0,
    traded: 0,
  }),
  step(s, p, input, out) {
    const x = prices[p.price](input.bars);
    const v = input.bars.volume;
    if (Number.isNaN(x) || Number.isNaN(v)) {
      s.next = 0;
      s.count = 0;
      s.priceSum = s.weightedSum = s.volumeSum = 0;
      s.traded = 0;
      out.value = NaN;
      return;
    }
    if (s.count === p.period) {
      const oldPrice = s.price[s.next];
      const oldVolume = s.volume[s.next];
      s.priceSum -= oldPrice;
      s.weightedSum -= oldPrice * oldVolume;
      s.volumeSum -= oldVolume;
      if (oldVolume !== 0) s.traded--;
    } else s.count++;
    s.price[s.next] = x;
    s.volume[s.next] = v;
    s.priceSum += x;
    s.weightedSum += x * v;
    s.volumeSum += v;
    if (v !== 0) s.traded++;
    s.next = s.next + 1 === p.period ? 0 : s.next + 1;
    if (s.count < p.period) out.value = NaN;
    // Counting bars with volume keeps the no-volume test exact: the running sum can leave a rounding crumb.
    else out.value = s.traded === 0 ? s.priceSum / p.period : s.weightedSum / s.volumeSum;
  },
  kernel(s, p, input, out, from, to) {
    const { open, high, low, close, volume } = input.bars;
    const y = out.value, period = p.period, priceWindow = s.price, volumeWindow = s.volume;
    const mode = p.price === 'close' ? 0 : p.price === 'hl2' ? 1 : p.price === 'hlc3' ? 2 : 3;
    let next = s.next, count = s.count, priceSum = s.priceSum, weightedSum = s.weightedSum, volumeSum = s.volumeSum, traded = s.traded;
    for (let t = from; t < to; t++) {
      // The `prices` table, inlined.
      const x = mode === 0 ? close[t]! : mode === 1 ? (high[t]! + low[t]!) / 2 : mode === 2 ? (high[t]! + low[t]! + close[t]!) / 3 : (open[t]! + high[t]! + low[t]! + close[t]!) / 4;
      const v = volume[t]!;
      if (x !== x || v !== v) {
        next = 0;
        count = 0;
        priceSum = weightedSum = volumeSum = 0;
        traded = 0;
        y[t] = NaN;
        continue;
      }
      if (count === period) {
        const oldPrice = priceWindow[next]!;
        const oldVolume = volumeWindow[next]!;
        priceSum -= oldPrice;
        weightedSum -= oldPrice * oldVolume;
        volumeSum -= oldVolume;
        if (oldVolume !== 0) traded--;
      } else count++;
      priceWindow[next] = x;
      volumeWindow[next] = v;
      priceSum += x;
      weightedSum += x * v;
      volumeSum += v;
      if (v !== 0) traded++;
      next = next + 1 === period ? 0 : next + 1;
      y[t] = count < period ? NaN : traded === 0 ? priceSum / period : weightedSum / volumeSum;
    }
    s.next = next;
    s.count = count;
    s.priceSum = priceSum;
    s.weightedSum = weightedSum;
    s.volumeSum = volumeSum;
    s.traded = traded;
  },
});
