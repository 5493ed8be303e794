import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { ring, ringClear, ringFull, ringPush, ringStart } from '../ring.ts';

/** Rolling beta of an asset's returns against a benchmark's (TA-Lib BETA). */
export const beta = defineNode({
  type: 'indicator.beta',
  version: 1,
  category: 'indicator',
  title: 'Beta',
  description: 'How much the asset’s returns move per unit of the benchmark’s, over the last N returns.',
  docs: {
    example: 'Beta(60) of a stock against an index: 1.5 means it has moved 1.5 % for each 1 % of the index.',
    caveats: [
      'Takes two prices and works on their one-bar simple returns r = (p − p_prev) / p_prev, as TA-Lib BETA does: beta = cov(asset, benchmark) / var(benchmark) over the last N returns.',
      'Warm-up: N returns need N + 1 prices, so the first output is at index N; NaN before that. Computed from closed bars only.',
      'A return from a previous price of exactly 0 counts as 0, as in TA-Lib.',
      'A flat benchmark (all N returns identical) reads 0. TA-Lib also reads 0 whenever N² × var(benchmark returns) is within 1e-8 of zero, which a very quiet benchmark on short bars can hit; this node only when it is exactly flat.',
      'TA-Lib’s BETA(real0, real1) takes the benchmark first: BETA(benchmark, asset) is this node.',
      'A NaN in either input outputs NaN and restarts the warm-up for both.',
    ],
  },
  inputs: {
    asset: { kind: 'price', description: 'Price of the asset whose beta is measured.' },
    benchmark: { kind: 'price', description: 'Price of the benchmark (an index, BTC…).' },
  },
  outputs: { value: { kind: 'number', description: 'Beta of the asset to the benchmark.' } },
  params: z.object({
    period: z.number().int().min(2).max(10_000).default(20).describe('Number of returns in the window.'),
  }),
  warmup: (p) => p.period,
  init: (p) => ({ prevAsset: NaN, prevBench: NaN, asset: ring(p.period), bench: ring(p.period) }),
  step(s, p, input, out) {
    const a = input.asset;
    const b = input.benchmark;
    if (Number.isNaN(a) || Number.isNaN(b)) {
      s.prevAsset = s.prevBench = NaN;
      ringClear(s.asset);
      ringClear(s.bench);
      out.value = NaN;
      return;
    }
    const pa = s.prevAsset;
    const pb = s.prevBench;
    s.prevAsset = a;
    s.prevBench = b;
    if (Number.isNaN(pa)) {
      out.value = NaN;
      return;
    }
    ringPush(s.asset, pa === 0 ? 0 : (a - pa) / pa);
    ringPush(s.bench, pb === 0 ? 0 : (b - pb) / pb);
    if (!ringFull(s.asset)) {
      out.value = NaN;
      return;
    }
    const n = p.period;
    const ra = s.asset.buf;
    const rb = s.bench.buf;
    const ia = ringStart(s.asset);
    const ib = ringStart(s.bench);
    let sa = 0;
    let sb = 0;
    // Flat when every value equals the first (as in pearson.ts: no branches to mispredict).
    const first = rb[ib]!;
    let flat = 1;
    for (let i = 0; i < n; i++) {
      const y = rb[ib + i]!;
      sa += ra[ia + i]!;
      sb += y;
      flat &= +(y === first);
    }
    if (flat === 1) {
      out.value = 0;
      return;
    }
    const ma = sa / n;
    const mb = sb / n;
    let cov = 0;
    let varB = 0;
    for (let i = 0; i < n; i++) {
      const y = rb[ib + i]! - mb;
      cov += (ra[ia + i]! - ma) * y;
      varB += y * y;
    }
    out.value = cov / varB;
  },
  kernel(s, p, input, out, from, to) {
    const xa = input.asset, xb = input.benchmark, y = out.value, n = p.period;
    const rA = s.asset, rB = s.bench, ra = rA.buf, rb = rB.buf, sizeA = rA.size, sizeB = rB.size;
    let headA = rA.head, countA = rA.count, headB = rB.head, countB = rB.count;
    let prevAsset = s.prevAsset, prevBench = s.prevBench;
    for (let t = from; t < to; t++) {
      const a = xa[t]!;
      const b = xb[t]!;
      if (a !== a || b !== b) {
        prevAsset = prevBench = NaN;
        headA = countA = headB = countB = 0;
        y[t] = NaN;
        continue;
      }
      const pa = prevAsset;
      const pb = prevBench;
      prevAsset = a;
      prevBench = b;
      if (pa !== pa) {
        y[t] = NaN;
        continue;
      }
      // ringPush on both, inlined.
      const retA = pa === 0 ? 0 : (a - pa) / pa;
      ra[headA] = retA;
      ra[headA + sizeA] = retA;
      headA = headA + 1 === sizeA ? 0 : headA + 1;
      if (countA < sizeA) countA++;
      const retB = pb === 0 ? 0 : (b - pb) / pb;
      rb[headB] = retB;
      rb[headB + sizeB] = retB;
      headB = headB + 1 === sizeB ? 0 : headB + 1;
      if (countB < sizeB) countB++;
      if (countA !== sizeA) {
        y[t] = NaN;
        continue;
      }
      const ia = headA + sizeA - countA;
      const ib = headB + sizeB - countB;
      let sa = 0;
      let sb = 0;
      const first = rb[ib]!;
      let flat = 1;
      for (let i = 0; i < n; i++) {
        const v = rb[ib + i]!;
        sa += ra[ia + i]!;
        sb += v;
        flat &= +(v === first);
      }
      if (flat === 1) {
        y[t] = 0;
        continue;
      }
      const ma = sa / n;
      const mb = sb / n;
      let cov = 0;
      let varB = 0;
      for (let i = 0; i < n; i++) {
        const v = rb[ib + i]! - mb;
        cov += (ra[ia + i]! - ma) * v;
        varB += v * v;
      }
      y[t] = cov / varB;
    }
    s.prevAsset = prevAsset;
    s.prevBench = prevBench;
    rA.head = headA;
    rA.count = countA;
    rB.head = headB;
    rB.count = countB;
  },
});
