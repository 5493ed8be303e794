import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import { compareWithReference } from '../../reference.ts';
import { createRegistry } from '../../registry.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { logisticClassifier } from './index.ts';

/** Deterministic noise in [−0.5, 0.5) for the tests (a 32-bit LCG). */
function noise(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  });
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

describe('model.logisticClassifier', () => {
  it('hand example: two SGD steps on one standardised feature', () => {
    const params = { horizon: 1, learningRate: 0.5, l2: 0, minSamples: 1 };
    const { probability, signal } = runNode(logisticClassifier, { params, inputs: { target: [10, 11, 10], x1: [1, 3, 2] } });
    // Bar 0: nothing learned yet.
    expect(probability[0]).toBeNaN();
    expect(signal[0]).toBeNaN();
    // Bar 1: x seen {1, 3}: mean 2, sd 1. Pair (x = 1 → z = −1, label 11 > 10 = 1): p = 0.5, error −0.5,
    // w = 0 − 0.5·(−0.5·−1) = −0.25, b = 0 − 0.5·(−0.5) = 0.25. Predict x = 3 → z = 1: score 0 → 0.5,
    // and 0.5 is not above the 0.5 threshold.
    expect(probability[1]).toBe(0.5);
    expect(signal[1]).toBe(0);
    // Bar 2: x seen {1, 3, 2}: mean 2, sd √(2/3). Pair (x = 3 → z = √1.5, label 10 > 11 = 0):
    // p = σ(0.25 − 0.25·√1.5), b = 0.25 − 0.5·p. Predict x = 2 → z = 0: σ(b).
    const p = sigmoid(0.25 - 0.25 * Math.sqrt(1.5));
    // p ≈ σ(−0.0562) ≈ 0.4860, so b ≈ 0.0070 and the probability ≈ 0.5018: just above the threshold.
    expect(probability[2]).toBeCloseTo(sigmoid(0.25 - 0.5 * p), 14);
    expect(probability[2]).toBeCloseTo(0.5018, 4);
    expect(signal[2]).toBe(1);
  });

  it('hand example: with no feature it learns the base rate of up moves', () => {
    // Labels 1, 1, 0 with lr 1: b = 0.5, then 0.5 + (1 − σ(0.5)), then that − σ(that).
    const { probability } = runNode(logisticClassifier, { params: { learningRate: 1, minSamples: 1 }, inputs: { target: [1, 2, 3, 2] } });
    const b1 = 0.5;
    const b2 = b1 + (1 - sigmoid(b1));
    const b3 = b2 - sigmoid(b2);
    expect(probability[0]).toBeNaN();
    expect(probability[1]).toBeCloseTo(sigmoid(b1), 14);
    expect(probability[2]).toBeCloseTo(sigmoid(b2), 14);
    expect(probability[3]).toBeCloseTo(sigmoid(b3), 14);
  });

  it('warms up for horizon + min samples − 1 bars, as its warmup() says', () => {
    const target = noise(80, 1).map((v, i) => 100 + i + 5 * v);
    const x1 = noise(80, 2);
    for (const [horizon, minSamples] of [[1, 1], [2, 5], [5, 20]] as const) {
      const params = { horizon, minSamples };
      const out = runNode(logisticClassifier, { params, inputs: { target, x1 } });
      expect(firstDefined(out.probability)).toBe(logisticClassifier.warmup!(logisticClassifier.params.parse(params)));
      expect(firstDefined(out.signal)).toBe(horizon + minSamples - 1);
    }
  });

  it('learns: beats 50 % (and reaches over 90 %) on a separable synthetic series', () => {
    const n = 1500;
    const steps = noise(n, 11);
    const target = [100];
    for (let t = 1; t < n; t++) target.push(target[t - 1]! + (steps[t]! >= 0 ? 1 : -1));
    // The feature tells the next move (plus noise that never flips its sign): separable.
    const x1 = target.map((_, t) => (t + 1 < n ? (target[t + 1]! > target[t]! ? 1 : -1) + 0.4 * steps[(t * 7) % n]! : 0));
    const { signal, probability } = runNode(logisticClassifier, { params: { horizon: 1, learningRate: 0.1 }, inputs: { target, x1 } });
    let right = 0;
    let total = 0;
    for (let t = 500; t < n - 1; t++) {
      total++;
      if (signal[t] === (target[t + 1]! > target[t]! ? 1 : 0)) right++;
    }
    expect(right / total).toBeGreaterThan(0.9);
    expect(probability.slice(500).every((v: number) => v >= 0 && v <= 1)).toBe(true);
  });

  it('stays near 50 % on a feature that says nothing (it cannot cheat)', () => {
    const n = 1500;
    const steps = noise(n, 12);
    const target = [100];
    for (let t = 1; t < n; t++) target.push(target[t - 1]! + (steps[t]! >= 0 ? 1 : -1));
    const x1 = noise(n, 13);
    const { signal } = runNode(logisticClassifier, { params: { horizon: 1 }, inputs: { target, x1 } });
    let right = 0;
    let total = 0;
    for (let t = 100; t < n - 1; t++) {
      total++;
      if (signal[t] === (target[t + 1]! > target[t]! ? 1 : 0)) right++;
    }
    expect(Math.abs(right / total - 0.5)).toBeLessThan(0.06);
  });

  it('no lookahead: changing later values never changes earlier outputs', () => {
    const n = 150;
    const target = noise(n, 3).map((v, i) => 50 + Math.sin(i / 5) + v);
    const x1 = noise(n, 4);
    const x2 = noise(n, 5).map((v) => 1000 * v);
    const params = { horizon: 3, minSamples: 5, learningRate: 0.3 };
    const base = runNode(logisticClassifier, { params, inputs: { target, x1, x2 } });
    for (const cut of [10, 60, 120]) {
      const changed = runNode(logisticClassifier, {
        params,
        inputs: {
          target: target.map((v, i) => (i > cut ? 200 - v : v)),
          x1: x1.map((v, i) => (i > cut ? v * 50 : v)),
          x2: x2.map((v, i) => (i > cut ? -v : v)),
        },
      });
      expect(changed.probability.slice(0, cut + 1)).toEqual(base.probability.slice(0, cut + 1));
      expect(changed.signal.slice(0, cut + 1)).toEqual(base.signal.slice(0, cut + 1));
      expect(changed.probability.slice(cut + 1)).not.toEqual(base.probability.slice(cut + 1));
    }
  });

  it('is deterministic: the same inputs give bit-identical outputs', () => {
    const target = noise(300, 6).map((v, i) => 10 + i * 0.01 + v);
    const x1 = noise(300, 7);
    expect(runNode(logisticClassifier, { inputs: { target, x1 } })).toEqual(runNode(logisticClassifier, { inputs: { target, x1 } }));
  });

  it('NaN: a pair with a NaN is skipped and the model kept; a NaN feature gives NaN on its bar only', () => {
    const params = { learningRate: 1, minSamples: 1 };
    // Same base-rate example as above, with a NaN target at bar 2: pairs at bars 2 and 3 both need it.
    const { probability } = runNode(logisticClassifier, { params, inputs: { target: [1, 2, NaN, 3, 4] } });
    const b1 = 0.5;
    const b2 = b1 + (1 - sigmoid(b1));
    expect(probability[1]).toBeCloseTo(sigmoid(b1), 14);
    expect(probability[2]).toBeCloseTo(sigmoid(b1), 14);
    expect(probability[3]).toBeCloseTo(sigmoid(b1), 14);
    expect(probability[4]).toBeCloseTo(sigmoid(b2), 14);
    const withFeature = runNode(logisticClassifier, { params, inputs: { target: [1, 2, 3, 4, 5, 6], x1: [1, 2, NaN, 4, 5, 6] } });
    expect(withFeature.probability[2]).toBeNaN();
    expect(withFeature.signal[2]).toBeNaN();
    expect(withFeature.probability.filter(Number.isNaN)).toHaveLength(2);
  });

  it('a constant feature reads 0 and never produces NaN or Infinity', () => {
    const out = runNode(logisticClassifier, { params: { minSamples: 1 }, inputs: { target: [1, 2, 1, 2, 1, 2], x1: [7, 7, 7, 7, 7, 7] } });
    expect(out.probability.slice(1).every((v: number) => Number.isFinite(v))).toBe(true);
  });

  it('predicts the next bar’s direction in a compiled graph', () => {
    const reg = createRegistry([...registry.definitions.filter((d) => d.type !== logisticClassifier.type), logisticClassifier]);
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        clf: { type: 'model.logisticClassifier', params: { minSamples: 3, horizon: 2 } },
        order: { type: 'order.targetPercent' },
      },
      ['data.close -> clf.target', 'data.volume -> clf.x1', 'clf.signal -> order.enter'],
    );
    const close = [10, 11, 12, 13, 14, 15, 16, 17];
    const run = runGraph(graph, makeBars({ close, volume: [1, 5, 2, 8, 3, 7, 4, 6] }), { p: 'clf.probability', s: 'clf.signal' }, reg);
    expect(run.plan.warmup).toBe(4);
    expect(run.values.p.slice(0, 4)).toEqual([NaN, NaN, NaN, NaN]);
    // Every move is up, so the learned probability is above one half from the first prediction.
    expect(run.values.s.slice(4)).toEqual([1, 1, 1, 1]);
  });
});

describe('model.logisticClassifier against a Python SGD loop', () => {
  it('matches the numpy/pandas reference to 1e-9 on the reference bars', () => {
    const result = compareWithReference(logisticClassifier);
    expect(result.compared).toBeGreaterThan(3000);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
