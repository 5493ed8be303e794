import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import type { Bar } from '../../ports.ts';
import { compareWithReference } from '../../reference.ts';
import { createRegistry } from '../../registry.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { vwap } from './index.ts';

const HOUR = 3_600_000;
const day2 = Date.UTC(2024, 0, 2);
const bar = (time: number, high: number, low: number, close: number, volume: number): Bar => ({ time, open: close, high, low, close, volume });
// Typical prices 10, 12 on Jan 1 (22:00, 23:00), then 20, 10 on Jan 2 (00:00, 01:00).
const bars = [bar(day2 - 2 * HOUR, 12, 9, 9, 100), bar(day2 - HOUR, 13, 11, 12, 300), bar(day2, 21, 18, 21, 50), bar(day2 + HOUR, 11, 9, 10, 50)];

describe('indicator.vwap', () => {
  it('volume-weights the typical price and starts afresh at UTC midnight', () => {
    const { value } = runNode(vwap, { inputs: { bars } });
    // (10·100 + 12·300)/400 = 11.5; new day: 20, then (20·50 + 10·50)/100 = 15.
    expect(value).toEqual([10, 11.5, 20, 15]);
    expect(firstDefined(value)).toBe(vwap.warmup!(vwap.params.parse({})));
  });

  it('session "never" accumulates over the whole run', () => {
    const { value } = runNode(vwap, { params: { session: 'never' }, inputs: { bars } });
    expect(value).toEqual([10, 11.5, 5600 / 450, 6100 / 500]);
  });

  it('without volume yet it is the plain average of typical prices, then volume takes over', () => {
    const t = Date.UTC(2024, 0, 1);
    const { value } = runNode(vwap, { inputs: { bars: [bar(t, 12, 9, 9, 0), bar(t + HOUR, 13, 11, 12, 0), bar(t + 2 * HOUR, 15, 13, 14, 100)] } });
    expect(value).toEqual([10, 11, 14]);
  });

  it('a NaN bar outputs NaN and starts a new session', () => {
    const { value } = runNode(vwap, { params: { session: 'never' }, inputs: { bars: [bars[0]!, bar(0, NaN, 1, 1, 1), bars[1]!, bars[2]!] } });
    expect(value).toEqual([10, NaN, 12, (3600 + 1000) / 350]);
    // With daily sessions the time matters too.
    expect(runNode(vwap, { inputs: { bars: [bars[0]!, bar(NaN, 1, 1, 1, 1), bars[1]!] } }).value).toEqual([10, NaN, 12]);
  });

  it('defaults to daily sessions and refuses others', () => {
    expect(vwap.params.parse({}).session).toBe('day');
    expect(vwap.params.safeParse({ session: 'week' }).success).toBe(false);
  });

  it('resets each day on daily bars in a compiled graph (VWAP = typical price)', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        v: { type: 'indicator.vwap' },
        above: { type: 'logic.compare', params: { operator: '>' } },
        order: { type: 'order.targetPercent' },
      },
      ['data.bars -> v.bars', 'data.close -> above.a', 'v.value -> above.b', 'above.result -> order.enter'],
    );
    const b = makeBars({ close: [10, 12, 11], high: [11, 13, 12], low: [9, 8, 10] });
    const run = runGraph(graph, b, { v: 'v.value' }, createRegistry([...registry.definitions.filter((d) => d.type !== vwap.type), vwap]));
    expect(run.values.v).toEqual([10, 11, 11]);
  });
});

describe('indicator.vwap against the reference', () => {
  it('matches the pandas groupby reference to 1e-9 on the hourly reference bars (25 UTC days)', () => {
    const result = compareWithReference(vwap);
    expect(result.compared).toBe(1200);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
