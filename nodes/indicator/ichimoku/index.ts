import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { trackHighLow, unknownHighLows } from '../rolling-extreme.ts';

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
  // Each window's highest high and lowest low are kept with their ages (`trackHighLow`, four numbers a
  // window in `ext`): one walk back over the 52 bars every bar cost ≈ 350 ns a bar at 9/26/52. A state
  // saved before `ext` existed starts with the extremes unknown, which finds them in the ring.
  init: (p) => {
    const size = Math.max(p.tenkanPeriod, p.kijunPeriod, p.senkouBPeriod);
    return { highs: new Array<number>(size).fill(0), lows: new Array<number>(size).fill(0), next: 0, count: 0, ext: unknownHighLows(3) };
  },
  step(s, p, input, out) {
    const { high, low, close } = input.bars;
    const size = s.highs.length;
    const ext = (s.ext ??= unknownHighLows(3));
    if (high !== high || low !== low || close !== close) {
      s.next = 0;
      s.count = 0;
      ext.splice(0, 12, ...unknownHighLows(3));
      out.tenkan = out.kijun = out.senkouA = out.senkouB = out.chikou = NaN;
      return;
    }
    s.highs[s.next] = high;
    s.lows[s.next] = low;
    const newest = s.next;
    s.next = s.next + 1 === size ? 0 : s.next + 1;
    if (s.count < size) s.count++;
    const periods = [p.tenkanPeriod, p.kijunPeriod, p.senkouBPeriod];
    for (let w = 0; w < 3; w++) trackHighLow(ext, 4 * w, s.highs, s.lows, newest, size, Math.min(s.count, periods[w]!));
    const tenkan = midpoint(ext, 0, s.count, p.tenkanPeriod), kijun = midpoint(ext, 4, s.count, p.kijunPeriod);
    out.tenkan = tenkan;
    out.kijun = kijun;
    out.senkouA = (tenkan + kijun) / 2;
    out.senkouB = midpoint(ext, 8, s.count, p.senkouBPeriod);
    out.chikou = close;
  },
  kernel(s, p, input, out, from, to) {
    // NaN as a local (docs/engine.md, "NaN in a hot loop").
    const nan = NaN;
    const H = input.bars.high, L = input.bars.low, C = input.bars.close;
    const outTenkan = out.tenkan, outKijun = out.kijun, outSenkouA = out.senkouA, outSenkouB = out.senkouB, outChikou = out.chikou;
    const highs = s.highs, lows = s.lows, size = highs.length;
    const tenkanPeriod = p.tenkanPeriod, kijunPeriod = p.kijunPeriod, senkouBPeriod = p.senkouBPeriod;
    const periods = [tenkanPeriod, kijunPeriod, senkouBPeriod];
    const ext = (s.ext ??= unknownHighLows(3));
    let next = s.next, count = s.count;
    for (let t = from; t < to; t++) {
      const high = H[t]!, low = L[t]!, close = C[t]!;
      if (high !== high || low !== low || close !== close) {
        next = 0;
        count = 0;
        for (let i = 0; i < 12; i++) ext[i] = i % 2 === 0 ? nan : -1;
        outTenkan[t] = outKijun[t] = outSenkouA[t] = outSenkouB[t] = outChikou[t] = nan;
        continue;
      }
      highs[next] = high;
      lows[next] = low;
      const newest = next;
      next = next + 1 === size ? 0 : next + 1;
      if (count < size) count++;
      // One call site, in a loop, so V8 inlines it.
      for (let w = 0; w < 3; w++) trackHighLow(ext, 4 * w, highs, lows, newest, size, count < periods[w]! ? count : periods[w]!);
      const tenkan = midpoint(ext, 0, count, tenkanPeriod), kijun = midpoint(ext, 4, count, kijunPeriod);
      outTenkan[t] = tenkan;
      outKijun[t] = kijun;
      outSenkouA[t] = (tenkan + kijun) / 2;
      outSenkouB[t] = midpoint(ext, 8, count, senkouBPeriod);
      outChikou[t] = close;
    }
    s.next = next;
    s.count = count;
  },
});

/** A line: the midpoint of a window's highest high and lowest low (kept from `at` in `ext`), NaN until the window has `period` bars. */
function midpoint(ext: number[], at: number, count: number, period: number): number {
  return count >= period ? (ext[at]! + ext[at + 2]!) / 2 : NaN;
}
