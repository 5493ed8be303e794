import type { Metrics } from '../../../engine/metrics.ts';
import { metricInfo, type MetricKey } from '../results/metric-info.ts';

/**
 * A sweep's trials as a grid over two of its params. Every other param is either fixed at one of its
 * values or aggregated over all of them (the best trial, or the mean), and the view says which.
 */

export interface SweepDimension {
  key: string;
  values: number[];
}

export interface TrialPoint {
  trialIndex: number;
  params: Record<string, number>;
  metrics: Metrics | null;
  error: string | null;
}

/** How a param that is not on an axis is treated: held at a value, or aggregated over all its values. */
export type OtherParam = { kind: 'best' } | { kind: 'mean' } | { kind: 'fixed'; value: number };

export interface HeatCell {
  /** Indexes into `xs` and `ys`. */
  x: number;
  y: number;
  /** The metric shown: the best trial's (best, fixed) or the mean over the cell's trials; null when none ran. */
  value: number | null;
  /** The trial the cell stands for: the best one in it (its params are what "apply" would use). */
  trial: TrialPoint | null;
  /** Trials with results that fell in the cell. */
  count: number;
}

export interface Heatmap {
  xKey: string;
  /** Null for a one-param sweep: a single row. */
  yKey: string | null;
  xs: number[];
  ys: (number | null)[];
  /** Row by row (y), each row left to right (x). */
  cells: HeatCell[];
  /** Range of the cells' values; null when no cell has one. */
  min: number | null;
  max: number | null;
  better: 'higher' | 'lower';
}

/** Which direction is better for a metric; metrics with no preferred direction count higher as better. */
export function betterOf(metric: MetricKey): 'higher' | 'lower' {
  return metricInfo.find((m) => m.key === metric)?.better === 'lower' ? 'lower' : 'higher';
}

export function metricOf(trial: TrialPoint, metric: MetricKey): number | null {
  const v = (trial.metrics as unknown as Record<string, unknown> | null)?.[metric];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The axes a heatmap opens with: the first two params (a one-param sweep gets one row). */
export function defaultAxes(dimensions: readonly SweepDimension[]): { x: string; y: string | null } | null {
  if (dimensions.length === 0) return null;
  return { x: dimensions[0]!.key, y: dimensions[1]?.key ?? null };
}

/** Put `key` on an axis, swapping with the other axis when it was already there. */
export function chooseAxis(axes: { x: string; y: string | null }, axis: 'x' | 'y', key: string): { x: string; y: string | null } {
  if (axis === 'x') return key === axes.y ? { x: key, y: axes.x } : { ...axes, x: key };
  return key === axes.x ? { x: axes.y ?? key, y: key } : { ...axes, y: key };
}

/** A sentence saying what the cells show, e.g. "best over slow.period; order.percent fixed at 100". */
export function describeOthers(dimensions: readonly SweepDimension[], axes: { x: string; y: string | null }, others: Readonly<Record<string, OtherParam>>): string {
  const rest = dimensions.filter((d) => d.key !== axes.x && d.key !== axes.y);
  if (rest.length === 0) return 'every trial is one cell';
  const parts: string[] = [];
  const best = rest.filter((d) => (others[d.key] ?? { kind: 'best' }).kind === 'best').map((d) => d.key);
  const mean = rest.filter((d) => others[d.key]?.kind === 'mean').map((d) => d.key);
  if (best.length) parts.push(`best over ${best.join(', ')}`);
  if (mean.length) parts.push(`mean over ${mean.join(', ')}`);
  for (const d of rest) {
    const o = others[d.key];
    if (o?.kind === 'fixed') parts.push(`${d.key} fixed at ${o.value}`);
  }
  return parts.join('; ');
}

/**
 * Bin trials into the grid of two params' values. Trials without results (errors) are left out; a cell
 * nothing landed in (a random sweep's gaps, failed trials) has a null value. Ties between trials in a
 * cell go to the lowest trial index, as the server's ranking does.
 */
export function buildHeatmap(
  dimensions: readonly SweepDimension[],
  trials: readonly TrialPoint[],
  metric: MetricKey,
  axes: { x: string; y: string | null },
  others: Readonly<Record<string, OtherParam>> = {},
): Heatmap {
  const xDim = dimensions.find((d) => d.key === axes.x);
  if (!xDim) throw new Error(`no swept param "${axes.x}"`);
  const yDim = axes.y === null ? null : dimensions.find((d) => d.key === axes.y);
  if (axes.y !== null && !yDim) throw new Error(`no swept param "${axes.y}"`);
  const xs = [...xDim.values];
  const ys: (number | null)[] = yDim ? [...yDim.values] : [null];
  const better = betterOf(metric);
  const xIndex = new Map(xs.map((v, i) => [v, i]));
  const yIndex = new Map(ys.map((v, i) => [v, i]));
  const fixed = dimensions.filter((d) => d.key !== axes.x && d.key !== axes.y).flatMap((d) => {
    const o = others[d.key];
    return o?.kind === 'fixed' ? [[d.key, o.value] as const] : [];
  });
  // The params the cell takes the best over: its trials are grouped by their values, each group is
  // averaged over the "mean" params (a group of one trial when there are none), and the cell shows the best
  // group. Averaging everything as soon as one param said "mean" showed a mean where the caption said "best".
  const bestKeys = dimensions.filter((d) => d.key !== axes.x && d.key !== axes.y && (others[d.key] ?? { kind: 'best' }).kind === 'best').map((d) => d.key);
  const groupOf = (t: TrialPoint) => bestKeys.map((k) => t.params[k]).join('|');

  const cells: (HeatCell & { groups: Map<string, { sum: number; count: number; trial: TrialPoint }> })[] = [];
  for (let y = 0; y < ys.length; y++) for (let x = 0; x < xs.length; x++) cells.push({ x, y, value: null, trial: null, count: 0, groups: new Map() });

  const ordered = [...trials].sort((a, b) => a.trialIndex - b.trialIndex);
  for (const t of ordered) {
    const v = metricOf(t, metric);
    if (v === null) continue;
    if (fixed.some(([k, val]) => t.params[k] !== val)) continue;
    const xi = xIndex.get(t.params[axes.x]!);
    const yi = yDim ? yIndex.get(t.params[yDim.key]!) : 0;
    if (xi === undefined || yi === undefined) continue;
    const cell = cells[yi * xs.length + xi]!;
    cell.count++;
    const key = groupOf(t);
    const group = cell.groups.get(key);
    if (!group) cell.groups.set(key, { sum: v, count: 1, trial: t });
    else {
      group.sum += v;
      group.count++;
      if (better === 'higher' ? v > metricOf(group.trial, metric)! : v < metricOf(group.trial, metric)!) group.trial = t;
    }
  }
  let min: number | null = null;
  let max: number | null = null;
  const out = cells.map(({ groups, ...cell }) => {
    let value: number | null = null;
    for (const g of groups.values()) {
      const m = g.sum / g.count;
      if (value === null || (better === 'higher' ? m > value : m < value)) (value = m), (cell.trial = g.trial);
    }
    if (value !== null) {
      min = min === null ? value : Math.min(min, value);
      max = max === null ? value : Math.max(max, value);
    }
    return { ...cell, value };
  });
  return { xKey: xDim.key, yKey: yDim?.key ?? null, xs, ys, cells: out, min, max, better };
}

/**
 * Where a value sits on the colour scale, 0 (worst) to 1 (best). When the values straddle zero the
 * scale is centred on it (0.5 = zero) and symmetric, so losing params read red and winning ones teal,
 * and a loss of 0.1 % next to gains of 16 % stays a faint red rather than the reddest colour there is.
 */
export function scalePosition(value: number, min: number, max: number, better: 'higher' | 'lower'): number {
  let t: number;
  if (max === min) t = 0.5;
  else if (min < 0 && max > 0) t = 0.5 + (0.5 * value) / Math.max(-min, max);
  else t = (value - min) / (max - min);
  t = Math.min(1, Math.max(0, t));
  return better === 'higher' ? t : 1 - t;
}

const worst = [239, 83, 80];
const middle = [58, 68, 83];
const best = [38, 166, 154];

/** The cell colour at position t (0 worst, 1 best): red through slate to teal, as the rest of the app marks loss and gain. */
export function heatColour(t: number): string {
  const [a, b, u] = t < 0.5 ? [worst, middle, t / 0.5] : [middle, best, (t - 0.5) / 0.5];
  const c = a.map((v, i) => Math.round(v + (b[i]! - v) * u));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** Text on a cell: the same colour scale is dark in the middle and bright at the ends, so white reads on all of it. */
export const cellTextColour = '#f1f4f8';

export type TrialSortKey = 'trialIndex' | `param:${string}` | `metric:${MetricKey}`;

/** Trials sorted by a column; trials lacking the value (errors, undefined metrics) always sort last. */
export function sortTrials<T extends TrialPoint>(trials: readonly T[], key: TrialSortKey, dir: 'asc' | 'desc'): T[] {
  const valueOf = (t: T): number | null =>
    key === 'trialIndex' ? t.trialIndex : key.startsWith('param:') ? (t.params[key.slice(6)] ?? null) : metricOf(t, key.slice(7) as MetricKey);
  const sign = dir === 'asc' ? 1 : -1;
  return [...trials].sort((a, b) => {
    const x = valueOf(a);
    const y = valueOf(b);
    if (x === null || y === null) return x === null && y === null ? a.trialIndex - b.trialIndex : x === null ? 1 : -1;
    return x === y ? a.trialIndex - b.trialIndex : (x - y) * sign;
  });
}
