import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { clearLineMoments, linePush, noLineMoments, type LineMoments } from '../moments.ts';
import { ring, ringClear, ringPush } from '../ring.ts';

/** `fit`'s answer: slope, mean, R². */
const line = new Float64Array(3);

/**
 * The least-squares line through a full window of `n` values from its running sums, into `line`.
 * Centred on the window's mid-bar: Σ(i − half)(y − ȳ) = Σ i·d − half·Σd for d = y − shift, since the
 * centred bar numbers sum to 0. A flat window (its last n values equal) has slope 0, R² 0 and its value
 * as the mean exactly.
 */
function fit(m: LineMoments, n: number): void {
  if (m.same >= n) {
    line[0] = 0;
    line[1] = m.last;
    line[2] = 0;
    return;
  }
  const half = (n - 1) / 2, stt = (n * (n * n - 1)) / 12;
  const sty = m.sumIndexed - half * m.sum;
  const syy = m.sumSq - (m.sum * m.sum) / n;
  line[0] = sty / stt;
  line[1] = m.shift + m.sum / n;
  // Rounding can leave Σd² a hair below (Σd)²/n for a window that is all but flat: no fit to speak of.
  line[2] = syy > 0 ? Math.min(1, (sty * sty) / (stt * syy)) : 0;
}

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
  // The window and the line's running sums (moments.ts). A state saved before the sums existed sums them
  // from its window at the next value.
  init: (p) => ({ window: ring(p.period), line: noLineMoments() }),
  step(s, p, input, out) {
    const r = s.window, x = input.source;
    const m = (s.line ??= noLineMoments());
    if (x !== x) {
      ringClear(r);
      clearLineMoments(m);
      out.slope = out.value = out.intercept = out.forecast = out.r2 = NaN;
      return;
    }
    const leaving = r.count === r.size ? r.buf[r.head]! : NaN;
    ringPush(r, x);
    linePush(m, r.buf, r.head, r.count, r.size, x, leaving);
    if (r.count !== r.size) {
      out.slope = out.value = out.intercept = out.forecast = out.r2 = NaN;
      return;
    }
    fit(m, p.period);
    const slope = line[0]!, mean = line[1]!, half = (p.period - 1) / 2;
    out.slope = slope;
    out.value = mean + slope * half;
    out.intercept = mean - slope * half;
    out.forecast = mean + slope * (half + 1);
    out.r2 = line[2]!;
  },
  kernel(s, p, input, out, from, to) {
    // NaN as a local (docs/engine.md, "NaN in a hot loop").
    const nan = NaN;
    const src = input.source, oSlope = out.slope, oValue = out.value, oIntercept = out.intercept, oForecast = out.forecast, oR2 = out.r2;
    const r = s.window, buf = r.buf, size = r.size, n = p.period;
    const m = (s.line ??= noLineMoments());
    const half = (n - 1) / 2;
    let head = r.head, count = r.count;
    for (let t = from; t < to; t++) {
      const x = src[t]!;
      if (x !== x) {
        head = 0;
        count = 0;
        clearLineMoments(m);
        oSlope[t] = oValue[t] = oIntercept[t] = oForecast[t] = oR2[t] = nan;
        continue;
      }
      // ringPush, inlined.
      const leaving = count === size ? buf[head]! : nan;
      buf[head] = x;
      buf[head + size] = x;
      head = head + 1 === size ? 0 : head + 1;
      if (count < size) count++;
      linePush(m, buf, head, count, size, x, leaving);
      if (count !== size) {
        oSlope[t] = oValue[t] = oIntercept[t] = oForecast[t] = oR2[t] = nan;
        continue;
      }
      fit(m, n);
      const slope = line[0]!, mean = line[1]!;
      oSlope[t] = slope;
      oValue[t] = mean + slope * half;
      oIntercept[t] = mean - slope * half;
      oForecast[t] = mean + slope * (half + 1);
      oR2[t] = line[2]!;
    }
    r.head = head;
    r.count = count;
  },
});
