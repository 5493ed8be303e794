import { syntheticBars, type Bars } from '../engine/bars.ts';
import type { LoadedNode } from '../sandbox/client.ts';

/**
 * The sample data a custom node is tested and lookahead-checked on: a seeded synthetic series (so the
 * same source always shows the same chart), with each input port fed a column of it.
 */

export const SAMPLE_BARS_DEFAULT = 500;
export const SAMPLE_BARS_MAX = 5_000;
/** Bars the lookahead check runs on when a version is saved: enough for long warm-ups, cheap to run ten times. */
export const LOOKAHEAD_BARS = 2_000;

export function sampleBars(bars: number): Bars {
  return syntheticBars({ seed: 7, bars, startPrice: 100, drift: 0.05, volatility: 0.6, intervalMinutes: 60, startTime: Date.UTC(2024, 0, 1) });
}

/** Which sample column each input reads: price and number inputs take close, open, high, low, volume in turn. */
const numericColumns = ['close', 'open', 'high', 'low', 'volume'] as const;

export type SampleSeries = (typeof numericColumns)[number] | 'closeUp';

/**
 * One column per input port. Bool inputs read "the close rose" (1/0, NaN on the first bar), the only
 * condition every series has.
 */
export function sampleInputs(node: LoadedNode, bars: Bars): { columns: Record<string, Float64Array>; feeds: { port: string; series: SampleSeries }[] } {
  const columns: Record<string, Float64Array> = Object.create(null);
  const feeds: { port: string; series: SampleSeries }[] = [];
  let k = 0;
  for (const [port, spec] of Object.entries(node.inputs)) {
    if (spec.kind === 'bool') {
      const up = new Float64Array(bars.close.length);
      up[0] = NaN;
      for (let i = 1; i < up.length; i++) up[i] = bars.close[i]! > bars.close[i - 1]! ? 1 : 0;
      columns[port] = up;
      feeds.push({ port, series: 'closeUp' });
    } else {
      const series = numericColumns[k++ % numericColumns.length]!;
      columns[port] = bars[series];
      feeds.push({ port, series });
    }
  }
  return { columns, feeds };
}
