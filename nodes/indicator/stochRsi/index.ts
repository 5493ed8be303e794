import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { trackHighLow, unknownHighLows } from '../rolling-extreme.ts';
import { wilderPart } from '../wilder.ts';

/** RSI ranges closer than this (in RSI points) count as no range: a flat price leaves RSI constant up to rounding. */
const flatRange = 1e-9;

/** Stochastic RSI (Chande & Kroll): the stochastic oscillator applied to RSI, as TA-Lib's STOCHRSI (fastk, fastd). */
export const stochRsi = defineNode({
  type: 'indicator.stochRsi',
  version: 1,
  category: 'indicator',
  title: 'Stochastic RSI',
  description: 'Stochastic RSI (0–100): where RSI sits in its own recent range; a faster, twitchier RSI.',
  docs: {
    example: 'StochRSI(14, 14, 3): k crossing above d below 20 as an oversold entry.',
    caveats: [
      'RSI(rsiPeriod) with Wilder smoothing; k = 100 × (RSI − lowest RSI) ÷ (highest RSI − lowest RSI) over kPeriod bars; d = SMA(k, dPeriod). This is TA-Lib STOCHRSI’s fastk and fastd (fastd as an SMA).',
      'k is not smoothed. TradingView’s "Stoch RSI" K is this k smoothed by SMA(3) (its D is a further SMA(3)); feed k into an SMA node to get it.',
      'Both outputs start together at index rsiPeriod + (kPeriod−1) + (dPeriod−1) (29 for 14/14/3), as in TA-Lib.',
      'When RSI has not moved over the window (a flat price keeps RSI constant; ranges under 1e-9 RSI points count as none), k reads 50, the middle; TA-Lib reads 0 or rounding noise there.',
      'A NaN input outputs NaN on both and restarts the warm-up, RSI included.',
    ],
  },
  inputs: { source: { kind: 'number', description: 'The series to measure, usually the close.' } },
  outputs: {
    k: { kind: 'number', description: 'Stochastic of RSI, 0–100.' },
    d: { kind: 'number', description: 'SMA of k, 0–100.' },
  },
  params: z.object({
    rsiPeriod: z.number().int().min(2).max(1000).default(14).describe('RSI length, in bars.'),
    kPeriod: z.number().int().min(1).max(1000).default(14).describe('Bars of RSI in the high–low range for k.'),
    dPeriod: z.number().int().min(1).max(1000).default(3).describe('SMA length of k that gives d.'),
  }),
  warmup: (p) => p.rsiPeriod + p.kPeriod - 1 + p.dPeriod - 1,
  init: (p) => ({
    prev: NaN,
    changes: 0,
    gain: 0,
    loss: 0,
    rsi: new Array<number>(p.kPeriod).fill(0),
    rsiNext: 0,
    rsiCount: 0,
    k: new Array<number>(p.dPeriod).fill(0),
    kNext: 0,
    kCount: 0,
    // The RSI window's highest and lowest with their ages (`trackHighLow`): a walk over the window every
    // bar cost about half the node's time. Unknown in a state saved before it existed, which scans.
    ext: unknownHighLows(1),
  }),
  step(s, p, input, out) {
    const x = input.source;
    out.k = out.d = NaN;
    if (Number.isNaN(x)) {
      s.prev = NaN;
      s.changes = s.gain = s.loss = 0;
      s.rsiNext = s.rsiCount = 0;
      s.kNext = s.kCount = 0;
      s.ext = unknownHighLows(1);
      return;
    }
    if (Number.isNaN(s.prev)) {
      s.prev = x;
      return;
    }
    const change = x - s.prev;
    s.prev = x;
    const up = change > 0 ? change : 0;
    const down = change < 0 ? -change : 0;
    const n = p.rsiPeriod;
    if (s.changes < n) {
      s.gain += up;
      s.loss += down;
      s.changes++;
      if (s.changes < n) return;
      s.gain /= n;
      s.loss /= n;
    } else {
      const part = wilderPart(n);
      s.gain = s.gain + (up - s.gain) * part;
      s.loss = s.loss + (down - s.loss) * part;
    }
    const total = s.gain + s.loss;
    // No change at all since the start reads 50, as the RSI node does.
    const rsi = total === 0 ? 50 : 100 * (s.gain / total);

    const newest = s.rsiNext;
    s.rsi[newest] = rsi;
    s.rsiNext = s.rsiNext + 1 === p.kPeriod ? 0 : s.rsiNext + 1;
    if (s.rsiCount < p.kPeriod) s.rsiCount++;
    const ext = (s.ext ??= unknownHighLows(1));
    trackHighLow(ext, 0, s.rsi, s.rsi, newest, p.kPeriod, s.rsiCount);
    if (s.rsiCount < p.kPeriod) return;
    const hi = ext[0]!, lo = ext[2]!;
    const k = hi - lo < flatRange ? 50 : (rsi - lo) / ((hi - lo) / 100);

    s.k[s.kNext] = k;
    s.kNext = s.kNext + 1 === p.dPeriod ? 0 : s.kNext + 1;
    if (s.kCount < p.dPeriod) s.kCount++;
    if (s.kCount < p.dPeriod) return;
    // Summed afresh (dPeriod is short): no running-sum crumbs, so d stays within 0–100 and reads exactly 50 when flat.
    let sum = 0;
    for (let i = 0; i < p.dPeriod; i++) sum += s.k[i];
    out.k = k;
    out.d = sum / p.dPeriod;
  },
  kernel(s, p, input, out, from, to) {
    const src = input.source, outK = out.k, outD = out.d;
    const n = p.rsiPeriod, part = wilderPart(n), kPeriod = p.kPeriod, dPeriod = p.dPeriod, rsiWin = s.rsi, kWin = s.k;
    let prev = s.prev, changes = s.changes, gain = s.gain, loss = s.loss;
    let rsiNext = s.rsiNext, rsiCount = s.rsiCount, kNext = s.kNext, kCount = s.kCount;
    const ext = (s.ext ??= unknownHighLows(1));
    // NaN as a local (docs/engine.md, "NaN in a hot loop").
    const nan = NaN;
    for (let t = from; t < to; t++) {
      const x = src[t]!;
      outK[t] = outD[t] = nan;
      if (x !== x) {
        prev = nan;
        changes = gain = loss = 0;
        rsiNext = rsiCount = 0;
        kNext = kCount = 0;
        for (let i = 0; i < 4; i++) ext[i] = i % 2 === 0 ? nan : -1;
        continue;
      }
      if (prev !== prev) {
        prev = x;
        continue;
      }
      const change = x - prev;
      prev = x;
      const up = change > 0 ? change : 0;
      const down = change < 0 ? -change : 0;
      if (changes < n) {
        gain += up;
        loss += down;
        changes++;
        if (changes < n) continue;
        gain /= n;
        loss /= n;
      } else {
        gain = gain + (up - gain) * part;
        loss = loss + (down - loss) * part;
      }
      const total = gain + loss;
      const rsi = total === 0 ? 50 : 100 * (gain / total);

      const newest = rsiNext;
      rsiWin[newest] = rsi;
      rsiNext = rsiNext + 1 === kPeriod ? 0 : rsiNext + 1;
      if (rsiCount < kPeriod) rsiCount++;
      trackHighLow(ext, 0, rsiWin, rsiWin, newest, kPeriod, rsiCount);
      if (rsiCount < kPeriod) continue;
      const hi = ext[0]!, lo = ext[2]!;
      const k = hi - lo < flatRange ? 50 : (rsi - lo) / ((hi - lo) / 100);

      kWin[kNext] = k;
      kNext = kNext + 1 === dPeriod ? 0 : kNext + 1;
      if (kCount < dPeriod) kCount++;
      if (kCount < dPeriod) continue;
      let sum = 0;
      for (let i = 0; i < dPeriod; i++) sum += kWin[i]!;
      outK[t] = k;
      outD[t] = sum / dPeriod;
    }
    s.prev = prev;
    s.changes = changes;
    s.gain = gain;
    s.loss = loss;
    s.rsiNext = rsiNext;
    s.rsiCount = rsiCount;
    s.kNext = kNext;
    s.kCount = kCount;
  },
});
