import { describe, expect, it } from 'vitest';
import { drawdownSeries, returnSeries } from './drawdown.ts';

const pts = (values: number[]) => values.map((value, i) => ({ time: i * 1000, value }));

describe('drawdownSeries', () => {
  it('measures each point against the running peak, 0 at new highs', () => {
    const dd = drawdownSeries(pts([100, 110, 99, 121, 60.5, 121]));
    expect(dd.map((p) => +p.value.toFixed(6))).toEqual([0, 0, -0.1, 0, -0.5, 0]);
    expect(dd.map((p) => p.time)).toEqual([0, 1000, 2000, 3000, 4000, 5000]);
  });

  it('skips values that are not finite and a curve with no positive peak yet', () => {
    expect(drawdownSeries(pts([NaN, 0, 50, Infinity, 25])).map((p) => [p.time, p.value])).toEqual([
      [2000, 0],
      [4000, -0.5],
    ]);
    expect(drawdownSeries([])).toEqual([]);
  });
});

describe('returnSeries', () => {
  it('rebases equity on its first point', () => {
    expect(returnSeries(pts([200, 220, 180])).map((p) => +p.value.toFixed(6))).toEqual([0, 0.1, -0.1]);
    expect(returnSeries(pts([NaN]))).toEqual([]);
  });
});
