import { describe, expect, it } from 'vitest';
import type { Metrics } from '../../../engine/metrics.ts';
import { betterOf, buildHeatmap, chooseAxis, defaultAxes, describeOthers, heatColour, scalePosition, sortTrials, type SweepDimension, type TrialPoint } from './heatmap.ts';

const dims: SweepDimension[] = [
  { key: 'fast.period', values: [5, 10] },
  { key: 'slow.period', values: [40, 80, 120] },
  { key: 'order.percent', values: [50, 100] },
];

/** Grid trials in the server's order (last dimension fastest), with a Sharpe that names the trial. */
function grid(sharpe: (f: number, s: number, p: number) => number | null): TrialPoint[] {
  const out: TrialPoint[] = [];
  for (const f of dims[0]!.values)
    for (const s of dims[1]!.values)
      for (const p of dims[2]!.values) {
        const v = sharpe(f, s, p);
        out.push({
          trialIndex: out.length,
          params: { 'fast.period': f, 'slow.period': s, 'order.percent': p },
          metrics: v === null ? null : ({ sharpe: v, maxDrawdown: f + s / 100 } as unknown as Metrics),
          error: v === null ? 'too few bars' : null,
        });
      }
  return out;
}

describe('heatmap binning', () => {
  const trials = grid((f, s, p) => f * 100 + s + p / 1000);

  it('puts each trial in the cell of its two axis params, keeping the best over the others by default', () => {
    const h = buildHeatmap(dims, trials, 'sharpe', { x: 'fast.period', y: 'slow.period' });
    expect(h.xs).toEqual([5, 10]);
    expect(h.ys).toEqual([40, 80, 120]);
    expect(h.cells).toHaveLength(6);
    const cell = h.cells.find((c) => h.xs[c.x] === 10 && h.ys[c.y] === 80)!;
    // order.percent 100 beats 50 on this Sharpe.
    expect(cell).toMatchObject({ value: 1080.1, count: 2 });
    expect(cell.trial!.params).toEqual({ 'fast.period': 10, 'slow.period': 80, 'order.percent': 100 });
    expect(h.min).toBe(540.1);
    expect(h.max).toBe(1120.1);
  });

  it('averages over the other params when asked, or holds one at a value', () => {
    const mean = buildHeatmap(dims, trials, 'sharpe', { x: 'fast.period', y: 'slow.period' }, { 'order.percent': { kind: 'mean' } });
    expect(mean.cells[0]).toMatchObject({ value: 540.075, count: 2 });
    const fixed = buildHeatmap(dims, trials, 'sharpe', { x: 'fast.period', y: 'slow.period' }, { 'order.percent': { kind: 'fixed', value: 50 } });
    expect(fixed.cells[0]).toMatchObject({ value: 540.05, count: 1 });
    expect(fixed.cells[0]!.trial!.params['order.percent']).toBe(50);
  });

  it('with one param "best" and another "mean", shows the best over the first of the mean over the second, as the caption says', () => {
    // A one-axis map over fast.period: the cell for 5 holds slow.period 40/80/120 × order.percent 50/100.
    const h = buildHeatmap(dims, trials, 'sharpe', { x: 'fast.period', y: null }, { 'slow.period': { kind: 'best' }, 'order.percent': { kind: 'mean' } });
    expect(describeOthers(dims, { x: 'fast.period', y: null }, { 'slow.period': { kind: 'best' }, 'order.percent': { kind: 'mean' } })).toBe('best over slow.period; mean over order.percent');
    // Best slow.period (120) of the mean over order.percent: 500 + 120 + 0.075; the mean of all six would be 580.075.
    expect(h.cells[0]).toMatchObject({ value: 620.075, count: 6 });
    expect(h.cells[0]!.trial!.params).toMatchObject({ 'slow.period': 120, 'order.percent': 100 });
  });

  it('keeps the best by the metric’s own direction: the smallest drawdown wins', () => {
    const h = buildHeatmap(dims, trials, 'maxDrawdown', { x: 'slow.period', y: 'order.percent' });
    expect(h.better).toBe('lower');
    const cell = h.cells.find((c) => h.xs[c.x] === 40 && h.ys[c.y] === 50)!;
    expect(cell.value).toBe(5.4);
    expect(cell.trial!.params['fast.period']).toBe(5);
  });

  it('leaves cells with no results empty: failed trials and trials a random sweep did not draw', () => {
    const some = grid((f, s, p) => (s === 120 ? null : f + s + p)).filter((t) => !(t.params['fast.period'] === 5 && t.params['slow.period'] === 40));
    const h = buildHeatmap(dims, some, 'sharpe', { x: 'fast.period', y: 'slow.period' });
    expect(h.cells.filter((c) => c.value === null).map((c) => [h.xs[c.x], h.ys[c.y]])).toEqual([[5, 40], [5, 120], [10, 120]]);
    expect(h.cells.find((c) => c.value === null)).toMatchObject({ trial: null, count: 0 });
  });

  it('draws a one-param sweep as one row, and names unknown axes', () => {
    const one = [{ key: 'fast.period', values: [5, 10, 20] }];
    const t = [5, 10, 20].map((f, i): TrialPoint => ({ trialIndex: i, params: { 'fast.period': f }, metrics: { sharpe: f } as unknown as Metrics, error: null }));
    const h = buildHeatmap(one, t, 'sharpe', defaultAxes(one)!);
    expect(h.ys).toEqual([null]);
    expect(h.cells.map((c) => c.value)).toEqual([5, 10, 20]);
    expect(() => buildHeatmap(one, t, 'sharpe', { x: 'nope.param', y: null })).toThrow(/nope\.param/);
  });
});

describe('axis selection', () => {
  it('opens on the first two params and swaps when a param moves to the other axis', () => {
    expect(defaultAxes(dims)).toEqual({ x: 'fast.period', y: 'slow.period' });
    expect(defaultAxes([])).toBeNull();
    expect(chooseAxis({ x: 'fast.period', y: 'slow.period' }, 'x', 'slow.period')).toEqual({ x: 'slow.period', y: 'fast.period' });
    expect(chooseAxis({ x: 'fast.period', y: 'slow.period' }, 'y', 'order.percent')).toEqual({ x: 'fast.period', y: 'order.percent' });
  });

  it('says what happens to the params not on an axis', () => {
    const axes = { x: 'fast.period', y: 'slow.period' };
    expect(describeOthers(dims, axes, {})).toBe('best over order.percent');
    expect(describeOthers(dims, axes, { 'order.percent': { kind: 'mean' } })).toBe('mean over order.percent');
    expect(describeOthers(dims, axes, { 'order.percent': { kind: 'fixed', value: 50 } })).toBe('order.percent fixed at 50');
    expect(describeOthers(dims.slice(0, 2), axes, {})).toBe('every trial is one cell');
  });
});

describe('colour scale', () => {
  it('centres on zero when values straddle it, symmetric so a small loss is only a little red', () => {
    expect(scalePosition(0, -1, 3, 'higher')).toBe(0.5);
    expect(scalePosition(3, -1, 3, 'higher')).toBe(1);
    expect(scalePosition(1.5, -1, 3, 'higher')).toBe(0.75);
    expect(scalePosition(-1, -1, 3, 'higher')).toBeCloseTo(1 / 3, 12);
    expect(scalePosition(-3, -3, 1, 'higher')).toBe(0);
  });

  it('spans min to max otherwise, and flips for lower-is-better metrics', () => {
    expect(scalePosition(10, 10, 30, 'higher')).toBe(0);
    expect(scalePosition(5, 5, 25, 'lower')).toBe(1);
    expect(scalePosition(4, 4, 4, 'higher')).toBe(0.5);
    expect(betterOf('maxDrawdown')).toBe('lower');
    expect(betterOf('trades')).toBe('higher');
  });

  it('runs from the loss red through slate to the gain teal', () => {
    expect(heatColour(0)).toBe('rgb(239, 83, 80)');
    expect(heatColour(0.5)).toBe('rgb(58, 68, 83)');
    expect(heatColour(1)).toBe('rgb(38, 166, 154)');
  });
});

describe('trial table order', () => {
  const trials = grid((f, s, p) => (f === 5 && s === 40 ? null : f + s / 10 + p / 1000));

  it('sorts by a metric best first, with trials lacking it last', () => {
    const sorted = sortTrials(trials, 'metric:sharpe', 'desc');
    expect(sorted[0]!.params).toEqual({ 'fast.period': 10, 'slow.period': 120, 'order.percent': 100 });
    expect(sorted.slice(-2).map((t) => t.metrics)).toEqual([null, null]);
  });

  it('sorts by a param, ties by trial index', () => {
    const sorted = sortTrials(trials, 'param:slow.period', 'asc');
    expect(sorted.slice(0, 4).map((t) => t.trialIndex)).toEqual([0, 1, 6, 7]);
  });
});
