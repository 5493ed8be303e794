import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { emaStage, pushEma, resetEma } from '../ema/stage.ts';

/** Percentage Price Oscillator: the fast/slow EMA gap as a percent of the slow EMA (TA-Lib PPO, MA type EMA). */
export const ppo = defineNode({
  type: 'indicator.ppo',
  version: 1,
  category: 'indicator',
  title: 'PPO',
  description: 'Percentage Price Oscillator: MACD as a percent of price, comparable across symbols.',
  docs: {
    example: 'PPO(12, 26) above 0 as a trend filter that reads the same on a $5 and a $500 stock.',
    caveats: [
      'PPO = 100·(EMA(fast) − EMA(slow)) ÷ EMA(slow), in percent. This is TA-Lib PPO with matype = 1 (EMA); TA-Lib’s default matype is SMA, which gives different values.',
      'Unlike MACD, each EMA is seeded at its own first bar (TA-Lib computes the two averages independently here), so the first value is at index slow − 1.',
      'Only the PPO line: for a signal line, feed it into an EMA node (commonly 9).',
      'Reads 0 if the slow EMA is exactly 0 (possible only on a series that crosses zero), as TA-Lib does instead of dividing by zero.',
      'The shorter of fast and slow is always used as the fast one, as in TA-Lib.',
      'A NaN input outputs NaN and restarts both EMAs.',
    ],
  },
  inputs: { source: { kind: 'number', description: 'The series to measure, usually the close.' } },
  outputs: { value: { kind: 'number', description: 'Fast-minus-slow EMA as a percent of the slow EMA.' } },
  params: z.object({
    fast: z.number().int().min(2).max(10_000).default(12).describe('Fast EMA length, in bars.'),
    slow: z.number().int().min(2).max(10_000).default(26).describe('Slow EMA length, in bars.'),
  }),
  warmup: (p) => Math.max(p.fast, p.slow) - 1,
  init: () => ({ fast: emaStage(), slow: emaStage() }),
  step(s, p, input, out) {
    const x = input.source;
    if (Number.isNaN(x)) {
      resetEma(s.fast);
      resetEma(s.slow);
      out.value = NaN;
      return;
    }
    const fast = pushEma(s.fast, Math.min(p.fast, p.slow), x);
    const slow = pushEma(s.slow, Math.max(p.fast, p.slow), x);
    if (Number.isNaN(slow)) out.value = NaN;
    else out.value = slow === 0 ? 0 : ((fast - slow) / slow) * 100;
  },
  kernel(s, p, input, out, from, to) {
    const x = input.source, y = out.value;
    const fastLength = Math.min(p.fast, p.slow), slowLength = Math.max(p.fast, p.slow);
    const fastAlpha = 2 / (fastLength + 1), slowAlpha = 2 / (slowLength + 1);
    let fastValue = s.fast.value, fastCount = s.fast.count, fastSum = s.fast.sum;
    let slowValue = s.slow.value, slowCount = s.slow.count, slowSum = s.slow.sum;
    for (let t = from; t < to; t++) {
      const v = x[t]!;
      if (v !== v) {
        fastValue = NaN;
        fastCount = 0;
        fastSum = 0;
        slowValue = NaN;
        slowCount = 0;
        slowSum = 0;
        y[t] = NaN;
        continue;
      }
      // pushEma on both stages, inlined.
      let fast = NaN;
      if (fastCount < fastLength) {
        fastSum += v;
        fastCount++;
        if (fastCount === fastLength) fast = fastValue = fastSum / fastLength;
      } else {
        fast = fastValue += fastAlpha * (v - fastValue);
      }
      let slow = NaN;
      if (slowCount < slowLength) {
        slowSum += v;
        slowCount++;
        if (slowCount === slowLength) slow = slowValue = slowSum / slowLength;
      } else {
        slow = slowValue += slowAlpha * (v - slowValue);
      }
      y[t] = slow !== slow ? NaN : slow === 0 ? 0 : ((fast - slow) / slow) * 100;
    }
    s.fast.value = fastValue;
    s.fast.count = fastCount;
    s.fast.sum = fastSum;
    s.slow.value = slowValue;
    s.slow.count = slowCount;
    s.slow.sum = slowSum;
  },
});
