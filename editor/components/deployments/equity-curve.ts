import type { Deployment } from '../../api.ts';

/** A point of the equity curve from one streamed state: the bar it was marked on and the equity. */
export function equityPoint(d: Pick<Deployment, 'cursor' | 'equity'>): { time: number; value: number } | null {
  return d.cursor === null || d.equity === null ? null : { time: d.cursor, value: d.equity };
}

/** Append a point unless the curve already has that bar (the stream repeats a state on every change, not every bar). */
export function appendPoint(curve: readonly { time: number; value: number }[], p: { time: number; value: number } | null): readonly { time: number; value: number }[] {
  if (!p) return curve;
  const last = curve.at(-1);
  if (last && last.time >= p.time) return last.time === p.time && last.value !== p.value ? [...curve.slice(0, -1), p] : curve;
  return [...curve, p];
}
