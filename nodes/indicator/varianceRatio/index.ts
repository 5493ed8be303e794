import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { ring, ringFeed, ringStart } from '../ring.ts';

/** Rolling Lo–MacKinlay (1988) variance ratio of log returns, with its test statistic. */
export const varianceRatio = defineNode({
  type: 'indicator.varianceRatio',
  version: 1,
  category: 'indicator',
  title: 'Variance ratio',
  description: 'Lo–MacKinlay variance ratio: above 1 returns trend (positively autocorrelated), below 1 they mean-revert.',
  docs: {
    example: 'Variance ratio(q 4, n 25) with z below −2: 4-bar returns vary significantly less than 4 one-bar returns would, so fade moves.',
    caveats: [
      'The window holds n·q one-bar log returns (n·q + 1 prices X_0 … X_nq). μ = (X_nq − X_0)/nq; σa² = Σ(X_k − X_k−1 − μ)²/(nq − 1); σc² = Σ_{k=q…nq}(X_k − X_k−q − qμ)²/m with m = q(nq − q + 1)(1 − q/nq) (overlapping q-bar returns, bias-corrected, Lo and MacKinlay 1988); vr = σc²/σa².',
      'z tests vr = 1 (a random walk). "robust" (default) is the heteroskedasticity-consistent z*(q) = √(nq)(vr − 1)/√θ with θ = Σ_{j=1…q−1}(2(q − j)/q)² δ_j; "iid" is the homoskedastic z(q) = (vr − 1)/√(2(2q − 1)(q − 1)/(3q·nq)). Both match the arch package’s VarianceRatio (overlap, debiased).',
      'Warm-up: needs n·q + 1 prices, so the first output is at index n·q; NaN before that. Computed from closed bars only.',
      'NaN on both outputs while all returns in the window are identical (e.g. a flat stretch covering the window), where the ratio is undefined; z alone is NaN if θ is 0.',
      'Prices must be positive: a NaN, zero or negative input outputs NaN and restarts the warm-up.',
    ],
  },
  inputs: { source: { kind: 'price', description: 'A price series (positive), usually the close.' } },
  outputs: {
    vr: { kind: 'number', description: 'Variance ratio VR(q); 1 for a random walk.' },
    z: { kind: 'number', description: 'Test statistic of VR(q) = 1, standard normal under a random walk.' },
  },
  params: z.object({
    q: z.number().int().min(2).max(32).default(4).describe('Holding period in bars: q-bar returns are compared with one-bar returns.'),
    n: z.number().int().min(2).max(1000).default(25).describe('Window length in q-bar periods: the window holds n·q returns.'),
    zStat: z
      .enum(['robust', 'iid'])
      .default('robust')
      .describe('Heteroskedasticity-robust z* (default) or the homoskedastic z that assumes i.i.d. returns.'),
  }),
  warmup: (p) => p.n * p.q,
  init: (p) => ({ logs: ring(p.n * p.q + 1), dev2: new Array<number>(p.n * p.q).fill(0) }),
  step(s, p, input, out) {
    const x = input.source;
    // A price that is not positive has no log: it restarts the window as a NaN does.
    if (!ringFeed(s.logs, x > 0 ? Math.log(x) : NaN)) {
      out.vr = out.z = NaN;
      return;
    }
    const q = p.q;
    const nq = p.n * q;
    const X = s.logs.buf;
    const o = ringStart(s.logs);
    const dev2 = s.dev2;
    const mu = (X[o + nq]! - X[o]!) / nq;
    // Flat when every return equals the first (numbers combined with &: no branches to mispredict).
    const first = X[o + 1]! - X[o]!;
    let flat = 1;
    let sa = 0;
    for (let k = 1; k <= nq; k++) {
      const r = X[o + k]! - X[o + k - 1]!;
      flat &= +(r === first);
      const d = r - mu;
      dev2[k - 1] = d * d;
      sa += d * d;
    }
    if (flat === 1) {
      out.vr = out.z = NaN;
      return;
    }
    let sc = 0;
    for (let k = q; k <= nq; k++) {
      const d = X[o + k]! - X[o + k - q]! - q * mu;
      sc += d * d;
    }
    const m = q * (nq - q + 1) * (1 - q / nq);
    const vr = sc / m / (sa / (nq - 1));
    out.vr = vr;
    if (p.zStat === 'iid') {
      out.z = (vr - 1) / Math.sqrt((2 * (2 * q - 1) * (q - 1)) / (3 * q * nq));
      return;
    }
    let theta = 0;
    for (let j = 1; j < q; j++) {
      let acc = 0;
      // dev2[k − 1] is (ΔX_k − μ)²; pair bar k with bar k − j.
      for (let k = j; k < nq; k++) acc += dev2[k]! * dev2[k - j]!;
      const w = (2 * (q - j)) / q;
      theta += w * w * ((nq * acc) / (sa * sa));
    }
    out.z = theta > 0 ? (Math.sqrt(nq) * (vr - 1)) / Math.sqrt(theta) : NaN;
  },
  kernel(s, p, input, out, from, to) {
    const xs = input.source, outVr = out.vr, outZ = out.z;
    const q = p.q;
    const nq = p.n * q;
    const iid = p.zStat === 'iid';
    const logs = s.logs, X = logs.buf, size = logs.size;
    const dev2 = s.dev2;
    let head = logs.head, count = logs.count;
    for (let t = from; t < to; t++) {
      const x = xs[t]!;
      // ringFeed, inlined: a price that is not positive has no log and restarts the window.
      if (!(x > 0)) {
        head = 0;
        count = 0;
        outVr[t] = outZ[t] = NaN;
        continue;
      }
      const v = Math.log(x);
      X[head] = v;
      X[head + size] = v;
      head = head + 1 === size ? 0 : head + 1;
      if (count < size) count++;
      if (count !== size) {
        outVr[t] = outZ[t] = NaN;
        continue;
      }
      const o = head + size - count;
      const mu = (X[o + nq]! - X[o]!) / nq;
      // Flat when every return equals the first (numbers combined with &: no branches to mispredict).
      const first = X[o + 1]! - X[o]!;
      let flat = 1;
      let sa = 0;
      for (let k = 1; k <= nq; k++) {
        const r = X[o + k]! - X[o + k - 1]!;
        flat &= +(r === first);
        const d = r - mu;
        dev2[k - 1] = d * d;
        sa += d * d;
      }
      if (flat === 1) {
        outVr[t] = outZ[t] = NaN;
        continue;
      }
      let sc = 0;
      for (let k = q; k <= nq; k++) {
        const d = X[o + k]! - X[o + k - q]! - q * mu;
        sc += d * d;
      }
      const m = q * (nq - q + 1) * (1 - q / nq);
      const vr = sc / m / (sa / (nq - 1));
      outVr[t] = vr;
      if (iid) {
        outZ[t] = (vr - 1) / Math.sqrt((2 * (2 * q - 1) * (q - 1)) / (3 * q * nq));
        continue;
      }
      let theta = 0;
      for (let j = 1; j < q; j++) {
        let acc = 0;
        for (let k = j; k < nq; k++) acc += dev2[k]! * dev2[k - j]!;
        const w = (2 * (q - j)) / q;
        theta += w * w * ((nq * acc) / (sa * sa));
      }
      outZ[t] = theta > 0 ? (Math.sqrt(nq) * (vr - 1)) / Math.sqrt(theta) : NaN;
    }
    logs.head = head;
    logs.count = count;
  },
});
