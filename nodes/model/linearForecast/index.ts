import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { activeFeatures, featureInputs, readFeatures } from '../features.ts';

/**
 * Online linear regression of a target on up to three features, k bars ahead. It keeps exponentially
 * weighted means and covariances, updated recursively one training pair per bar, and solves the small
 * normal equations each bar: the estimator recursive least squares (RLS) computes, without RLS's
 * arbitrary initial-covariance prior and with the features centred, which keeps raw prices and volumes
 * (very different scales, never near zero) well conditioned.
 */
export const linearForecast = defineNode({
  type: 'model.linearForecast',
  version: 1,
  category: 'model',
  title: 'Linear forecast (online regression)',
  description: 'Learns y ≈ a + b₁x₁ + b₂x₂ + b₃x₃ as bars arrive and forecasts y k bars ahead.',
  docs: {
    example: 'Y = close, X1 = close, X2 = RSI(14), horizon 5: forecast the close five bars ahead; compare the forecast with the close to go long.',
    caveats: [
      'No lookahead: on bar t it learns only from the pair (features at t − k, y at t), whose answer is known by then, and forecasts y at t + k from the features at t.',
      'Warm-up: NaN until it has learned from "min samples" pairs, i.e. for the first k + min samples − 1 bars.',
      'Forgetting factor λ: each older pair counts λ times less (λ = 1 is ordinary least squares over all history, 0.99 remembers roughly the last 100 pairs).',
      'A pair with a NaN (y, or a wired feature k bars earlier) is skipped, not learned, and the model is kept; the forecast is NaN on a bar whose wired features are NaN. Unwired features are left out of the model; with none wired it forecasts the weighted mean of y.',
      'A feature that is constant, or an exact linear combination of the others, over the weighted history gets coefficient 0 instead of making the fit fail.',
      'Linear and unregularised: it extrapolates, and with few samples relative to features the forecast is noisy.',
    ],
  },
  inputs: {
    y: { kind: 'number', description: 'The series to forecast, usually the close.' },
    ...featureInputs,
  },
  outputs: { forecast: { kind: 'number', description: 'Forecast of y, k bars after this one.' } },
  params: z.object({
    horizon: z.number().int().min(1).max(1000).default(1).describe('Bars ahead to forecast (k).'),
    forgetting: z.number().min(0.5).max(1).default(0.99).describe('Forgetting factor λ: 1 weighs all history equally, lower values adapt faster.'),
    minSamples: z.number().int().min(1).max(100_000).default(20).describe('Training pairs to learn from before the first forecast.'),
  }),
  warmup: (p) => p.horizon + p.minSamples - 1,
  init: (p, wired) => ({
    active: activeFeatures(wired),
    // Features of the last k bars (3 per bar) and whether every wired one was known on that bar.
    past: new Array<number>(3 * p.horizon).fill(NaN),
    pastOk: new Array<number>(p.horizon).fill(0),
    next: 0,
    samples: 0,
    weight: 0,
    meanX: [0, 0, 0],
    meanY: 0,
    covXX: new Array<number>(9).fill(0),
    covXY: [0, 0, 0],
    // Scratch, kept in state so a step allocates nothing.
    x: [0, 0, 0],
    delta: [0, 0, 0],
    a: new Array<number>(9).fill(0),
    coef: [0, 0, 0],
  }),
  step(s, p, input, out) {
    const { active, x, delta, past, meanX, covXX, covXY } = s;
    const d = active.length;
    const known = readFeatures(input, active, x);

    const slot = s.next;
    const base = 3 * slot;
    const y = input.y;
    if (s.pastOk[slot] === 1 && y === y) {
      // Weighted Welford: decay the old weight by λ and add the pair with weight 1. The product of the
      // deviation from the old mean and from the new one adds exactly this pair's weighted co-moment.
      const lambda = p.forgetting;
      const w = lambda * s.weight + 1;
      const dy = y - s.meanY;
      s.meanY += dy / w;
      for (let i = 0; i < d; i++) {
        const j = active[i];
        delta[j] = past[base + j] - meanX[j];
        meanX[j] += delta[j] / w;
      }
      for (let i = 0; i < d; i++) {
        const j = active[i];
        covXY[j] = lambda * covXY[j] + delta[j] * (y - s.meanY);
        for (let k = 0; k < d; k++) {
          const l = active[k];
          covXX[3 * j + l] = lambda * covXX[3 * j + l] + delta[j] * (past[base + l] - meanX[l]);
        }
      }
      s.weight = w;
      s.samples++;
    }
    for (let j = 0; j < 3; j++) past[base + j] = x[j];
    s.pastOk[slot] = known;
    s.next = slot + 1 === p.horizon ? 0 : slot + 1;

    if (s.samples < p.minSamples || known === 0) {
      out.forecast = NaN;
      return;
    }
    solve(s, d);
    let f = s.meanY;
    for (let i = 0; i < d; i++) f += s.coef[i] * (x[active[i]] - meanX[active[i]]);
    out.forecast = f;
  },
  kernel(s, p, input, out, from, to) {
    const Y = input.y, X1 = input.x1, X2 = input.x2, X3 = input.x3, F = out.forecast;
    const { active, x, delta, past, pastOk, meanX, covXX, covXY, coef } = s;
    const d = active.length, horizon = p.horizon, lambda = p.forgetting, minSamples = p.minSamples;
    let next = s.next, samples = s.samples, weight = s.weight, meanY = s.meanY;
    for (let t = from; t < to; t++) {
      // readFeatures, inlined.
      x[0] = X1[t]!;
      x[1] = X2[t]!;
      x[2] = X3[t]!;
      let known = 1;
      for (let i = 0; i < d; i++) {
        if (x[active[i]!]! !== x[active[i]!]!) {
          known = 0;
          break;
        }
      }

      const slot = next;
      const base = 3 * slot;
      const y = Y[t]!;
      if (pastOk[slot] === 1 && y === y) {
        const w = lambda * weight + 1;
        const dy = y - meanY;
        meanY += dy / w;
        for (let i = 0; i < d; i++) {
          const j = active[i]!;
          delta[j] = past[base + j]! - meanX[j]!;
          meanX[j] += delta[j]! / w;
        }
        for (let i = 0; i < d; i++) {
          const j = active[i]!;
          covXY[j] = lambda * covXY[j]! + delta[j]! * (y - meanY);
          for (let k = 0; k < d; k++) {
            const l = active[k]!;
            covXX[3 * j + l] = lambda * covXX[3 * j + l]! + delta[j]! * (past[base + l]! - meanX[l]!);
          }
        }
        weight = w;
        samples++;
      }
      past[base] = x[0]!;
      past[base + 1] = x[1]!;
      past[base + 2] = x[2]!;
      pastOk[slot] = known;
      next = slot + 1 === horizon ? 0 : slot + 1;

      if (samples < minSamples || known === 0) {
        F[t] = NaN;
        continue;
      }
      // solve reads only the state's arrays, which are in place.
      solve(s, d);
      let f = meanY;
      for (let i = 0; i < d; i++) f += coef[i]! * (x[active[i]!]! - meanX[active[i]!]!);
      F[t] = f;
    }
    s.next = next;
    s.samples = samples;
    s.weight = weight;
    s.meanY = meanY;
  },
});

/**
 * Solve covXX·coef = covXY over the active features by Gaussian elimination without pivoting, which is
 * safe on a covariance matrix (positive semi-definite). A pivot that has shrunk to almost nothing
 * relative to its diagonal means the feature adds nothing the earlier ones do not already explain
 * (constant, or collinear with them): it gets coefficient 0, which leaves the fitted values unchanged.
 */
function solve(s: { active: number[]; covXX: number[]; covXY: number[]; a: number[]; coef: number[] }, d: number): void {
  const { a, coef, active, covXX } = s;
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < d; k++) a[3 * i + k] = covXX[3 * active[i] + active[k]];
    coef[i] = s.covXY[active[i]];
  }
  for (let i = 0; i < d; i++) {
    const pivot = a[3 * i + i];
    const diag = covXX[3 * active[i] + active[i]];
    if (!(diag > 0) || !(pivot > 1e-10 * diag)) {
      // Zeroing the row and column takes the feature out of the later eliminations; a zero pivot
      // then marks it for the back substitution.
      for (let k = 0; k < d; k++) a[3 * i + k] = a[3 * k + i] = 0;
      coef[i] = 0;
      continue;
    }
    for (let r = i + 1; r < d; r++) {
      const m = a[3 * r + i] / pivot;
      for (let c = i; c < d; c++) a[3 * r + c] -= m * a[3 * i + c];
      coef[r] -= m * coef[i];
    }
  }
  for (let i = d - 1; i >= 0; i--) {
    const pivot = a[3 * i + i];
    if (pivot === 0) {
      coef[i] = 0;
      continue;
    }
    let v = coef[i];
    for (let c = i + 1; c < d; c++) v -= a[3 * i + c] * coef[c];
    coef[i] = v / pivot;
  }
}
