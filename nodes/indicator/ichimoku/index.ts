import { z } from 'zod';
import { defineNode } from '../../contract.ts';

/** Ichimoku Kinko Hyo lines, as values known at this bar's close (no forward or backward plotting shift). */
export const ichimoku = defineNode({
  type: 'indicator.ichimoku',
  version: 1,
  category: 'indicator',
  title: 'Ichimoku Cloud',
  description: 'Tenkan, Kijun, the two cloud spans and Chikou, as known at this bar’s close.',
  docs: {
    example: 'Ichimoku(9, 26, 52): Tenkan crossing above Kijun while the close is above both spans.',
    caveats: [
      'Tenkan and Kijun are the midpoints of the highest high and lowest low over 9 and 26 bars; Senkou A = (Tenkan + Kijun) / 2; Senkou B is the midpoint over 52 bars; all windows include this bar.',
      'No look-ahead: charts plot the Senkou spans 26 bars forward and Chikou 26 bars back, but a node only emits what is known at this close, so the spans are emitted unshifted (the value a chart draws 26 bars ahead of this bar) and Chikou is this bar’s close (which a chart draws 26 bars back). The cloud a chart shows above the current bar is therefore this node’s spans from 26 bars ago.',
      'Warm-up (first value, index): Tenkan 8, Kijun 25, Senkou A max(Tenkan, Kijun) − 1 = 25, Senkou B 51, Chikou 0 with the defaults; the node’s warm-up is the largest, 51.',
      'A bar with a NaN high, low or close outputs NaN on every line and restarts the windows.',
    ],
  },
  inputs: { bars: { kind: 'bars', description: 'OHLC bars; uses high, low and close.' } },
  outputs: {
    tenkan: { kind: 'price', description: 'Tenkan-sen (conversion line): short-window midpoint.' },
    kijun: { kind: 'price', description: 'Kijun-sen (base line): medium-window midpoint.' },
    senkouA: { kind: 'price', description: 'Senkou Span A: (Tenkan + Kijun) / 2, unshifted.' },
    senkouB: { kind: 'price', description: 'Senkou Span B: long-window midpoint, unshifted.' },
    chikou: { kind: 'price', description: 'Chikou Span: this bar’s close, unshifted.' },
  },
  params: z.object({
    tenkanPeriod: z.number().int().min(1).max(1000).default(9).describe('Bars of the Tenkan-sen (conversion line).'),
    kijunPeriod: z.number().int().min(1).max(1000).default(26).describe('Bars of the Kijun-sen (base line).'),
    senkouBPeriod: z.number().int().min(1).max(1000).default(52).describe('Bars of Senkou Span B.'),
  }),
  warmup: (p) => Math.max(p.tenkanPeriod, p.kijunPeriod, p.senkouBPeriod) - 1,
  init: (p) => {
    const size = Math.max(p.tenkanPeriod, p.kijunPeriod, p.senkouBPeriod);
    return { highs: new Array<number>(size).fill(0), lows: new Array<number>(size).fill(0), next: 0, count: 0 };
  },
  step(s, p, input, out) {
    const { high, low, close } = input.bars;
    const size = s.highs.length;
    if (high !== high || low !== low || close !== close) {
      s.next = 0;
      s.count = 0;
      out.tenkan = out.kijun = out.senkouA = out.senkouB = out.chikou = NaN;
      return;
    }
    s.highs[s.next] = high;
    s.lows[s.next] = low;
    const newest = s.next;
    s.next = s.next + 1 === size ? 0 : s.next + 1;
    if (s.count < size) s.count++;
    // One backward pass serves all three windows: each line is read when the pass reaches its length.
    let hi = -Infinity;
    let lo = Infinity;
    let tenkan = NaN;
    let kijun = NaN;
    let senkouB = NaN;
    for (let j = 0; j < s.count; j++) {
      const i = newest - j < 0 ? newest - j + size : newest - j;
      if (s.highs[i] > hi) hi = s.highs[i];
      if (s.lows[i] < lo) lo = s.lows[i];
      if (j + 1 === p.tenkanPeriod) tenkan = (hi + lo) / 2;
      if (j + 1 === p.kijunPeriod) kijun = (hi + lo) / 2;
      if (j + 1 === p.senkouBPeriod) senkouB = (hi + lo) / 2;
    }
    out.tenkan = tenkan;
    out.kijun = kijun;
    out.senkouA = (tenkan + kijun) / 2;
    out.senkouB = senkouB;
    out.chikou = close;
  },
  kernel(s, p, input, out, from, to) {
    const H = input.bars.high, L = input.bars.low, C = input.bars.close;
    const outTenkan = out.tenkan, outKijun = out.kijun, outSenkouA = out.senkouA, outSenkouB = out.senkouB, outChikou = out.chikou;
    const highs = s.highs, lows = s.lows, size = highs.length;
    const tenkanPeriod = p.tenkanPeriod, kijunPeriod = p.kijunPeriod, senkouBPeriod = p.senkouBPeriod;
    let next = s.next, count = s.count;
    for (let t = from; t < to; t++) {
      const high = H[t]!, low = L[t]!, close = C[t]!;
      if (high !== high || low !== low || close !== close) {
        next = 0;
        count = 0;
        outTenkan[t] = outKijun[t] = outSenkouA[t] = outSenkouB[t] = outChikou[t] = NaN;
        continue;
      }
      highs[next] = high;
      lows[next] = low;
      const newest = next;
      next = next + 1 === size ? 0 : next + 1;
      if (count < size) count++;
      let hi = -Infinity;
      let lo = Infinity;
      let tenkan = NaN;
      let kijun = NaN;
      let senkouB = NaN;
      for (let j = 0; j < count; j++) {
        const i = newest - j < 0 ? newest - j + size : newest - j;
        if (highs[i]! > hi) hi = highs[i]!;
        if (lows[i]! < lo) lo = lows[i]!;
        if (j + 1 === tenkanPeriod) tenkan = (hi + lo) / 2;
        if (j + 1 === kijunPeriod) kijun = (hi + lo) / 2;
        if (j + 1 === senkouBPeriod) senkouB = (hi + lo) / 2;
      }
      outTenkan[t] = tenkan;
      outKijun[t] = kijun;
      outSenkouA[t] = (tenkan + kijun) / 2;
      outSenkouB[t] = senkouB;
      outChikou[t] = close;
    }
    s.next = next;
    s.count = count;
  },
});
