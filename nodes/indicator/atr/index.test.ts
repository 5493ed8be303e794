import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import type { Bar } from '../../ports.ts';
import { compareWithReference } from '../../reference.ts';
import { createRegistry } from '../../registry.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { atr } from './index.ts';

const bar = (high: number, low: number, close: number): Bar => ({ time: 0, open: close, high, low, close, volume: 1000 });
const nanBar: Bar = { time: 0, open: NaN, high: NaN, low: NaN, close: NaN, volume: NaN };

// True ranges from bar 1: 3 (range), 1 (gap down to the previous close 11), 5 (gap up from 10 to 15), 1, 6.
const bars = [bar(10, 8, 9), bar(12, 9, 11), bar(11, 10, 10), bar(15, 12, 14), bar(14, 13, 13), bar(13, 7, 8)];

describe('indicator.atr', () => {
  it('seeds with the mean of N true ranges, then smooths like Wilder', () => {
    const { value } = runNode(atr, { params: { period: 3 }, inputs: { bars } });
    expect(value.slice(0, 3).every(Number.isNaN)).toBe(true);
    // (3 + 1 + 5) / 3 = 3; then (3·2 + 1) / 3 = 7/3; then (7/3·2 + 6) / 3 = 32/9.
    expect(value[3]).toBeCloseTo(3, 12);
    expect(value[4]).toBeCloseTo(7 / 3, 12);
    expect(value[5]).toBeCloseTo(32 / 9, 12);
  });

  it('period 1 is the true range itself', () => {
    expect(runNode(atr, { params: { period: 1 }, inputs: { bars } }).value).toEqual([NaN, 3, 1, 5, 1, 6]);
  });

  it('first value at index N, as warmup() says', () => {
    for (const period of [1, 2, 4]) {
      const { value } = runNode(atr, { params: { period }, inputs: { bars } });
      expect(firstDefined(value)).toBe(period);
      expect(atr.warmup!(atr.params.parse({ period }))).toBe(period);
    }
  });

  it('a NaN bar restarts the warm-up, forgetting the bars before it', () => {
    const { value } = runNode(atr, { params: { period: 2 }, inputs: { bars: [bar(10, 8, 9), bar(12, 9, 11), bar(11, 10, 10), nanBar, bar(50, 40, 45), bar(52, 44, 50), bar(55, 50, 51)] } });
    // After the NaN: 45 is the new first close; true ranges 8 and 5 → 6.5.
    expect(value.slice(3, 6).every(Number.isNaN)).toBe(true);
    expect(value[6]).toBe(6.5);
  });

  it('reads 0, not NaN, on flat bars', () => {
    const { value } = runNode(atr, { params: { period: 3 }, inputs: { bars: Array.from({ length: 6 }, () => bar(5, 5, 5)) } });
    expect(value.slice(3)).toEqual([0, 0, 0]);
  });

  it('defaults to 14 and refuses a period below 1', () => {
    expect(atr.params.parse({}).period).toBe(14);
    expect(atr.params.safeParse({ period: 0 }).success).toBe(false);
  });

  it('takes the data node’s bars in a compiled graph', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        range: { type: 'indicator.atr', params: { period: 2 } },
        calm: { type: 'logic.threshold', params: { operator: '<', level: 2 } },
        order: { type: 'order.targetPercent' },
      },
      ['data.bars -> range.bars', 'range.value -> calm.value', 'calm.result -> order.enter'],
    );
    // makeBars: each bar opens at the previous close, high/low = max/min(open, close): true range = |Δclose|.
    const run = runGraph(graph, makeBars({ close: [10, 11, 14, 13, 13] }), { range: 'range.value' }, createRegistry([...registry.definitions.filter((d) => d.type !== atr.type), atr]));
    expect(run.plan.warmup).toBe(2);
    // True ranges 1, 3, 1, 0: (1 + 3)/2 = 2, (2 + 1)/2 = 1.5, (1.5 + 0)/2 = 0.75.
    expect(run.values.range).toEqual([NaN, NaN, 2, 1.5, 0.75]);
  });
});

describe('indicator.atr against TA-Lib', () => {
  it('matches TA-Lib ATR to 1e-9 on the reference bars, including its warm-up', () => {
    const result = compareWithReference(atr);
    expect(result.compared).toBeGreaterThan(1500);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
