import { z } from 'zod';

/** A bar index range `[from, to)`. */
export interface BarRange {
  from: number;
  to: number;
}

export interface WalkWindow {
  index: number;
  inSample: BarRange;
  outOfSample: BarRange;
}

export const WindowMode = z.enum(['rolling', 'anchored']).describe('Rolling: the in-sample window slides with the out-of-sample one. Anchored: it always starts at the first bar and grows.');
export type WindowMode = z.infer<typeof WindowMode>;

export interface WindowSpec {
  mode: WindowMode;
  inSampleBars: number;
  outOfSampleBars: number;
}

/**
 * Walk-forward windows over `totalBars` bars. Each out-of-sample window starts right where its in-sample
 * window ends, and the next window moves on by one out-of-sample length, so out-of-sample windows tile
 * the data without overlap and can be stitched into one curve. Only whole out-of-sample windows are
 * made: a short tail at the end is left out rather than measured on a few bars.
 */
export function splitWindows(totalBars: number, spec: WindowSpec): WalkWindow[] {
  const { inSampleBars: is, outOfSampleBars: oos } = spec;
  if (!(Number.isInteger(is) && is > 0 && Number.isInteger(oos) && oos > 0)) throw new RangeError('window lengths must be positive integers');
  const windows: WalkWindow[] = [];
  for (let k = 0; ; k++) {
    const oosFrom = is + k * oos;
    const oosTo = oosFrom + oos;
    if (oosTo > totalBars) break;
    const isFrom = spec.mode === 'anchored' ? 0 : oosFrom - is;
    windows.push({ index: k, inSample: { from: isFrom, to: oosFrom }, outOfSample: { from: oosFrom, to: oosTo } });
  }
  return windows;
}
