import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { ring, ringFeed, ringStart } from '../ring.ts';

/** Largest lag actually used: lags beyond half the window would rest on too few differences. */
function lastLag(p: { window: number; maxLag: number }): number {
  return Math.min(p.maxLag, Math.floor(p.window / 2));
}

/** Rolling Hurst exponent of log prices, by the variance of lagged differences. */
export const hurst = defineNode({
  type: 'indicator.hurst',
  version: 1,
  category: 'indicator',
  title: 'Hurst exponent',
  description: 'Trending (above 0.5), random walk (0.5) or mean-reverting (below 0.5), estimated over a rolling window.',
  docs: {
    example: 'Hurst(window 100, max lag 20) of the close below 0.4: favour mean-reversion entries; above 0.6: favour trend following.',
    caveats: [
      'Estimator (variance of lagged differences): over the last W log prices y, for each lag τ = 2 … L with L = min(max lag, ⌊W/2⌋), V(τ) is the population variance (mean removed, divided by the count) of the W − τ overlapping differences y[i+τ] − y[i]. Since V(τ) ∝ τ^(2H), H is half the least-squares slope of log V(τ) against log τ.',
      'Warm-up: needs W prices, so the first output is at bar W (index W−1); NaN before that. Computed from closed bars only.',
      'A short window gives a noisy and biased estimate (values below 0 or above 1 happen); use W of 100 or more for a stable reading.',
      'NaN while any lag’s differences are all identical, e.g. when a flat stretch of prices covers most of a short window, since log V(τ) is then undefined.',
      'Prices must be positive: a NaN, zero or negative input outputs NaN and restarts the warm-up.',
    ],
  },
  inputs: { source: { kind: 'price', description: 'A price series (positive), usually the close.' } },
  outputs: { value: { kind: 'number', description: 'Hurst exponent; about 0.5 for a random walk.' } },
  params: z.object({
    window: z.number().int().min(8).max(5000).default(100).describe('Number of prices in the rolling window.'),
    maxLag: z.number().int().min(3).max(100).default(20).describe('Largest lag τ in bars (lags run from 2); capped at half the window.'),
  }),
  warmup: (p) => p.window - 1,
  init: (p) => ({ logs: ring(p.window), logVar: new Array<number>(lastLag(p) - 1).fill(0) }),
  step(s, p, input, out) {
    const x = input.source;
    // A price that is not positive has no log: it restarts the window as a NaN does.
    if (!ringFeed(s.logs, x > 0 ? Math.log(x) : NaN)) {
      out.value = NaN;
      return;
    }
    const y = s.logs.buf;
    const start = ringStart(s.logs);
    const w = p.window;
    const last = lastLag(p);
    for (let tau = 2; tau <= last; tau++) {
      const m = w - tau;
      let sum = 0;
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = start; i < start + m; i++) {
        const d = y[i + tau]! - y[i]!;
        sum += d;
        if (d < lo) lo = d;
        if (d > hi) hi = d;
      }
      if (lo === hi) {
        out.value = NaN;
        return;
      }
      const mean = sum / m;
      let ss = 0;
      for (let i = start; i < start + m; i++) {
        const d = y[i + tau]! - y[i]! - mean;
        ss += d * d;
      }
      s.logVar[tau - 2] = Math.log(ss / m);
    }
    // Centred sums: log V sits far from 0, and raw sums would cancel in the slope.
    const k = last - 1;
    let su = 0;
    let sv = 0;
    for (let tau = 2; tau <= last; tau++) {
      su += Math.log(tau);
      sv += s.logVar[tau - 2]!;
    }
    const mu = su / k;
    const mv = sv / k;
    let suu = 0;
    let suv = 0;
    for (let tau = 2; tau <= last; tau++) {
      const u = Math.log(tau) - mu;
      suu += u * u;
      suv += u * (s.logVar[tau - 2]! - mv);
    }
    out.value = suv / suu / 2;
  },
  kernel(s, p, input, out, from, to) {
    const xs = input.source, value = out.value;
    const logs = s.logs, y = logs.buf, size = logs.size, logVar = s.logVar;
    const w = p.window;
    const last = lastLag(p);
    const k = last - 1;
    let head = logs.head, count = logs.count;
    bars: for (let t = from; t < to; t++) {
      const x = xs[t]!;
      // ringFeed, inlined: a price that is not positive has no log and restarts the window.
      if (!(x > 0)) {
        head = 0;
        count = 0;
        value[t] = NaN;
        continue;
      }
      const v = Math.log(x);
      y[head] = v;
      y[head + size] = v;
      head = head + 1 === size ? 0 : head + 1;
      if (count < size) count++;
      if (count !== size) {
        value[t] = NaN;
        continue;
      }
      const start = head + size - count;
      for (let tau = 2; tau <= last; tau++) {
        const m = w - tau;
        let sum = 0;
        let lo = Infinity;
        let hi = -Infinity;
        for (let i = start; i < start + m; i++) {
          const d = y[i + tau]! - y[i]!;
          sum += d;
          if (d < lo) lo = d;
          if (d > hi) hi = d;
        }
        if (lo === hi) {
          value[t] = NaN;
          continue bars;
        }
        const mean = sum / m;
        let ss = 0;
        for (let i = start; i < start + m; i++) {
          const d = y[i + tau]! - y[i]! - mean;
          ss += d * d;
        }
        logVar[tau - 2] = Math.log(ss / m);
      }
      let su = 0;
      let sv = 0;
      for (let tau = 2; tau <= last; tau++) {
        su += Math.log(tau);
        sv += logVar[tau - 2]!;
      }
      const mu = su / k;
      const mv = sv / k;
      let suu = 0;
      let suv = 0;
      for (let tau = 2; tau <= last; tau++) {
        const u = Math.log(tau) - mu;
        suu += u * u;
        suv += u * (logVar[tau - 2]! - mv);
      }
      value[t] = suv / suu / 2;
    }
    logs.head = head;
    logs.count = count;
  },
});
