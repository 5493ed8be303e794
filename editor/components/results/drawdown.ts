/**
 * Drawdown at each point of an equity curve: how far equity sits below its running peak, as a
 * negative fraction (−0.12 = 12 % under the high-water mark), 0 at a new high. Points that are not
 * finite are skipped; a curve that starts at or below zero has no meaningful drawdown and is skipped too.
 */
export function drawdownSeries(points: readonly { time: number; value: number }[]): { time: number; value: number }[] {
  const out: { time: number; value: number }[] = [];
  let peak = -Infinity;
  for (const p of points) {
    if (!Number.isFinite(p.time) || !Number.isFinite(p.value)) continue;
    if (p.value > peak) peak = p.value;
    if (!(peak > 0)) continue;
    out.push({ time: p.time, value: p.value / peak - 1 });
  }
  return out;
}

/** Equity as a return since the first point (0.05 = +5 %), so runs with different cash compare on one scale. */
export function returnSeries(points: readonly { time: number; value: number }[]): { time: number; value: number }[] {
  const base = points.find((p) => Number.isFinite(p.value) && p.value > 0)?.value;
  if (base === undefined) return [];
  return points.filter((p) => Number.isFinite(p.time) && Number.isFinite(p.value)).map((p) => ({ time: p.time, value: p.value / base - 1 }));
}
