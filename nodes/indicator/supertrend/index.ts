import { z } from 'zod';
import { FALSE, TRUE } from '../../bool.ts';
import { defineNode } from '../../contract.ts';
import { atrState, resetAtr, stepAtr } from '../atr/wilder.ts';
import { wilderPart } from '../wilder.ts';

/** SuperTrend: an ATR trailing band below price in an uptrend and above it in a downtrend. */
export const supertrend = defineNode({
  type: 'indicator.supertrend',
  version: 1,
  category: 'indicator',
  title: 'SuperTrend',
  description: 'A trailing stop line at a multiple of the ATR that flips sides when price crosses it.',
  docs: {
    example: 'SuperTrend(10, 3): hold long while Bullish is true; the line is the trailing stop.',
    caveats: [
      'Bands: (high + low) / 2 ± multiplier × ATR(N), with the ATR node’s ATR (TA-Lib, Wilder smoothing), so the first value is at bar N (index N).',
      'Standard flip rules: the upper band only moves down (unless the previous close was above it) and the lower band only moves up (unless the previous close was below it). A downtrend turns up when the close ends above the upper band, an uptrend turns down when the close ends below the lower band. The line is the lower band in an uptrend and the upper band in a downtrend.',
      'The first value starts as a downtrend (line = upper band, direction −1, Bullish false), as TradingView’s ta.supertrend does, so Bullish only turns true on a real upward flip. TradingView’s ATR starts one bar earlier (its first true range is high − low), so its first few values differ.',
      'A bar with a NaN high, low or close outputs NaN (Bullish unknown) and restarts the warm-up.',
    ],
  },
  inputs: { bars: { kind: 'bars', description: 'OHLC bars; uses high, low and close.' } },
  outputs: {
    line: { kind: 'price', description: 'The SuperTrend line: the active band, a trailing stop.' },
    direction: { kind: 'number', description: '+1 in an uptrend, −1 in a downtrend.' },
    bullish: { kind: 'bool', description: 'True in an uptrend.' },
  },
  params: z.object({
    period: z.number().int().min(1).max(1000).default(10).describe('Number of bars of the ATR.'),
    multiplier: z.number().positive().max(20).default(3).describe('Band distance from the bar’s midpoint, in ATRs.'),
  }),
  warmup: (p) => p.period,
  init: () => ({ atr: atrState(), started: 0, upper: 0, lower: 0, direction: 0, prevClose: 0 }),
  step(s, p, input, out) {
    const { high, low, close } = input.bars;
    if (high !== high || low !== low || close !== close) {
      resetAtr(s.atr);
      s.started = 0;
      out.line = out.direction = out.bullish = NaN;
      return;
    }
    const range = stepAtr(s.atr, p.period, high, low, close);
    if (range !== range) {
      out.line = out.direction = out.bullish = NaN;
      return;
    }
    const mid = (high + low) / 2;
    const basicUpper = mid + p.multiplier * range;
    const basicLower = mid - p.multiplier * range;
    if (s.started === 0) {
      s.started = 1;
      s.upper = basicUpper;
      s.lower = basicLower;
      s.direction = -1;
    } else {
      // A band only tightens, unless price closed beyond it last bar (then it starts afresh).
      s.upper = basicUpper < s.upper || s.prevClose > s.upper ? basicUpper : s.upper;
      s.lower = basicLower > s.lower || s.prevClose < s.lower ? basicLower : s.lower;
      if (s.direction < 0) s.direction = close > s.upper ? 1 : -1;
      else s.direction = close < s.lower ? -1 : 1;
    }
    s.prevClose = close;
    out.line = s.direction > 0 ? s.lower : s.upper;
    out.direction = s.direction;
    out.bullish = s.direction > 0 ? TRUE : FALSE;
  },
  kernel(s, p, input, out, from, to) {
    const H = input.bars.high, L = input.bars.low, C = input.bars.close, outLine = out.line, outDirection = out.direction, outBullish = out.bullish;
    const period = p.period, part = wilderPart(period), multiplier = p.multiplier;
    const a = s.atr;
    let atrPrevClose = a.prevClose, atrCount = a.count, atrSum = a.sum, atrValue = a.value;
    let started = s.started, upper = s.upper, lower = s.lower, direction = s.direction, prevClose = s.prevClose;
    for (let t = from; t < to; t++) {
      const high = H[t]!, low = L[t]!, close = C[t]!;
      if (high !== high || low !== low || close !== close) {
        atrPrevClose = NaN;
        atrCount = 0;
        atrSum = 0;
        atrValue = NaN;
        started = 0;
        outLine[t] = outDirection[t] = outBullish[t] = NaN;
        continue;
      }
      // stepAtr, inlined.
      const pc = atrPrevClose;
      atrPrevClose = close;
      if (pc !== pc) {
        outLine[t] = outDirection[t] = outBullish[t] = NaN;
        continue;
      }
      let tr = high - low;
      const up = Math.abs(pc - high);
      if (up > tr) tr = up;
      const down = Math.abs(pc - low);
      if (down > tr) tr = down;
      if (atrCount < period) {
        atrSum += tr;
        atrCount++;
        if (atrCount < period) {
          outLine[t] = outDirection[t] = outBullish[t] = NaN;
          continue;
        }
        atrValue = atrSum / period;
      } else atrValue = atrValue + (tr - atrValue) * part;
      const range = atrValue;
      const mid = (high + low) / 2;
      const basicUpper = mid + multiplier * range;
      const basicLower = mid - multiplier * range;
      if (started === 0) {
        started = 1;
        upper = basicUpper;
        lower = basicLower;
        direction = -1;
      } else {
        upper = basicUpper < upper || prevClose > upper ? basicUpper : upper;
        lower = basicLower > lower || prevClose < lower ? basicLower : lower;
        if (direction < 0) direction = close > upper ? 1 : -1;
        else direction = close < lower ? -1 : 1;
      }
      prevClose = close;
      outLine[t] = direction > 0 ? lower : upper;
      outDirection[t] = direction;
      outBullish[t] = direction > 0 ? TRUE : FALSE;
    }
    a.prevClose = atrPrevClose;
    a.count = atrCount;
    a.sum = atrSum;
    a.value = atrValue;
    s.started = started;
    s.upper = upper;
    s.lower = lower;
    s.direction = direction;
    s.prevClose = prevClose;
  },
});
