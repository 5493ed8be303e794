import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { activeFeatures, featureInputs, readFeatures } from '../features.ts';

/**
 * Online logistic regression: P(the target rises over the next k bars) from up to three features,
 * learned by one plain SGD step per bar. Features are standardised with their running (expanding) mean
 * and standard deviation first: with a fixed learning rate, raw prices or volumes would swamp the
 * gradient and an RSI would barely move it.
 */
export const logisticClassifier = defineNode({
  type: 'model.logisticClassifier',
  version: 1,
  category: 'model',
  title: 'Logistic classifier (online)',
  description: 'Learns the probability that the target rises over the next k bars from up to three features.',
  docs: {
    example: 'Target = close, X1 = RSI(14), X2 = percent change(close, 5), horizon 1: "signal" is true when an up bar is more likely than the threshold.',
    caveats: [
      'No lookahead: on bar t it learns only from (features at t − k, label = target at t > target at t − k), whose answer is known by then, and predicts from the features at t.',
      'Warm-up: probability and signal are NaN until it has learned from "min samples" pairs, i.e. for the first k + min samples − 1 bars.',
      'Deterministic: weights start at zero (probability 0.5) and take one SGD step of log-loss per bar with a fixed learning rate and an L2 penalty on the feature weights (not on the intercept).',
      'Each feature is standardised by its expanding mean and population standard deviation up to and including this bar; a feature with no spread so far reads 0.',
      'A flat k-bar move (target unchanged) counts as "not up".',
      'A pair with a NaN (target now or k bars ago, or a wired feature k bars ago) is skipped and the model kept; a bar whose wired features are NaN gives NaN and does not move the standardisation. Unwired features are left out; with none wired it learns the base rate of up moves.',
      'The signal is true when the probability is strictly above the threshold, so an untrained 0.5 never fires at the default 0.5.',
    ],
  },
  inputs: {
    target: { kind: 'number', description: 'The series whose move is predicted, usually the close.' },
    ...featureInputs,
  },
  outputs: {
    probability: { kind: 'number', description: 'Probability (0–1) that the target is higher k bars from now.' },
    signal: { kind: 'bool', description: 'The probability is above the threshold.' },
  },
  params: z.object({
    horizon: z.number().int().min(1).max(1000).default(1).describe('Bars ahead the move is measured over (k).'),
    learningRate: z.number().gt(0).max(10).default(0.05).describe('SGD step size.'),
    l2: z.number().min(0).max(10).default(0.001).describe('L2 penalty on the feature weights; larger keeps them smaller.'),
    threshold: z.number().min(0).max(1).default(0.5).describe('Signal when the probability is above this.'),
    minSamples: z.number().int().min(1).max(100_000).default(20).describe('Training pairs to learn from before the first prediction.'),
  }),
  warmup: (p) => p.horizon + p.minSamples - 1,
  init: (p, wired) => ({
    active: activeFeatures(wired),
    // Features and target of the last k bars; pastOk says every wired feature was known then.
    past: new Array<number>(3 * p.horizon).fill(NaN),
    pastTarget: new Array<number>(p.horizon).fill(NaN),
    pastOk: new Array<number>(p.horizon).fill(0),
    next: 0,
    samples: 0,
    // Welford accumulators for the standardisation.
    seen: 0,
    mean: [0, 0, 0],
    m2: [0, 0, 0],
    weights: [0, 0, 0],
    bias: 0,
    x: [0, 0, 0],
  }),
  step(s, p, input, out) {
    const { active, x, past, mean, m2, weights } = s;
    const d = active.length;
    const known = readFeatures(input, active, x);
    if (known === 1) {
      s.seen++;
      for (let i = 0; i < d; i++) {
        const j = active[i];
        const dev = x[j] - mean[j];
        mean[j] += dev / s.seen;
        m2[j] += dev * (x[j] - mean[j]);
      }
    }

    const slot = s.next;
    const base = 3 * slot;
    const target = input.target;
    const before = s.pastTarget[slot];
    if (s.pastOk[slot] === 1 && target === target && before === before) {
      const label = target > before ? 1 : 0;
      let score = s.bias;
      for (let i = 0; i < d; i++) score += weights[active[i]] * standard(s, active[i], past[base + active[i]]);
      const error = 1 / (1 + Math.exp(-score)) - label;
      for (let i = 0; i < d; i++) {
        const j = active[i];
        weights[j] -= p.learningRate * (error * standard(s, j, past[base + j]) + p.l2 * weights[j]);
      }
      s.bias -= p.learningRate * error;
      s.samples++;
    }
    for (let j = 0; j < 3; j++) past[base + j] = x[j];
    s.pastTarget[slot] = target;
    s.pastOk[slot] = known;
    s.next = slot + 1 === p.horizon ? 0 : slot + 1;

    if (s.samples < p.minSamples || known === 0) {
      out.probability = NaN;
      out.signal = NaN;
      return;
    }
    let score = s.bias;
    for (let i = 0; i < d; i++) score += weights[active[i]] * standard(s, active[i], x[active[i]]);
    const prob = 1 / (1 + Math.exp(-score));
    out.probability = prob;
    out.signal = prob > p.threshold ? 1 : 0;
  },
  kernel(s, p, input, out, from, to) {
    const T = input.target, X1 = input.x1, X2 = input.x2, X3 = input.x3, P = out.probability, S = out.signal;
    const { active, x, past, pastTarget, pastOk, mean, m2, weights } = s;
    const d = active.length, horizon = p.horizon, rate = p.learningRate, l2 = p.l2, threshold = p.threshold, minSamples = p.minSamples;
    let next = s.next, samples = s.samples, seen = s.seen, bias = s.bias;
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
      if (known === 1) {
        seen++;
        for (let i = 0; i < d; i++) {
          const j = active[i]!;
          const dev = x[j]! - mean[j]!;
          mean[j] += dev / seen;
          m2[j] += dev * (x[j]! - mean[j]!);
        }
      }

      const slot = next;
      const base = 3 * slot;
      const target = T[t]!;
      const before = pastTarget[slot]!;
      if (pastOk[slot] === 1 && target === target && before === before) {
        const label = target > before ? 1 : 0;
        let score = bias;
        for (let i = 0; i < d; i++) score += weights[active[i]!]! * standardised(seen, mean, m2, active[i]!, past[base + active[i]!]!);
        const error = 1 / (1 + Math.exp(-score)) - label;
        for (let i = 0; i < d; i++) {
          const j = active[i]!;
          weights[j] -= rate * (error * standardised(seen, mean, m2, j, past[base + j]!) + l2 * weights[j]!);
        }
        bias -= rate * error;
        samples++;
      }
      past[base] = x[0]!;
      past[base + 1] = x[1]!;
      past[base + 2] = x[2]!;
      pastTarget[slot] = target;
      pastOk[slot] = known;
      next = slot + 1 === horizon ? 0 : slot + 1;

      if (samples < minSamples || known === 0) {
        P[t] = NaN;
        S[t] = NaN;
        continue;
      }
      let score = bias;
      for (let i = 0; i < d; i++) score += weights[active[i]!]! * standardised(seen, mean, m2, active[i]!, x[active[i]!]!);
      const prob = 1 / (1 + Math.exp(-score));
      P[t] = prob;
      S[t] = prob > threshold ? 1 : 0;
    }
    s.next = next;
    s.samples = samples;
    s.seen = seen;
    s.bias = bias;
  },
});

function standard(s: { seen: number; mean: number[]; m2: number[] }, j: number, v: number): number {
  const sd = Math.sqrt(s.m2[j] / s.seen);
  return sd > 0 ? (v - s.mean[j]) / sd : 0;
}

/** {@link standard} with the count passed in, for the kernel, which keeps it in a local. */
function standardised(seen: number, mean: readonly number[], m2: readonly number[], j: number, v: number): number {
  const sd = Math.sqrt(m2[j]! / seen);
  return sd > 0 ? (v - mean[j]!) / sd : 0;
}
