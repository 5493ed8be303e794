import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import { compareWithReference } from '../../reference.ts';
import { createRegistry } from '../../registry.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { macd } from './index.ts';

describe('indicator.macd', () => {
  it('seeds the fast EMA on the slow one’s first bar, then smooths the difference into a signal', () => {
    const { macd: line, signal, histogram } = runNode(macd, { params: { fast: 2, slow: 3, signal: 2 }, inputs: { source: [4, 1, 3, 10, 4] } });
    // Slow EMA(3), k = 1/2: seed (4+1+3)/3 = 8/3 at index 2, then 19/3, 31/6.
    // Fast EMA(2), k = 2/3, seeded at index 2 too with (1+3)/2 = 2 (not at index 1), then 22/3, 46/9.
    // MACD: −2/3, 1, −1/18. Signal EMA(2): seed (−2/3 + 1)/2 = 1/6 at index 3, then 1/6 + 2/3·(−1/18 − 1/6) = 1/54.
    expect(line.slice(0, 3)).toEqual([NaN, NaN, NaN]);
    expect(signal.slice(0, 3)).toEqual([NaN, NaN, NaN]);
    expect(histogram.slice(0, 3)).toEqual([NaN, NaN, NaN]);
    expect(line[3]).toBeCloseTo(1, 12);
    expect(signal[3]).toBeCloseTo(1 / 6, 12);
    expect(histogram[3]).toBeCloseTo(5 / 6, 12);
    expect(line[4]).toBeCloseTo(-1 / 18, 12);
    expect(signal[4]).toBeCloseTo(1 / 54, 12);
    expect(histogram[4]).toBeCloseTo(-2 / 27, 12);
  });

  it('all outputs start at index slow + signal − 2, as warmup() says', () => {
    const x = Array.from({ length: 60 }, (_, i) => 100 + 5 * Math.sin(i / 3));
    for (const [fast, slow, signal] of [[12, 26, 9], [3, 10, 1], [5, 5, 4]] as const) {
      const out = runNode(macd, { params: { fast, slow, signal }, inputs: { source: x } });
      for (const port of ['macd', 'signal', 'histogram']) expect(firstDefined(out[port]!)).toBe(slow + signal - 2);
      expect(macd.warmup!(macd.params.parse({ fast, slow, signal }))).toBe(slow + signal - 2);
    }
  });

  it('signal 1 is the MACD line itself; equal lengths read 0', () => {
    const x = [5, 3, 8, 6, 9, 4, 7];
    const one = runNode(macd, { params: { fast: 2, slow: 3, signal: 1 }, inputs: { source: x } });
    expect(one.signal.slice(2)).toEqual(one.macd.slice(2));
    expect(one.histogram.slice(2)).toEqual([0, 0, 0, 0, 0]);
    expect(runNode(macd, { params: { fast: 3, slow: 3, signal: 2 }, inputs: { source: x } }).macd.slice(3)).toEqual([0, 0, 0, 0]);
  });

  it('swaps fast and slow when given the wrong way round, as TA-Lib does', () => {
    const x = [4, 1, 3, 10, 4, 6, 2, 8];
    expect(runNode(macd, { params: { fast: 3, slow: 2, signal: 2 }, inputs: { source: x } })).toEqual(runNode(macd, { params: { fast: 2, slow: 3, signal: 2 }, inputs: { source: x } }));
  });

  it('a NaN restarts all three lines', () => {
    const { macd: line, histogram } = runNode(macd, { params: { fast: 2, slow: 3, signal: 2 }, inputs: { source: [9, 9, 9, 9, NaN, 4, 1, 3, 10, 4] } });
    expect(line[3]).toBe(0);
    expect(line.slice(4, 8).every(Number.isNaN)).toBe(true);
    expect(line[8]).toBeCloseTo(1, 12);
    expect(histogram[9]).toBeCloseTo(-2 / 27, 12);
  });

  it('defaults to 12, 26, 9', () => {
    expect(macd.params.parse({})).toEqual({ fast: 12, slow: 26, signal: 9 });
    expect(macd.params.safeParse({ fast: 1 }).success).toBe(false);
    expect(macd.params.safeParse({ signal: 0 }).success).toBe(false);
  });

  it('feeds a crossover on its histogram in a compiled graph', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        m: { type: 'indicator.macd', params: { fast: 2, slow: 3, signal: 2 } },
        up: { type: 'logic.threshold', params: { operator: '>', level: 0 } },
        order: { type: 'order.targetPercent' },
      },
      ['data.close -> m.source', 'm.histogram -> up.value', 'up.result -> order.enter'],
    );
    const reg = createRegistry([...registry.definitions.filter((d) => d.type !== macd.type), macd]);
    const run = runGraph(graph, makeBars({ close: [4, 1, 3, 10, 4] }), { h: 'm.histogram', up: 'up.result' }, reg);
    expect(run.plan.warmup).toBe(3);
    expect(run.values.up).toEqual([NaN, NaN, NaN, 1, 0]);
    expect(run.values.h[4]).toBeCloseTo(-2 / 27, 12);
  });
});

describe('indicator.macd against TA-Lib', () => {
  it('matches TA-Lib MACD (macd, signal, hist) to 1e-9 on the reference bars, including its warm-up', () => {
    const result = compareWithReference(macd);
    expect(result.compared).toBeGreaterThan(5000);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
