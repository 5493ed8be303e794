import type { UTCTimestamp } from 'lightweight-charts';

/**
 * Chart points from the equity curve: epoch ms become UTC seconds, sorted ascending, one point per
 * second (the last wins), because lightweight-charts refuses unsorted or repeated times.
 */
export function equitySeries(points: readonly { time: number; value: number }[]): { time: UTCTimestamp; value: number }[] {
  const bySecond = new Map<number, number>();
  for (const p of points) {
    if (!Number.isFinite(p.time) || !Number.isFinite(p.value)) continue;
    bySecond.set(Math.floor(p.time / 1000), p.value);
  }
  return [...bySecond.entries()].sort((a, b) => a[0] - b[0]).map(([time, value]) => ({ time: time as UTCTimestamp, value }));
}
