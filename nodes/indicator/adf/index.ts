import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { ring, ringFeed, ringStart } from '../ring.ts';

/** Rolling augmented Dickey–Fuller t-statistic with a constant and a fixed number of lagged differences. */
export const adf = defineNode({
  type: 'indicator.adf',
  version: 1,
  category: 'indicator',
  title: 'ADF statistic',
  description: 'Augmented Dickey–Fuller test over a rolling window: the more negative, the stronger the evidence the series mean-reverts.',
  docs: {
    example: 'ADF(window 100, lags 1) of a pair’s spread below −2.89 (the 5 % critical value with a constant, for about 100 observations): treat the spread as stationary and trade its z-score.',
    caveats: [
      'Over the last W values x, regresses Δx_t on a constant, x_t−1 and Δx_t−1 … Δx_t−p for t = p+1 … W−1 (W − 1 − p observations) by least squares, and outputs the t-statistic of the x_t−1 coefficient: statsmodels adfuller(x, maxlag=p, autolag=None, regression="c")[0].',
      'It is a test statistic, not a p-value: compare it with Dickey–Fuller critical values (with a constant, about −3.43 at 1 %, −2.86 at 5 %, −2.57 at 10 % for large samples; more negative for small windows), not with the normal table.',
      'The lag count is fixed (no automatic selection). Bounds keep p ≤ W/2 − 2, the largest statsmodels accepts.',
      'Warm-up: needs W values, so the first output is at bar W (index W−1); NaN before that. Computed from closed bars only.',
      'NaN when the regression is degenerate: a constant window (adfuller refuses it), a constant regressor column, or a perfect fit.',
      'A NaN input outputs NaN and restarts the warm-up.',
    ],
  },
  inputs: { source: { kind: 'number', description: 'The series to test: a price, a log price or a spread.' } },
  outputs: { value: { kind: 'number', description: 'ADF t-statistic; more negative means more mean-reverting.' } },
  params: z.object({
    window: z.number().int().min(30).max(5000).default(100).describe('Number of values in the rolling window.'),
    lags: z.number().int().min(0).max(12).default(1).describe('Number of lagged differences in the regression.'),
  }),
  warmup: (p) => p.window - 1,
  init: (p) => {
    const rows = p.window - 1 - p.lags;
    const k = p.lags + 1;
    // Scratch for the centred design matrix with Δx_t as an extra last column, column by column.
    return { window: ring(p.window), a: new Array<number>(rows * (k + 1)).fill(0) };
  },
  step(s, p, input, out) {
    if (!ringFeed(s.window, input.source)) {
      out.value = NaN;
      return;
    }
    // Observations, and regressors besides the constant.
    const rows = p.window - 1 - p.lags;
    const k = p.lags + 1;
    const w = s.window.buf;
    const o = ringStart(s.window);
    const a = s.a;
    const lags = p.lags;
    // Columns: Δx_t−1 … Δx_t−p, then x_t−1 (last, so its t-statistic falls out of the last QR step), then Δx_t.
    // Centring every column absorbs the constant (Frisch–Waugh) and keeps the level column well scaled.
    for (let c = 0; c <= k; c++) {
      const col = c * rows;
      let sum = 0;
      // Flat when every value equals the first (numbers combined with &: no branches to mispredict).
      let flat = 1;
      for (let r = 0; r < rows; r++) {
        const t = o + lags + 1 + r;
        const v = c < lags ? w[t - 1 - c]! - w[t - 2 - c]! : c === lags ? w[t - 1]! : w[t]! - w[t - 1]!;
        a[col + r] = v;
        sum += v;
        flat &= +(v === a[col]!);
      }
      // A constant column is collinear with the constant term (and a constant Δx_t is a perfect fit).
      if (flat === 1) {
        out.value = NaN;
        return;
      }
      const mean = sum / rows;
      for (let r = 0; r < rows; r++) a[col + r] -= mean;
    }
    // Householder QR of the regressors, applied to Δx_t as we go: R's last diagonal and Qᵀy give the
    // t-statistic directly, and the tail of Qᵀy gives the residual sum of squares. Stable where the
    // normal equations would square the condition number.
    let rLast = 0;
    for (let j = 0; j < k; j++) {
      const col = j * rows;
      let norm2 = 0;
      let orig2 = 0;
      for (let r = j; r < rows; r++) norm2 += a[col + r]! * a[col + r]!;
      for (let r = 0; r < rows; r++) orig2 += a[col + r]! * a[col + r]!;
      if (!(norm2 > 1e-20 * orig2)) {
        out.value = NaN; // collinear regressors
        return;
      }
      const norm = Math.sqrt(norm2);
      const x0 = a[col + j]!;
      const alpha = x0 > 0 ? -norm : norm;
      const v0 = x0 - alpha;
      a[col + j] = v0;
      const vtv = norm2 - x0 * x0 + v0 * v0;
      for (let c = j + 1; c <= k; c++) {
        const other = c * rows;
        let dot = 0;
        for (let r = j; r < rows; r++) dot += a[col + r]! * a[other + r]!;
        const f = (2 * dot) / vtv;
        for (let r = j; r < rows; r++) a[other + r] -= f * a[col + r]!;
      }
      rLast = alpha;
    }
    const y = k * rows;
    let ssr = 0;
    for (let r = k; r < rows; r++) ssr += a[y + r]! * a[y + r]!;
    const df = rows - k - 1;
    if (!(ssr > 0)) {
      out.value = NaN;
      return;
    }
    const tStat = a[y + k - 1]! / Math.sqrt(ssr / df);
    out.value = rLast < 0 ? -tStat : tStat;
  },
  kernel(s, p, input, out, from, to) {
    const xs = input.source, value = out.value;
    const ringW = s.window, w = ringW.buf, size = ringW.size;
    const a = s.a;
    const lags = p.lags;
    const rows = p.window - 1 - lags;
    const k = lags + 1;
    const y = k * rows;
    const df = rows - k - 1;
    let head = ringW.head, count = ringW.count;
    bars: for (let t0 = from; t0 < to; t0++) {
      const x = xs[t0]!;
      // ringFeed, inlined.
      if (x !== x) {
        head = 0;
        count = 0;
        value[t0] = NaN;
        continue;
      }
      w[head] = x;
      w[head + size] = x;
      head = head + 1 === size ? 0 : head + 1;
      if (count < size) count++;
      if (count !== size) {
        value[t0] = NaN;
        continue;
      }
      const o = head + size - count;
      for (let c = 0; c <= k; c++) {
        const col = c * rows;
        let sum = 0;
        // Flat when every value equals the first (numbers combined with &: no branches to mispredict).
        let flat = 1;
        for (let r = 0; r < rows; r++) {
          const t = o + lags + 1 + r;
          const v = c < lags ? w[t - 1 - c]! - w[t - 2 - c]! : c === lags ? w[t - 1]! : w[t]! - w[t - 1]!;
          a[col + r] = v;
          sum += v;
          flat &= +(v === a[col]!);
        }
        if (flat === 1) {
          value[t0] = NaN;
          continue bars;
        }
        const mean = sum / rows;
        for (let r = 0; r < rows; r++) a[col + r] -= mean;
      }
      let rLast = 0;
      for (let j = 0; j < k; j++) {
        const col = j * rows;
        let norm2 = 0;
        let orig2 = 0;
        for (let r = j; r < rows; r++) norm2 += a[col + r]! * a[col + r]!;
        for (let r = 0; r < rows; r++) orig2 += a[col + r]! * a[col + r]!;
        if (!(norm2 > 1e-20 * orig2)) {
          value[t0] = NaN;
          continue bars;
        }
        const norm = Math.sqrt(norm2);
        const x0 = a[col + j]!;
        const alpha = x0 > 0 ? -norm : norm;
        const v0 = x0 - alpha;
        a[col + j] = v0;
        const vtv = norm2 - x0 * x0 + v0 * v0;
        for (let c = j + 1; c <= k; c++) {
          const other = c * rows;
          let dot = 0;
          for (let r = j; r < rows; r++) dot += a[col + r]! * a[other + r]!;
          const f = (2 * dot) / vtv;
          for (let r = j; r < rows; r++) a[other + r] -= f * a[col + r]!;
        }
        rLast = alpha;
      }
      let ssr = 0;
      for (let r = k; r < rows; r++) ssr += a[y + r]! * a[y + r]!;
      if (!(ssr > 0)) {
        value[t0] = NaN;
        continue;
      }
      const tStat = a[y + k - 1]! / Math.sqrt(ssr / df);
      value[t0] = rLast < 0 ? -tStat : tStat;
    }
    ringW.head = head;
    ringW.count = count;
  },
});
