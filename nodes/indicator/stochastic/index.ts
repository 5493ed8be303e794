import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { extremeAgeAfter, keepExtremes, ringBack } from '../rolling-extreme.ts';

function mean(values: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

/** Slow stochastic oscillator (Lane): smoothed %K and its %D, as TA-Lib's STOCH with SMA smoothing. */
export const stochastic = defineNode({
  type: 'indicator.stochastic',
  version: 1,
  category: 'indicator',
  title: 'Stochastic',
  description: 'Stochastic oscillator (0–100): where the close sits in the recent high–low range, %K and its average %D.',
  docs: {
    example: 'Stochastic(14, 3, 3): %K crossing above %D below 20 as an oversold buy.',
    caveats: [
      'Raw %K = 100 × (close − lowest low) ÷ (highest high − lowest low) over kPeriod bars; k = SMA(raw %K, kSmoothing) (the "slow" %K); d = SMA(k, dPeriod). This is TA-Lib STOCH with both MA types SMA; kSmoothing 1 gives the fast stochastic.',
      'Both outputs start together at index (kPeriod−1) + (kSmoothing−1) + (dPeriod−1) (17 for 14/3/3), as in TA-Lib, even though k alone would exist dPeriod−1 bars earlier.',
      'When a window has no range at all (highest high = lowest low), raw %K reads 50, the middle; TA-Lib reads 0 there, which would look oversold. Smoothing then carries that 50 into k and d.',
      'A bar with a NaN high, low or close outputs NaN on both and restarts the warm-up.',
    ],
  },
  inputs: { bars: { kind: 'bars', description: 'OHLC bars; uses high, low and close.' } },
  outputs: {
    k: { kind: 'number', description: 'Smoothed %K, 0–100.' },
    d: { kind: 'number', description: '%D: the SMA of %K, 0–100.' },
  },
  params: z.object({
    kPeriod: z.number().int().min(1).max(10_000).default(14).describe('Bars in the high–low range for raw %K.'),
    kSmoothing: z.number().int().min(1).max(1000).default(3).describe('SMA length applied to raw %K (1 = fast stochastic).'),
    dPeriod: z.number().int().min(1).max(1000).default(3).describe('SMA length of %K that gives %D.'),
  }),
  warmup: (p) => p.kPeriod - 1 + p.kSmoothing - 1 + p.dPeriod - 1,
  init: (p) => ({
    highs: new Array<number>(p.kPeriod).fill(0),
    lows: new Array<number>(p.kPeriod).fill(0),
    rawK: new Array<number>(p.kSmoothing).fill(0),
    k: new Array<number>(p.dPeriod).fill(0),
    next: 0,
    count: 0,
    rawNext: 0,
    rawCount: 0,
    kNext: 0,
    kCount: 0,
    // The window's highest high and lowest low with their ages (`extremeAgeAfter`): a walk over the
    // window every bar cost ≈ 90 ns a bar at 14 bars.
    hh: NaN,
    hhAge: -1,
    ll: NaN,
    llAge: -1,
  }),
  step(s, p, input, out) {
    keepExtremes(s, p.kPeriod, p.kPeriod);
    const { high, low, close } = input.bars;
    out.k = out.d = NaN;
    if (Number.isNaN(high) || Number.isNaN(low) || Number.isNaN(close)) {
      s.next = s.count = 0;
      s.rawNext = s.rawCount = 0;
      s.kNext = s.kCount = 0;
      s.hh = s.ll = NaN;
      s.hhAge = s.llAge = -1;
      return;
    }
    const newest = s.next;
    s.highs[newest] = high;
    s.lows[newest] = low;
    s.next = s.next + 1 === p.kPeriod ? 0 : s.next + 1;
    if (s.count < p.kPeriod) s.count++;
    s.hhAge = extremeAgeAfter(s.highs, newest, p.kPeriod, s.count, true, high, s.hh, s.hhAge);
    s.hh = s.highs[ringBack(newest, s.hhAge, p.kPeriod)];
    s.llAge = extremeAgeAfter(s.lows, newest, p.kPeriod, s.count, false, low, s.ll, s.llAge);
    s.ll = s.lows[ringBack(newest, s.llAge, p.kPeriod)];
    if (s.count < p.kPeriod) return;
    const hh = s.hh, ll = s.ll;
    const raw = hh === ll ? 50 : (close - ll) / ((hh - ll) / 100);

    // Short windows summed afresh, not as running sums: no rounding crumbs, so k and d stay within 0–100 and a flat stretch reads exactly 50.
    s.rawK[s.rawNext] = raw;
    s.rawNext = s.rawNext + 1 === p.kSmoothing ? 0 : s.rawNext + 1;
    if (s.rawCount < p.kSmoothing) s.rawCount++;
    if (s.rawCount < p.kSmoothing) return;
    const k = mean(s.rawK);

    s.k[s.kNext] = k;
    s.kNext = s.kNext + 1 === p.dPeriod ? 0 : s.kNext + 1;
    if (s.kCount < p.dPeriod) s.kCount++;
    if (s.kCount < p.dPeriod) return;
    out.k = k;
    out.d = mean(s.k);
  },
  kernel(s, p, input, out, from, to) {
    keepExtremes(s, p.kPeriod, p.kPeriod);
    const H = input.bars.high, L = input.bars.low, C = input.bars.close, outK = out.k, outD = out.d;
    const highs = s.highs, lows = s.lows, rawK = s.rawK, ks = s.k;
    const kPeriod = p.kPeriod, kSmoothing = p.kSmoothing, dPeriod = p.dPeriod;
    // NaN as a local (docs/engine.md, "NaN in a hot loop").
    const nan = NaN;
    let next = s.next, count = s.count, rawNext = s.rawNext, rawCount = s.rawCount, kNext = s.kNext, kCount = s.kCount;
    let hh = s.hh, hhAge = s.hhAge, ll = s.ll, llAge = s.llAge;
    for (let t = from; t < to; t++) {
      const high = H[t]!, low = L[t]!, close = C[t]!;
      outK[t] = nan;
      outD[t] = nan;
      if (high !== high || low !== low || close !== close) {
        next = count = 0;
        rawNext = rawCount = 0;
        kNext = kCount = 0;
        hh = ll = nan;
        hhAge = llAge = -1;
        continue;
      }
      const newest = next;
      highs[newest] = high;
      lows[newest] = low;
      next = next + 1 === kPeriod ? 0 : next + 1;
      if (count < kPeriod) count++;
      hhAge = extremeAgeAfter(highs, newest, kPeriod, count, true, high, hh, hhAge);
      hh = highs[ringBack(newest, hhAge, kPeriod)]!;
      llAge = extremeAgeAfter(lows, newest, kPeriod, count, false, low, ll, llAge);
      ll = lows[ringBack(newest, llAge, kPeriod)]!;
      if (count < kPeriod) continue;
      const raw = hh === ll ? 50 : (close - ll) / ((hh - ll) / 100);

      rawK[rawNext] = raw;
      rawNext = rawNext + 1 === kSmoothing ? 0 : rawNext + 1;
      if (rawCount < kSmoothing) rawCount++;
      if (rawCount < kSmoothing) continue;
      let sumRaw = 0;
      for (let i = 0; i < kSmoothing; i++) sumRaw += rawK[i]!;
      const k = sumRaw / kSmoothing;

      ks[kNext] = k;
      kNext = kNext + 1 === dPeriod ? 0 : kNext + 1;
      if (kCount < dPeriod) kCount++;
      if (kCount < dPeriod) continue;
      let sumK = 0;
      for (let i = 0; i < dPeriod; i++) sumK += ks[i]!;
      outK[t] = k;
      outD[t] = sumK / dPeriod;
    }
    s.next = next;
    s.count = count;
    s.rawNext = rawNext;
    s.rawCount = rawCount;
    s.kNext = kNext;
    s.kCount = kCount;
    s.hh = hh;
    s.hhAge = hhAge;
    s.ll = ll;
    s.llAge = llAge;
  },
});
