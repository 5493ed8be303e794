import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../engine/random.ts';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import { compareWithReference } from '../../reference.ts';
import { createRegistry } from '../../registry.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { bollinger } from './index.ts';

const { SQRT2 } = Math;
const SQRT6 = Math.sqrt(6);

describe('indicator.bollinger', () => {
  it('SMA ± k population deviations, with %B and bandwidth (N = 3, k = 2)', () => {
    const out = runNode(bollinger, { params: { period: 3, multiplier: 2 }, inputs: { source: [1, 1, 4, 7, 4] } });
    expect(out.middle.slice(0, 2).every(Number.isNaN)).toBe(true);
    // [1, 1, 4]: mean 2, variance (1 + 1 + 4)/3 = 2 (divided by N, not N−1).
    expect(out.middle[2]).toBeCloseTo(2, 12);
    expect(out.upper[2]).toBeCloseTo(2 + 2 * SQRT2, 12);
    expect(out.lower[2]).toBeCloseTo(2 - 2 * SQRT2, 12);
    expect(out.percentB[2]).toBeCloseTo((2 + 2 * SQRT2) / (4 * SQRT2), 12);
    expect(out.bandwidth[2]).toBeCloseTo((4 * SQRT2) / 2, 12);
    // [1, 4, 7]: mean 4, variance 6.
    expect(out.upper[3]).toBeCloseTo(4 + 2 * SQRT6, 12);
    expect(out.percentB[3]).toBeCloseTo((3 + 2 * SQRT6) / (4 * SQRT6), 12);
    expect(out.bandwidth[3]).toBeCloseTo(SQRT6, 12);
    // [4, 7, 4]: mean 5, variance 2; the source (4) is below the middle.
    expect(out.lower[4]).toBeCloseTo(5 - 2 * SQRT2, 12);
    expect(out.percentB[4]).toBeCloseTo((-1 + 2 * SQRT2) / (4 * SQRT2), 12);
    expect(out.bandwidth[4]).toBeCloseTo((4 * SQRT2) / 5, 12);
  });

  it('first values at index N−1, as warmup() says', () => {
    for (const period of [2, 5]) {
      const out = runNode(bollinger, { params: { period }, inputs: { source: [3, 1, 4, 1, 5, 9, 2] } });
      for (const port of ['upper', 'middle', 'lower', 'percentB', 'bandwidth']) expect(firstDefined(out[port]!)).toBe(period - 1);
      expect(bollinger.warmup!(bollinger.params.parse({ period }))).toBe(period - 1);
    }
  });

  it('a NaN restarts the window', () => {
    const out = runNode(bollinger, { params: { period: 2, multiplier: 1 }, inputs: { source: [100, 0, NaN, 5, 7] } });
    expect(out.middle.slice(2, 4).every(Number.isNaN)).toBe(true);
    // [5, 7]: mean 6, deviation 1.
    expect(out.upper[4]).toBe(7);
    expect(out.lower[4]).toBe(5);
    expect(out.percentB[4]).toBe(1);
  });

  it('flat input collapses the bands: %B 0.5 and bandwidth 0, no division by zero', () => {
    const out = runNode(bollinger, { params: { period: 3 }, inputs: { source: [49.429707, 49.429707, 49.429707, 49.429707] } });
    expect(out.upper.slice(2)).toEqual([49.429707, 49.429707]);
    expect(out.lower.slice(2)).toEqual([49.429707, 49.429707]);
    expect(out.percentB.slice(2)).toEqual([0.5, 0.5]);
    expect(out.bandwidth.slice(2)).toEqual([0, 0]);
  });

  it('bandwidth is NaN (documented) when the middle is exactly 0', () => {
    const out = runNode(bollinger, { params: { period: 3 }, inputs: { source: [-1, 0, 1] } });
    expect(out.middle[2]).toBe(0);
    expect(out.bandwidth[2]).toBeNaN();
    expect(out.percentB[2]).toBeCloseTo((1 + 2 * Math.sqrt(2 / 3)) / (4 * Math.sqrt(2 / 3)), 12);
  });

  it('keeps its precision on large prices (sums taken about a value in the window)', () => {
    const out = runNode(bollinger, { params: { period: 3, multiplier: 1 }, inputs: { source: [1e9 + 1, 1e9 + 1, 1e9 + 4] } });
    expect(out.upper[2]! - out.middle[2]!).toBeCloseTo(SQRT2, 6);
  });

  it('refuses a period below 2 and a non-positive multiplier', () => {
    expect(bollinger.params.parse({})).toEqual({ period: 20, multiplier: 2 });
    expect(bollinger.params.safeParse({ period: 1 }).success).toBe(false);
    expect(bollinger.params.safeParse({ multiplier: 0 }).success).toBe(false);
  });

  it('bands the close in a compiled graph', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        bb: { type: 'indicator.bollinger', params: { period: 2, multiplier: 1 } },
        cheap: { type: 'logic.threshold', params: { operator: '<', level: 0.5 } },
        order: { type: 'order.targetPercent' },
      },
      ['data.close -> bb.source', 'bb.percentB -> cheap.value', 'cheap.result -> order.enter'],
    );
    const run = runGraph(graph, makeBars({ close: [10, 12, 11, 11] }), { mid: 'bb.middle', pb: 'bb.percentB' }, createRegistry([...registry.definitions.filter((d) => d.type !== bollinger.type), bollinger]));
    expect(run.plan.warmup).toBe(1);
    // Two values: the newer one sits exactly on a band (1 if it rose, 0 if it fell, 0.5 if flat).
    expect(run.values.mid).toEqual([NaN, 11, 11.5, 11]);
    expect(run.values.pb).toEqual([NaN, 1, 0, 0.5]);
  });

  it('running sums stay within 1e-12 of the two-pass bands over a long random walk with gaps, and a state saved without them resumes', () => {
    const rand = mulberry32(3);
    const source: number[] = [];
    for (let i = 0, x = 5_000; i < 20_000; i++) source.push(i % 4_999 === 100 ? NaN : (x += (rand() - 0.5) * 2));
    const n = 20;
    const out = runNode(bollinger, { params: { period: n, multiplier: 2 }, inputs: { source } });
    let worst = 0, from = 0;
    for (let t = 0; t < source.length; t++) {
      if (Number.isNaN(source[t])) from = t + 1;
      if (t - from + 1 < n) continue;
      const w = source.slice(t - n + 1, t + 1);
      const mean = w.reduce((a, v) => a + v, 0) / n;
      const sd = Math.sqrt(w.reduce((a, v) => a + (v - mean) ** 2, 0) / n);
      worst = Math.max(worst, Math.abs(out.middle[t]! - mean) / mean, Math.abs(out.upper[t]! - out.lower[t]! - 4 * sd) / (4 * sd));
    }
    expect(worst).toBeLessThan(1e-12);
    // A state from before the running sums (window, next and count only) carries on as a fresh one would.
    const s = bollinger.init(bollinger.params.parse({ period: 3 }), { source: true });
    const o = { upper: NaN, middle: NaN, lower: NaN, percentB: NaN, bandwidth: NaN };
    for (const v of [1, 1, 4]) bollinger.step(s, bollinger.params.parse({ period: 3 }), { source: v }, o, undefined as never);
    const old = { window: [...s.window], next: s.next, count: s.count } as typeof s;
    bollinger.step(old, bollinger.params.parse({ period: 3 }), { source: 7 }, o, undefined as never);
    expect(o.middle).toBeCloseTo(4, 12);
    expect(o.upper).toBeCloseTo(4 + 2 * SQRT6, 12);
  });
});

describe('indicator.bollinger against TA-Lib', () => {
  it('matches TA-Lib BBANDS (and %B, bandwidth from its bands) to 1e-9 on the reference bars, including its warm-up', () => {
    const result = compareWithReference(bollinger);
    expect(result.compared).toBeGreaterThan(5000);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
