import { z } from 'zod';
import { defineNode } from '../../contract.ts';

/** Kaufman adaptive moving average: an EMA whose speed follows the efficiency ratio (TA-Lib's KAMA). */
export const kama = defineNode({
  type: 'indicator.kama',
  version: 1,
  category: 'indicator',
  title: 'KAMA',
  description: 'Kaufman adaptive moving average: hugs the price in trends, flattens out in chop.',
  docs: {
    example: 'KAMA(10, 2, 30) of the close: trade only while the close is above a rising KAMA.',
    caveats: [
      'Efficiency ratio ER = |x − x[N bars ago]| ÷ the sum of the last N absolute bar-to-bar changes; smoothing sc = (ER·(2/(fast+1) − 2/(slow+1)) + 2/(slow+1))²; KAMA += sc·(x − KAMA).',
      'First value at index N (it needs N changes), seeded from the previous input as TA-Lib does; with fast 2 and slow 30 it is TA-Lib KAMA exactly.',
      'Recursive, so early values depend on where the data starts (TA-Lib calls this its unstable period and can hide the first bars); the seed’s influence shrinks by (1 − sc) a bar, slowly in chop, so allow a few times N bars before trusting it.',
      'When the price has not moved at all over the window, ER is taken as 1 (as in TA-Lib), so KAMA closes in on the flat price quickly.',
      'The shorter of fast and slow is always used as the fast one.',
      'A NaN input outputs NaN and restarts the warm-up and the seed.',
    ],
  },
  inputs: { source: { kind: 'number', description: 'The series to smooth, usually the close.' } },
  outputs: { value: { kind: 'number', description: 'The adaptive average.' } },
  params: z.object({
    period: z.number().int().min(1).max(10_000).default(10).describe('Efficiency-ratio window N, in bars.'),
    fast: z.number().int().min(1).max(1000).default(2).describe('EMA length used in a perfectly efficient trend (Kaufman: 2).'),
    slow: z.number().int().min(1).max(1000).default(30).describe('EMA length used in pure noise (Kaufman: 30).'),
  }),
  warmup: (p) => p.period,
  // N+1 prices: the window's N changes and the price N bars ago.
  init: (p) => ({ prices: new Array<number>(p.period + 1).fill(0), next: 0, count: 0, volatility: 0, moving: 0, value: NaN }),
  step(s, p, input, out) {
    const x = input.source;
    if (Number.isNaN(x)) {
      s.next = 0;
      s.count = 0;
      s.volatility = 0;
      s.moving = 0;
      s.value = NaN;
      out.value = NaN;
      return;
    }
    const size = p.period + 1;
    const prev = s.prices[s.next === 0 ? size - 1 : s.next - 1];
    if (s.count === size) {
      const oldest = s.prices[s.next];
      const leaving = Math.abs(s.prices[s.next + 1 === size ? 0 : s.next + 1] - oldest);
      s.volatility -= leaving;
      if (leaving !== 0) s.moving--;
    }
    if (s.count > 0) {
      const change = Math.abs(x - prev);
      s.volatility += change;
      if (change !== 0) s.moving++;
    }
    s.prices[s.next] = x;
    s.next = s.next + 1 === size ? 0 : s.next + 1;
    if (s.count < size) s.count++;
    if (s.count < size) {
      out.value = NaN;
      return;
    }
    const direction = Math.abs(x - s.prices[s.next]);
    // Counting the changes that moved keeps "flat" exact: the running sum can leave a rounding crumb.
    const er = s.moving === 0 || s.volatility <= direction ? 1 : direction / s.volatility;
    const slowSc = 2 / (Math.max(p.fast, p.slow) + 1);
    const fastSc = 2 / (Math.min(p.fast, p.slow) + 1);
    const root = er * (fastSc - slowSc) + slowSc;
    const sc = root * root;
    if (Number.isNaN(s.value)) s.value = prev;
    s.value += sc * (x - s.value);
    out.value = s.value;
  },
  kernel(s, p, input, out, from, to) {
    const x = input.source, y = out.value, prices = s.prices, size = p.period + 1;
    const slowSc = 2 / (Math.max(p.fast, p.slow) + 1);
    const fastSc = 2 / (Math.min(p.fast, p.slow) + 1);
    let next = s.next, count = s.count, volatility = s.volatility, moving = s.moving, value = s.value;
    for (let t = from; t < to; t++) {
      const v = x[t]!;
      if (v !== v) {
        next = 0;
        count = 0;
        volatility = 0;
        moving = 0;
        value = NaN;
        y[t] = NaN;
        continue;
      }
      const prev = prices[next === 0 ? size - 1 : next - 1]!;
      if (count === size) {
        const oldest = prices[next]!;
        const leaving = Math.abs(prices[next + 1 === size ? 0 : next + 1]! - oldest);
        volatility -= leaving;
        if (leaving !== 0) moving--;
      }
      if (count > 0) {
        const change = Math.abs(v - prev);
        volatility += change;
        if (change !== 0) moving++;
      }
      prices[next] = v;
      next = next + 1 === size ? 0 : next + 1;
      if (count < size) count++;
      if (count < size) {
        y[t] = NaN;
        continue;
      }
      const direction = Math.abs(v - prices[next]!);
      const er = moving === 0 || volatility <= direction ? 1 : direction / volatility;
      const root = er * (fastSc - slowSc) + slowSc;
      const sc = root * root;
      if (value !== value) value = prev;
      value += sc * (v - value);
      y[t] = value;
    }
    s.next = next;
    s.count = count;
    s.volatility = volatility;
    s.moving = moving;
    s.value = value;
  },
});
