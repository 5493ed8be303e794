import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { ring, ringStart, type Ring } from '../ring.ts';

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
      'Each lag’s variance comes from running sums of its differences, taken about one of them and summed afresh from the window every W bars, so a bar costs O(L), not O(W·L); the estimate agrees with two passes over the window to about 1e-14.',
    ],
  },
  inputs: { source: { kind: 'price', description: 'A price series (positive), usually the close.' } },
  outputs: { value: { kind: 'number', description: 'Hurst exponent; about 0.5 for a random walk.' } },
  params: z.object({
    window: z.number().int().min(8).max(5000).default(100).describe('Number of prices in the rolling window.'),
    maxLag: z.number().int().min(3).max(100).default(20).describe('Largest lag τ in bars (lags run from 2); capped at half the window.'),
  }),
  warmup: (p) => p.window - 1,
  // The window of log prices, and per lag τ the running moments of its differences y[i+τ] − y[i]
  // (`lagged`): each new price adds one difference per lag and the oldest takes one away, so a bar costs
  // O(lags), not two walks over the window per lag (≈ 8 µs a bar at 100/20 before). Sums about a shift
  // and summed afresh from the window whenever the ring wraps, as moments.ts does for one series;
  // `same` counts each lag's trailing run of equal differences (all equal: the variance is 0 and the
  // estimate NaN). A state saved before `lagged` existed rebuilds it from its window.
  init: (p) => ({ logs: ring(p.window), logVar: new Array<number>(lastLag(p) - 1).fill(0), lagged: noLagged(lastLag(p)) }),
  step(s, p, input, out) {
    out.value = push(s, p, input.source);
  },
  kernel(s, p, input, out, from, to) {
    const xs = input.source, value = out.value;
    for (let t = from; t < to; t++) value[t] = push(s, p, xs[t]!);
  },
});

/** Per lag τ = 2 … L, at index τ − 2: the shift, Σd, Σd² (d = difference − shift) and the trailing run of equal differences. */
interface Lagged {
  shift: number[];
  sum: number[];
  sumSq: number[];
  same: number[];
}

function noLagged(last: number): Lagged {
  const lags = last - 1;
  return { shift: new Array<number>(lags).fill(NaN), sum: new Array<number>(lags).fill(0), sumSq: new Array<number>(lags).fill(0), same: new Array<number>(lags).fill(0) };
}

interface HurstState {
  logs: Ring;
  logVar: number[];
  lagged?: Lagged;
}

/** Take in one price and return the estimate for the window ending with it (NaN until it is full). */
function push(s: HurstState, p: { window: number; maxLag: number }, x: number): number {
  const logs = s.logs, y = logs.buf, size = logs.size, last = lastLag(p);
  const g = (s.lagged ??= rebuilt(logs, last));
  // A price that is not positive has no log: it restarts the window as a NaN does.
  if (!(x > 0)) {
    logs.head = 0;
    logs.count = 0;
    for (let k = 0; k < last - 1; k++) (g.shift[k] = NaN), (g.same[k] = 0);
    return NaN;
  }
  const leaving = logs.count === size ? y[logs.head]! : NaN;
  const v = Math.log(x);
  y[logs.head] = v;
  y[logs.head + size] = v;
  logs.head = logs.head + 1 === size ? 0 : logs.head + 1;
  if (logs.count < size) logs.count++;
  const count = logs.count, start = logs.head + size - count, end = start + count - 1;
  if (logs.head === 0) Object.assign(g, rebuilt(logs, last));
  else {
    for (let tau = 2; tau <= last && tau < count; tau++) {
      const k = tau - 2, d = v - y[end - tau]!;
      g.same[k] = count > tau + 1 && d === y[end - 1]! - y[end - 1 - tau]! ? g.same[k]! + 1 : 1;
      if (g.shift[k] !== g.shift[k]) {
        // The lag's first difference since a start: it is the shift.
        g.shift[k] = d;
        g.sum[k] = 0;
        g.sumSq[k] = 0;
        continue;
      }
      const e = d - g.shift[k]!;
      let sum = g.sum[k]! + e, sumSq = g.sumSq[k]! + e * e;
      if (leaving === leaving) {
        // The difference that left with the oldest price: it paired with what is now the window's τ−1th.
        const o = y[start + tau - 1]! - leaving - g.shift[k]!;
        sum -= o;
        sumSq -= o * o;
      }
      g.sum[k] = sum;
      g.sumSq[k] = sumSq;
    }
  }
  if (count !== size) return NaN;
  const w = p.window, logVar = s.logVar;
  for (let tau = 2; tau <= last; tau++) {
    const k = tau - 2, m = w - tau;
    if (g.same[k]! >= m) return NaN;
    let ss = g.sumSq[k]! - (g.sum[k]! * g.sum[k]!) / m;
    // Rounding could leave a spread this small at or below 0: then the lag's two passes decide.
    if (!(ss > 1e-9 * g.sumSq[k]!)) ss = spread(y, start, tau, m);
    logVar[k] = Math.log(ss / m);
  }
  // Centred sums: log V sits far from 0, and raw sums would cancel in the slope.
  const { u, suu } = logLags(last);
  let sv = 0;
  for (let k = 0; k < last - 1; k++) sv += logVar[k]!;
  const mv = sv / (last - 1);
  let suv = 0;
  for (let k = 0; k < last - 1; k++) suv += u[k]! * (logVar[k]! - mv);
  return suv / suu / 2;
}

/** log τ − its mean over τ = 2 … last, and Σ of its squares: the slope's fixed half, worked out once per `last`. */
const logLagTables = new Map<number, { u: number[]; suu: number }>();
function logLags(last: number): { u: number[]; suu: number } {
  let table = logLagTables.get(last);
  if (!table) {
    let su = 0;
    for (let tau = 2; tau <= last; tau++) su += Math.log(tau);
    const mu = su / (last - 1);
    const u: number[] = [];
    let suu = 0;
    for (let tau = 2; tau <= last; tau++) {
      u.push(Math.log(tau) - mu);
      suu += u[tau - 2]! * u[tau - 2]!;
    }
    logLagTables.set(last, (table = { u, suu }));
  }
  return table;
}

/** Σ(d − mean)² of the `m` differences at lag τ of the window from `start`, in two passes. */
function spread(y: readonly number[], start: number, tau: number, m: number): number {
  let sum = 0;
  for (let i = start; i < start + m; i++) sum += y[i + tau]! - y[i]!;
  const mean = sum / m;
  let ss = 0;
  for (let i = start; i < start + m; i++) {
    const d = y[i + tau]! - y[i]! - mean;
    ss += d * d;
  }
  return ss;
}

/** Every lag's moments summed afresh from the window, and its run of equal differences counted. */
function rebuilt(logs: Ring, last: number): Lagged {
  const g = noLagged(last), y = logs.buf, count = logs.count, start = ringStart(logs), end = start + count - 1;
  for (let tau = 2; tau <= last && tau < count; tau++) {
    const k = tau - 2, shift = y[start + tau]! - y[start]!;
    let sum = 0, sumSq = 0, same = 0;
    for (let i = start; i + tau <= end; i++) {
      const e = y[i + tau]! - y[i]! - shift;
      sum += e;
      sumSq += e * e;
    }
    for (let i = end; i - tau >= start && y[i]! - y[i - tau]! === y[end]! - y[end - tau]!; i--) same++;
    g.shift[k] = shift;
    g.sum[k] = sum;
    g.sumSq[k] = sumSq;
    g.same[k] = same;
  }
  return g;
}
