import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { pearson } from '../pearson.ts';
import { ring, ringStart, type Ring } from '../ring.ts';

/** Rolling lag-k autocorrelation of one-bar returns. */
export const autocorrelation = defineNode({
  type: 'indicator.autocorrelation',
  version: 1,
  category: 'indicator',
  title: 'Autocorrelation',
  description: 'Correlation of each return with the return k bars earlier, over a rolling window: positive trends, negative mean-reverts.',
  docs: {
    example: 'Autocorrelation(window 50, lag 1) of the close below −0.2: moves tend to reverse the next bar, so fade them.',
    caveats: [
      'Over the last N one-bar returns r, it is the Pearson correlation of the N − k pairs (r_s, r_s−k) with both inside the window, each side with its own mean (pandas Series.autocorr), not the ACF estimator that divides by the whole window’s variance.',
      'Returns are log (ln p − ln p_prev, default) or simple ((p − p_prev) / p_prev).',
      'Warm-up: N returns need N + 1 prices, so the first output is at index N; NaN before that. Computed from closed bars only.',
      'When either side of the pairs is flat (e.g. no price change at all) the correlation is undefined and reads 0.',
      'Prices must be positive: a NaN, zero or negative input outputs NaN and restarts the warm-up.',
      'Computed from running sums of the pairs, taken about a value of each side and summed afresh from the window every N bars, so a bar costs O(1); it agrees with two passes over the window to about 1e-14.',
    ],
  },
  inputs: { source: { kind: 'price', description: 'A price series (positive), usually the close.' } },
  outputs: { value: { kind: 'number', description: 'Autocorrelation from −1 to 1.' } },
  params: z.object({
    window: z.number().int().min(24).max(5000).default(50).describe('Number of returns in the rolling window.'),
    lag: z.number().int().min(1).max(20).default(1).describe('Lag k in bars.'),
    returns: z.enum(['log', 'simple']).default('log').describe('Log returns or simple percentage returns.'),
  }),
  warmup: (p) => p.window,
  // The window of returns and the running sums of its pairs (`pairs`): each new return adds one pair and
  // the oldest takes one away, so a bar costs O(1) instead of two walks over the window (≈ 200 ns a bar
  // at 50 before). Sums about a value of each side, summed afresh from the window whenever the ring
  // wraps, as moments.ts does. A side whose spread is all but gone next to its sum of squares (a flat
  // side among them: there rounding leaves a few ulps at most) is worked in two passes, which read a flat
  // side exactly.
  init: (p) => ({ prev: NaN, returns: ring(p.window), pairs: noPairs() }),
  step(s, p, input, out) {
    out.value = push(s, p, input.source);
  },
  kernel(s, p, input, out, from, to) {
    const xs = input.source, y = out.value;
    for (let t = from; t < to; t++) y[t] = push(s, p, xs[t]!);
  },
});

/**
 * The pairs (a, b) = (return, the return `lag` bars before it) inside the window, as sums about `shiftA`
 * and `shiftB`: Σa, Σb, Σa², Σb², Σab.
 */
interface Pairs {
  shiftA: number;
  shiftB: number;
  sa: number;
  sb: number;
  saa: number;
  sbb: number;
  sab: number;
}

function noPairs(): Pairs {
  return { shiftA: NaN, shiftB: NaN, sa: 0, sb: 0, saa: 0, sbb: 0, sab: 0 };
}

interface AutocorrelationState {
  prev: number;
  returns: Ring;
  pairs?: Pairs;
}

function push(s: AutocorrelationState, p: { window: number; lag: number; returns: 'log' | 'simple' }, x: number): number {
  const rs = s.returns, buf = rs.buf, size = rs.size, lag = p.lag, n = p.window - lag;
  // A state saved before the pairs existed gets none: no shift, so they are summed from the window below.
  const g = (s.pairs ??= noPairs());
  if (!(x > 0)) {
    s.prev = NaN;
    rs.head = 0;
    rs.count = 0;
    g.shiftA = g.shiftB = NaN;
    return NaN;
  }
  const prev = s.prev;
  // Keep the log for log returns, so each price is logged once.
  s.prev = p.returns === 'log' ? Math.log(x) : x;
  if (prev !== prev) return NaN;
  const r = p.returns === 'log' ? s.prev - prev : (x - prev) / prev;
  const full = rs.count === size, leaving = full ? buf[rs.head]! : NaN;
  buf[rs.head] = r;
  buf[rs.head + size] = r;
  rs.head = rs.head + 1 === size ? 0 : rs.head + 1;
  if (rs.count < size) rs.count++;
  const count = rs.count, o = rs.head + size - count;
  if (rs.head === 0 || g.shiftA !== g.shiftA) {
    if (count > lag) Object.assign(g, rebuilt(rs, lag));
  } else if (count > lag) {
    // The new pair: this return and the one `lag` before it; the pair that left with the oldest return.
    const a = r - g.shiftA, b = buf[o + count - 1 - lag]! - g.shiftB;
    g.sa += a;
    g.sb += b;
    g.saa += a * a;
    g.sbb += b * b;
    g.sab += a * b;
    if (full) {
      const oa = buf[o + lag - 1]! - g.shiftA, ob = leaving - g.shiftB;
      g.sa -= oa;
      g.sb -= ob;
      g.saa -= oa * oa;
      g.sbb -= ob * ob;
      g.sab -= oa * ob;
    }
  }
  if (count !== size) return NaN;
  const da = g.saa - (g.sa * g.sa) / n, db = g.sbb - (g.sb * g.sb) / n;
  // Spreads rounding could have eaten: the pairs in two passes decide.
  if (!(da > 1e-9 * g.saa && db > 1e-9 * g.sbb)) return pearson(buf, o + lag, buf, o, n);
  const c = (g.sab - (g.sa * g.sb) / n) / Math.sqrt(da * db);
  return c > 1 ? 1 : c < -1 ? -1 : c;
}

/** The pairs' sums afresh from the window. */
function rebuilt(rs: Ring, lag: number): Pairs {
  const buf = rs.buf, count = rs.count, o = ringStart(rs), g = noPairs();
  if (count <= lag) return g;
  g.shiftA = buf[o + lag]!;
  g.shiftB = buf[o]!;
  for (let i = 0; i < count - lag; i++) {
    const a = buf[o + lag + i]! - g.shiftA, b = buf[o + i]! - g.shiftB;
    g.sa += a;
    g.sb += b;
    g.saa += a * a;
    g.sbb += b * b;
    g.sab += a * b;
  }
  return g;
}
