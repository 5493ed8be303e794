import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { trueRange } from '../atr/wilder.ts';
import { wilderPart } from '../wilder.ts';

// TA-Lib's TA_IS_ZERO: its DI, DX and ADX treat anything this close to 0 as 0.
const isZero = (x: number) => x > -1e-8 && x < 1e-8;

/** Average Directional Index with +DI and −DI, exactly as TA-Lib's ADX, PLUS_DI and MINUS_DI compute them. */
export const adx = defineNode({
  type: 'indicator.adx',
  version: 1,
  category: 'indicator',
  title: 'ADX / DMI',
  description: 'Trend strength (ADX, 0–100) with the directional lines +DI and −DI.',
  docs: {
    example: 'ADX(14) above 25 with +DI above −DI: a strong uptrend worth following.',
    caveats: [
      '+DI and −DI start at bar N (index N): the directional movement and true range are summed over bars 1…N−1, then Wilder-smoothed from bar N on, as in TA-Lib.',
      'ADX starts at bar 2N−1 (index 2N−1, the node’s warm-up): the mean of the first N DX values, then Wilder smoothing.',
      'Unstable period: Wilder smoothing remembers its seed for roughly 10×N bars, so early values depend on where the data starts. It matches TA-Lib bar for bar when both start on the same bar (TA-Lib’s default unstable period of 0).',
      'When the smoothed true range is 0 (a long flat market), +DI and −DI read 0 and ADX keeps its last value, as in TA-Lib.',
      'A bar with a NaN high, low or close outputs NaN on all three and restarts the warm-up.',
    ],
  },
  inputs: { bars: { kind: 'bars', description: 'OHLC bars; uses high, low and close.' } },
  outputs: {
    adx: { kind: 'number', description: 'Trend strength from 0 to 100, whatever the direction.' },
    plusDi: { kind: 'number', description: '+DI: upward directional movement as a percentage of true range.' },
    minusDi: { kind: 'number', description: '−DI: downward directional movement as a percentage of true range.' },
  },
  params: z.object({
    period: z.number().int().min(2).max(1000).default(14).describe('Number of bars for Wilder smoothing.'),
  }),
  warmup: (p) => 2 * p.period - 1,
  init: () => ({ count: 0, prevHigh: 0, prevLow: 0, prevClose: 0, plusDm: 0, minusDm: 0, tr: 0, sumDx: 0, adx: 0 }),
  step(s, p, input, out) {
    const { high, low, close } = input.bars;
    const n = p.period;
    if (high !== high || low !== low || close !== close) {
      s.count = 0;
      out.adx = out.plusDi = out.minusDi = NaN;
      return;
    }
    const k = s.count;
    if (k === 0) {
      s.plusDm = s.minusDm = s.tr = s.sumDx = 0;
    } else {
      const up = high - s.prevHigh;
      const down = s.prevLow - low;
      const plusDm = up > 0 && up > down ? up : 0;
      const minusDm = down > 0 && down > up ? down : 0;
      const tr = trueRange(high, low, s.prevClose);
      if (k < n) {
        s.plusDm += plusDm;
        s.minusDm += minusDm;
        s.tr += tr;
      } else {
        s.plusDm = s.plusDm - s.plusDm / n + plusDm;
        s.minusDm = s.minusDm - s.minusDm / n + minusDm;
        s.tr = s.tr - s.tr / n + tr;
      }
    }
    s.prevHigh = high;
    s.prevLow = low;
    s.prevClose = close;
    // Capped: only "before N", "before 2N−1", "at 2N−1" and "after" matter.
    if (k < 2 * n) s.count = k + 1;
    if (k < n) {
      out.adx = out.plusDi = out.minusDi = NaN;
      return;
    }
    let dx = NaN;
    if (isZero(s.tr)) {
      out.plusDi = out.minusDi = 0;
    } else {
      const plusDi = 100 * (s.plusDm / s.tr);
      const minusDi = 100 * (s.minusDm / s.tr);
      out.plusDi = plusDi;
      out.minusDi = minusDi;
      const sum = minusDi + plusDi;
      if (!isZero(sum)) dx = 100 * (Math.abs(minusDi - plusDi) / sum);
    }
    // An undefined DX (no range, or no directional movement) adds nothing and leaves ADX where it was.
    if (k < 2 * n - 1) {
      if (dx === dx) s.sumDx += dx;
      out.adx = NaN;
    } else if (k === 2 * n - 1) {
      if (dx === dx) s.sumDx += dx;
      s.adx = s.sumDx / n;
      out.adx = s.adx;
    } else {
      if (dx === dx) s.adx = s.adx + (dx - s.adx) * wilderPart(n);
      out.adx = s.adx;
    }
  },
  kernel(s, p, input, out, from, to) {
    const H = input.bars.high, L = input.bars.low, C = input.bars.close, outAdx = out.adx, outPlus = out.plusDi, outMinus = out.minusDi;
    const n = p.period, part = wilderPart(n);
    let count = s.count, prevHigh = s.prevHigh, prevLow = s.prevLow, prevClose = s.prevClose;
    let sPlusDm = s.plusDm, sMinusDm = s.minusDm, sTr = s.tr, sumDx = s.sumDx, sAdx = s.adx;
    for (let t = from; t < to; t++) {
      const high = H[t]!, low = L[t]!, close = C[t]!;
      if (high !== high || low !== low || close !== close) {
        count = 0;
        outAdx[t] = outPlus[t] = outMinus[t] = NaN;
        continue;
      }
      const k = count;
      if (k === 0) {
        sPlusDm = sMinusDm = sTr = sumDx = 0;
      } else {
        const up = high - prevHigh;
        const down = prevLow - low;
        const plusDm = up > 0 && up > down ? up : 0;
        const minusDm = down > 0 && down > up ? down : 0;
        let tr = high - low;
        const gapUp = Math.abs(prevClose - high);
        if (gapUp > tr) tr = gapUp;
        const gapDown = Math.abs(prevClose - low);
        if (gapDown > tr) tr = gapDown;
        if (k < n) {
          sPlusDm += plusDm;
          sMinusDm += minusDm;
          sTr += tr;
        } else {
          sPlusDm = sPlusDm - sPlusDm / n + plusDm;
          sMinusDm = sMinusDm - sMinusDm / n + minusDm;
          sTr = sTr - sTr / n + tr;
        }
      }
      prevHigh = high;
      prevLow = low;
      prevClose = close;
      if (k < 2 * n) count = k + 1;
      if (k < n) {
        outAdx[t] = outPlus[t] = outMinus[t] = NaN;
        continue;
      }
      let dx = NaN;
      if (isZero(sTr)) {
        outPlus[t] = outMinus[t] = 0;
      } else {
        const plusDi = 100 * (sPlusDm / sTr);
        const minusDi = 100 * (sMinusDm / sTr);
        outPlus[t] = plusDi;
        outMinus[t] = minusDi;
        const sum = minusDi + plusDi;
        if (!isZero(sum)) dx = 100 * (Math.abs(minusDi - plusDi) / sum);
      }
      if (k < 2 * n - 1) {
        if (dx === dx) sumDx += dx;
        outAdx[t] = NaN;
      } else if (k === 2 * n - 1) {
        if (dx === dx) sumDx += dx;
        sAdx = sumDx / n;
        outAdx[t] = sAdx;
      } else {
        if (dx === dx) sAdx = sAdx + (dx - sAdx) * part;
        outAdx[t] = sAdx;
      }
    }
    s.count = count;
    s.prevHigh = prevHigh;
    s.prevLow = prevLow;
    s.prevClose = prevClose;
    s.plusDm = sPlusDm;
    s.minusDm = sMinusDm;
    s.tr = sTr;
    s.sumDx = sumDx;
    s.adx = sAdx;
  },
});
