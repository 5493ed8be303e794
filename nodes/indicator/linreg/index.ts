import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { ring, ringFeed, ringStart } from '../ring.ts';

/** Least-squares line through the last N values against time (TA-Lib LINEARREG family), with its R². */
export const linreg = defineNode({
  type: 'indicator.linreg',
  version: 1,
  category: 'indicator',
  title: 'Linear regression',
  description: 'Fits a straight line to the last N values: its slope, its level now and next bar, and how well it fits (R²).',
  docs: {
    example: 'Slope of Linear regression(20) of the close above 0 with R² above 0.6: a steady uptrend rather than noise.',
    caveats: [
      'The line is fitted by least squares to the last N values against bar numbers 0 … N−1 (oldest first), as in TA-Lib.',
      'slope is per bar (TA-Lib LINEARREG_SLOPE); value is the line at the current bar (LINEARREG); intercept is the line at the oldest bar of the window (LINEARREG_INTERCEPT); forecast is the line one bar ahead, value + slope (TSF).',
      'r2 is the share of the window’s variance the line explains, the squared correlation of value and time, from 0 to 1. A flat window reads slope 0 and r2 0 (no trend to explain).',
      'Warm-up: needs N values, so every output starts at bar N (index N−1); NaN before that. Computed from closed bars only.',
      'A NaN input outputs NaN on every port and restarts the warm-up.',
    ],
  },
  inputs: { source: { kind: 'number', description: 'The series to fit, usually the close.' } },
  outputs: {
    slope: { kind: 'number', description: 'Change of the fitted line per bar.' },
    value: { kind: 'number', description: 'The fitted line at the current bar.' },
    intercept: { kind: 'number', description: 'The fitted line at the oldest bar of the window.' },
    forecast: { kind: 'number', description: 'The fitted line extended one bar ahead.' },
    r2: { kind: 'number', description: 'Goodness of fit, 0 (none) to 1 (a perfect line).' },
  },
  params: z.object({
    period: z.number().int().min(2).max(10_000).default(14).describe('Number of bars to fit the line to.'),
  }),
  warmup: (p) => p.period - 1,
  init: (p) => ({ window: ring(p.period) }),
  step(s, p, input, out) {
    if (!ringFeed(s.window, input.source)) {
      out.slope = out.value = out.intercept = out.forecast = out.r2 = NaN;
      return;
    }
    const n = p.period;
    const buf = s.window.buf;
    const start = ringStart(s.window);
    let sum = 0;
    // Flat when every value equals the first (as in pearson.ts: no branches to mispredict).
    const first = buf[start]!;
    let flat = 1;
    for (let i = start; i < start + n; i++) {
      const v = buf[i]!;
      sum += v;
      flat &= +(v === first);
    }
    // A flat window's mean can be an ulp off its value; report the value itself.
    const mean = flat === 1 ? first : sum / n;
    const half = (n - 1) / 2;
    let slope = 0;
    let r2 = 0;
    if (flat === 0) {
      // Centred on the window's mid-bar, so the time and value sums never cancel against each other.
      let sty = 0;
      let syy = 0;
      for (let i = 0; i < n; i++) {
        const d = buf[start + i]! - mean;
        sty += (i - half) * d;
        syy += d * d;
      }
      const stt = (n * (n * n - 1)) / 12;
      slope = sty / stt;
      r2 = Math.min(1, (sty * sty) / (stt * syy));
    }
    out.slope = slope;
    out.value = mean + slope * half;
    out.intercept = mean - slope * half;
    out.forecast = mean + slope * (half + 1);
    out.r2 = r2;
  },
  kernel(s, p, input, out, from, to) {
    const src = input.source, oSlope = out.slope, oValue = out.value, oIntercept = out.intercept, oForecast = out.forecast, oR2 = out.r2;
    const r = s.window, buf = r.buf, size = r.size, n = p.period;
    const half = (n - 1) / 2;
    const stt = (n * (n * n - 1)) / 12;
    let head = r.head, count = r.count;
    for (let t = from; t < to; t++) {
      const x = src[t]!;
      // ringFeed, inlined.
      if (x !== x) {
        head = 0;
        count = 0;
        oSlope[t] = oValue[t] = oIntercept[t] = oForecast[t] = oR2[t] = NaN;
        continue;
      }
      buf[head] = x;
      buf[head + size] = x;
      head = head + 1 === size ? 0 : head + 1;
      if (count < size) count++;
      if (count !== size) {
        oSlope[t] = oValue[t] = oIntercept[t] = oForecast[t] = oR2[t] = NaN;
        continue;
      }
      const start = head + size - count;
      let sum = 0;
      const first = buf[start]!;
      let flat = 1;
      for (let i = start; i < start + n; i++) {
        const v = buf[i]!;
        sum += v;
        flat &= +(v === first);
      }
      const mean = flat === 1 ? first : sum / n;
      let slope = 0;
      let r2 = 0;
      if (flat === 0) {
        let sty = 0;
        let syy = 0;
        for (let i = 0; i < n; i++) {
          const d = buf[start + i]! - mean;
          sty += (i - half) * d;
          syy += d * d;
        }
        slope = sty / stt;
        r2 = Math.min(1, (sty * sty) / (stt * syy));
      }
      oSlope[t] = slope;
      oValue[t] = mean + slope * half;
      oIntercept[t] = mean - slope * half;
      oForecast[t] = mean + slope * (half + 1);
      oR2[t] = r2;
    }
    r.head = head;
    r.count = count;
  },
});
