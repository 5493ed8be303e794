import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { pearson } from '../pearson.ts';
import { ring, ringClear, ringFull, ringPush, ringStart } from '../ring.ts';

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
  init: (p) => ({ prev: NaN, returns: ring(p.window) }),
  step(s, p, input, out) {
    const x = input.source;
    if (!(x > 0)) {
      s.prev = NaN;
      ringClear(s.returns);
      out.value = NaN;
      return;
    }
    const prev = s.prev;
    // Keep the log for log returns, so each price is logged once.
    s.prev = p.returns === 'log' ? Math.log(x) : x;
    if (Number.isNaN(prev)) {
      out.value = NaN;
      return;
    }
    ringPush(s.returns, p.returns === 'log' ? s.prev - prev : (x - prev) / prev);
    if (!ringFull(s.returns)) {
      out.value = NaN;
      return;
    }
    const r = s.returns.buf;
    const o = ringStart(s.returns);
    out.value = pearson(r, o + p.lag, r, o, p.window - p.lag);
  },
  kernel(s, p, input, out, from, to) {
    const xs = input.source, y = out.value, lag = p.lag, n = p.window - p.lag, log = p.returns === 'log';
    const rs = s.returns, buf = rs.buf, size = rs.size;
    let prevLevel = s.prev, head = rs.head, count = rs.count;
    for (let t = from; t < to; t++) {
      const x = xs[t]!;
      if (!(x > 0)) {
        prevLevel = NaN;
        head = 0;
        count = 0;
        y[t] = NaN;
        continue;
      }
      const prev = prevLevel;
      prevLevel = log ? Math.log(x) : x;
      if (prev !== prev) {
        y[t] = NaN;
        continue;
      }
      // ringPush, inlined.
      const r = log ? prevLevel - prev : (x - prev) / prev;
      buf[head] = r;
      buf[head + size] = r;
      head = head + 1 === size ? 0 : head + 1;
      if (count < size) count++;
      if (count !== size) {
        y[t] = NaN;
        continue;
      }
      const o = head + size - count;
      y[t] = pearson(buf, o + lag, buf, o, n);
    }
    s.prev = prevLevel;
    rs.head = head;
    rs.count = count;
  },
});
