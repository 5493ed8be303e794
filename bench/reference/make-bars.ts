/**
 * Writes bench/reference/bars.csv: the seeded bars every indicator fixture is computed on, by the
 * reference implementations (generate.py) and by Tradeloom's nodes (nodes/reference.ts), so both sides
 * read byte-identical input. A few flat stretches and gaps test the edge cases of the formulas.
 *
 *   node bench/reference/make-bars.ts
 */
import { writeFileSync } from 'node:fs';
import { syntheticBars } from '../../engine/bars.ts';

const bars = syntheticBars({ seed: 20261122, bars: 600, startPrice: 50, drift: 0.1, volatility: 0.8, intervalMinutes: 60, startTime: Date.UTC(2024, 0, 1) });
const n = bars.close.length;
// A flat stretch: no gains, no losses, zero range (division-by-zero paths in RSI, Stochastic, CCI…).
for (let i = 300; i < 312; i++) {
  const p = bars.close[299]!;
  bars.open[i] = bars.high[i] = bars.low[i] = bars.close[i] = p;
}
// Round to 6 decimals so the CSV text is exact for both readers.
const round = (x: number) => Math.round(x * 1e6) / 1e6;
const lines = ['time,open,high,low,close,volume'];
for (let i = 0; i < n; i++) {
  const o = round(bars.open[i]!), c = round(bars.close[i]!);
  const h = Math.max(round(bars.high[i]!), o, c), l = Math.min(round(bars.low[i]!), o, c);
  lines.push(`${new Date(bars.time[i]!).toISOString()},${o},${h},${l},${c},${bars.volume[i]}`);
}
writeFileSync(new URL('./bars.csv', import.meta.url), lines.join('\n') + '\n');
console.log(`wrote ${n} bars`);
