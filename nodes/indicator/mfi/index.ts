import { z } from 'zod';
import { defineNode } from '../../contract.ts';

/** Money Flow Index (Quong & Soudack): a volume-weighted RSI of the typical price (TA-Lib's MFI). */
export const mfi = defineNode({
  type: 'indicator.mfi',
  version: 1,
  category: 'indicator',
  title: 'MFI',
  description: 'Money Flow Index (0–100): RSI weighted by volume; above 80 overbought, below 20 oversold.',
  docs: {
    example: 'MFI(14) below 20 while the close is above SMA(200): buy the volume-backed dip in an uptrend.',
    caveats: [
      'Typical price TP = (high + low + close)/3 and money flow = TP × volume. A bar’s flow is positive when TP rose from the previous bar, negative when it fell, and counts as neither when unchanged; MFI = 100 × positive ÷ (positive + negative) over the last N bars.',
      'First value at index N: the first bar only sets the previous TP, as in TA-Lib.',
      'When no money flowed either way over the window (TP never changed, or zero volume), it reads 50, the middle; TA-Lib reads 0 there (and also whenever the window’s total flow is below 1, which misreads low-priced, thinly traded symbols; this node does not).',
      'A bar with a NaN high, low, close or volume outputs NaN and restarts the warm-up.',
    ],
  },
  inputs: { bars: { kind: 'bars', description: 'OHLCV bars; uses high, low, close and volume.' } },
  outputs: { value: { kind: 'number', description: 'MFI from 0 to 100.' } },
  params: z.object({
    period: z.number().int().min(1).max(10_000).default(14).describe('Number of bars N of money flow.'),
  }),
  warmup: (p) => p.period,
  init: (p) => ({
    prevTp: NaN,
    positive: new Array<number>(p.period).fill(0),
    negative: new Array<number>(p.period).fill(0),
    next: 0,
    count: 0,
    positiveSum: 0,
    negativeSum: 0,
    rising: 0,
    falling: 0,
  }),
  step(s, p, input, out) {
    const { high, low, close, volume } = input.bars;
    const tp = (high + low + close) / 3;
    if (Number.isNaN(tp) || Number.isNaN(volume)) {
      s.prevTp = NaN;
      s.next = s.count = 0;
      s.positiveSum = s.negativeSum = 0;
      s.rising = s.falling = 0;
      out.value = NaN;
      return;
    }
    if (Number.isNaN(s.prevTp)) {
      s.prevTp = tp;
      out.value = NaN;
      return;
    }
    const flow = tp * volume;
    const pos = tp > s.prevTp ? flow : 0;
    const neg = tp < s.prevTp ? flow : 0;
    s.prevTp = tp;
    if (s.count === p.period) {
      const oldPos = s.positive[s.next];
      const oldNeg = s.negative[s.next];
      s.positiveSum -= oldPos;
      s.negativeSum -= oldNeg;
      if (oldPos !== 0) s.rising--;
      if (oldNeg !== 0) s.falling--;
    } else s.count++;
    s.positive[s.next] = pos;
    s.negative[s.next] = neg;
    s.positiveSum += pos;
    s.negativeSum += neg;
    if (pos !== 0) s.rising++;
    if (neg !== 0) s.falling++;
    s.next = s.next + 1 === p.period ? 0 : s.next + 1;
    if (s.count < p.period) {
      out.value = NaN;
      return;
    }
    // Counting the bars with flow on each side keeps 0, 50 and 100 exact: an emptied running sum can leave a rounding crumb.
    if (s.rising === 0) out.value = s.falling === 0 ? 50 : 0;
    else out.value = s.falling === 0 ? 100 : 100 * (s.positiveSum / (s.positiveSum + s.negativeSum));
  },
  kernel(s, p, input, out, from, to) {
    const H = input.bars.high, L = input.bars.low, C = input.bars.close, V = input.bars.volume, y = out.value;
    const positive = s.positive, negative = s.negative, period = p.period;
    let prevTp = s.prevTp, next = s.next, count = s.count, positiveSum = s.positiveSum, negativeSum = s.negativeSum, rising = s.rising, falling = s.falling;
    for (let t = from; t < to; t++) {
      const volume = V[t]!;
      const tp = (H[t]! + L[t]! + C[t]!) / 3;
      if (tp !== tp || volume !== volume) {
        prevTp = NaN;
        next = count = 0;
        positiveSum = negativeSum = 0;
        rising = falling = 0;
        y[t] = NaN;
        continue;
      }
      if (prevTp !== prevTp) {
        prevTp = tp;
        y[t] = NaN;
        continue;
      }
      const flow = tp * volume;
      // Whether the typical price rose is a coin flip to the processor: the flows and the counts are taken
      // as numbers times the comparison, not chosen by branches (the kernel ≈ 1.6–2× slower with them). The
      // step's values exactly, but for a flow that is not finite (∞ × 0 is NaN), which takes the branches.
      let pos = flow * +(tp > prevTp), neg = flow * +(tp < prevTp);
      if (!(flow - flow === 0)) {
        pos = tp > prevTp ? flow : 0;
        neg = tp < prevTp ? flow : 0;
      }
      prevTp = tp;
      if (count === period) {
        const oldPos = positive[next]!;
        const oldNeg = negative[next]!;
        positiveSum -= oldPos;
        negativeSum -= oldNeg;
        rising -= +(oldPos !== 0);
        falling -= +(oldNeg !== 0);
      } else count++;
      positive[next] = pos;
      negative[next] = neg;
      positiveSum += pos;
      negativeSum += neg;
      rising += +(pos !== 0);
      falling += +(neg !== 0);
      next = next + 1 === period ? 0 : next + 1;
      if (count < period) {
        y[t] = NaN;
        continue;
      }
      if (rising === 0) y[t] = falling === 0 ? 50 : 0;
      else y[t] = falling === 0 ? 100 : 100 * (positiveSum / (positiveSum + negativeSum));
    }
    s.prevTp = prevTp;
    s.next = next;
    s.count = count;
    s.positiveSum = positiveSum;
    s.negativeSum = negativeSum;
    s.rising = rising;
    s.falling = falling;
  },
});
