import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { wilderPart } from '../wilder.ts';

/** Relative Strength Index with Wilder's smoothing (TA-Lib's RSI). */
export const rsi = defineNode({
  type: 'indicator.rsi',
  version: 1,
  category: 'indicator',
  title: 'RSI',
  description: 'Relative Strength Index (0–100): momentum, overbought and oversold.',
  docs: {
    example: 'RSI(14) of the close below 30 as a buy condition for mean reversion.',
    caveats: [
      'First value after N changes, i.e. at bar N (index N); Wilder smoothing after that, as in TA-Lib.',
      'A flat market (no gains and no losses) reads 50.',
      'A NaN input restarts the warm-up.',
    ],
  },
  inputs: { source: { kind: 'number', description: 'The series to measure, usually the close.' } },
  outputs: { value: { kind: 'number', description: 'RSI from 0 to 100.' } },
  params: z.object({
    period: z.number().int().min(2).max(1000).default(14).describe('Number of bars for the averages.'),
  }),
  warmup: (p) => p.period,
  init: () => ({ prev: NaN, count: 0, gain: 0, loss: 0 }),
  step(s, p, input, out) {
    const x = input.source;
    if (Number.isNaN(x)) {
      s.prev = NaN;
      s.count = 0;
      s.gain = s.loss = 0;
      out.value = NaN;
      return;
    }
    if (Number.isNaN(s.prev)) {
      s.prev = x;
      out.value = NaN;
      return;
    }
    const change = x - s.prev;
    s.prev = x;
    const up = change > 0 ? change : 0;
    const down = change < 0 ? -change : 0;
    if (s.count < p.period) {
      s.gain += up;
      s.loss += down;
      s.count++;
      if (s.count < p.period) {
        out.value = NaN;
        return;
      }
      s.gain /= p.period;
      s.loss /= p.period;
    } else {
      const part = wilderPart(p.period);
      s.gain = s.gain + (up - s.gain) * part;
      s.loss = s.loss + (down - s.loss) * part;
    }
    const total = s.gain + s.loss;
    out.value = total === 0 ? 50 : (100 * s.gain) / total;
  },
  kernel(s, p, input, out, from, to) {
    const x = input.source, y = out.value, period = p.period, part = wilderPart(period);
    let prev = s.prev, count = s.count, gain = s.gain, loss = s.loss;
    for (let t = from; t < to; t++) {
      if (count === period && prev === prev) {
        // Warmed up: a loop with nothing else in it while the changes are finite, the same operations as
        // below (the warm-up and NaN paths in the same loop body made it 2× slower, as in ATR's).
        for (; t < to; t++) {
          const v = x[t]!, change = v - prev;
          if (!(change - change === 0)) break;
          prev = v;
          const up = change * +(change > 0), down = -change * +(change < 0);
          gain = gain + (up - gain) * part;
          loss = loss + (down - loss) * part;
          const total = gain + loss;
          y[t] = total === 0 ? 50 : (100 * gain) / total;
        }
        if (t === to) break;
      }
      const v = x[t]!;
      if (v !== v) {
        prev = NaN;
        count = 0;
        gain = loss = 0;
        y[t] = NaN;
        continue;
      }
      if (prev !== prev) {
        prev = v;
        y[t] = NaN;
        continue;
      }
      const change = v - prev;
      prev = v;
      // The sign of a change is a coin flip to the processor: chosen by branches, it mispredicted on half
      // the bars. Multiplying by the comparison as a number gives the step's values (a -0 where the step
      // has 0, which adds the same); only an infinite change (∞ × 0 is NaN) takes the branches.
      let up = change * +(change > 0), down = -change * +(change < 0);
      if (!(change - change === 0)) {
        up = change > 0 ? change : 0;
        down = change < 0 ? -change : 0;
      }
      if (count < period) {
        gain += up;
        loss += down;
        count++;
        if (count < period) {
          y[t] = NaN;
          continue;
        }
        gain /= period;
        loss /= period;
      } else {
        gain = gain + (up - gain) * part;
        loss = loss + (down - loss) * part;
      }
      const total = gain + loss;
      y[t] = total === 0 ? 50 : (100 * gain) / total;
    }
    s.prev = prev;
    s.count = count;
    s.gain = gain;
    s.loss = loss;
  },
});
