import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { emaStage, pushEma, resetEma } from '../ema/stage.ts';

/** Moving Average Convergence/Divergence (Appel), as TA-Lib's MACD computes it. */
export const macd = defineNode({
  type: 'indicator.macd',
  version: 1,
  category: 'indicator',
  title: 'MACD',
  description: 'MACD: fast EMA minus slow EMA, its signal line and the histogram between them.',
  docs: {
    example: 'MACD(12, 26, 9): enter when the MACD line crosses above its signal line (histogram turns positive).',
    caveats: [
      'macd = EMA(fast) − EMA(slow); signal = EMA(signal) of macd; histogram = macd − signal. In price units, so compare it across symbols only after dividing by price (see PPO).',
      'As in TA-Lib, the fast EMA is seeded at the same bar as the slow one (with the SMA of the fast-length window ending there), not at its own first bar; after that both are ordinary EMAs.',
      'All three outputs start together at index slow + signal − 2 (33 for 12/26/9), as in TA-Lib, even though the MACD line alone would exist from index slow − 1.',
      'The shorter of fast and slow is always used as the fast one, as in TA-Lib.',
      'A NaN input outputs NaN on all three and restarts the warm-up.',
    ],
  },
  inputs: { source: { kind: 'number', description: 'The series to measure, usually the close.' } },
  outputs: {
    macd: { kind: 'number', description: 'Fast EMA minus slow EMA.' },
    signal: { kind: 'number', description: 'EMA of the MACD line.' },
    histogram: { kind: 'number', description: 'MACD minus signal: positive while MACD is above its signal.' },
  },
  params: z.object({
    fast: z.number().int().min(2).max(10_000).default(12).describe('Fast EMA length, in bars.'),
    slow: z.number().int().min(2).max(10_000).default(26).describe('Slow EMA length, in bars.'),
    signal: z.number().int().min(1).max(10_000).default(9).describe('Signal-line EMA length, in bars.'),
  }),
  warmup: (p) => Math.max(p.fast, p.slow) + p.signal - 2,
  init: () => ({ seen: 0, fast: emaStage(), slow: emaStage(), signal: emaStage() }),
  step(s, p, input, out) {
    const x = input.source;
    out.macd = out.signal = out.histogram = NaN;
    if (Number.isNaN(x)) {
      s.seen = 0;
      resetEma(s.fast);
      resetEma(s.slow);
      resetEma(s.signal);
      return;
    }
    const fastLength = Math.min(p.fast, p.slow);
    const slowLength = Math.max(p.fast, p.slow);
    // Holding the fast EMA back until slow − fast inputs have passed makes both seeds end on the same bar.
    const fast = s.seen >= slowLength - fastLength ? pushEma(s.fast, fastLength, x) : NaN;
    const slow = pushEma(s.slow, slowLength, x);
    if (s.seen < slowLength) s.seen++;
    if (Number.isNaN(slow)) return;
    const line = fast - slow;
    const signal = pushEma(s.signal, p.signal, line);
    if (Number.isNaN(signal)) return;
    out.macd = line;
    out.signal = signal;
    out.histogram = line - signal;
  },
  kernel(s, p, input, out, from, to) {
    const x = input.source, outMacd = out.macd, outSignal = out.signal, outHistogram = out.histogram;
    const fastLength = Math.min(p.fast, p.slow), slowLength = Math.max(p.fast, p.slow), signalLength = p.signal;
    const fastAlpha = 2 / (fastLength + 1), slowAlpha = 2 / (slowLength + 1), signalAlpha = 2 / (signalLength + 1);
    const hold = slowLength - fastLength;
    let seen = s.seen;
    let fastValue = s.fast.value, fastCount = s.fast.count, fastSum = s.fast.sum;
    let slowValue = s.slow.value, slowCount = s.slow.count, slowSum = s.slow.sum;
    let signalValue = s.signal.value, signalCount = s.signal.count, signalSum = s.signal.sum;
    for (let t = from; t < to; t++) {
      const v = x[t]!;
      outMacd[t] = outSignal[t] = outHistogram[t] = NaN;
      if (v !== v) {
        seen = 0;
        fastValue = NaN;
        fastCount = 0;
        fastSum = 0;
        slowValue = NaN;
        slowCount = 0;
        slowSum = 0;
        signalValue = NaN;
        signalCount = 0;
        signalSum = 0;
        continue;
      }
      // pushEma on each stage, inlined.
      let fast = NaN;
      if (seen >= hold) {
        if (fastCount < fastLength) {
          fastSum += v;
          fastCount++;
          if (fastCount === fastLength) fast = fastValue = fastSum / fastLength;
        } else {
          fast = fastValue += fastAlpha * (v - fastValue);
        }
      }
      let slow = NaN;
      if (slowCount < slowLength) {
        slowSum += v;
        slowCount++;
        if (slowCount === slowLength) slow = slowValue = slowSum / slowLength;
      } else {
        slow = slowValue += slowAlpha * (v - slowValue);
      }
      if (seen < slowLength) seen++;
      if (slow !== slow) continue;
      const line = fast - slow;
      let signal = NaN;
      if (signalCount < signalLength) {
        signalSum += line;
        signalCount++;
        if (signalCount === signalLength) signal = signalValue = signalSum / signalLength;
      } else {
        signal = signalValue += signalAlpha * (line - signalValue);
      }
      if (signal !== signal) continue;
      outMacd[t] = line;
      outSignal[t] = signal;
      outHistogram[t] = line - signal;
    }
    s.seen = seen;
    s.fast.value = fastValue;
    s.fast.count = fastCount;
    s.fast.sum = fastSum;
    s.slow.value = slowValue;
    s.slow.count = slowCount;
    s.slow.sum = slowSum;
    s.signal.value = signalValue;
    s.signal.count = signalCount;
    s.signal.sum = signalSum;
  },
});
