import { describe, expect, it } from 'vitest';
import { compile } from '../../../engine/compile.ts';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import { runNode } from '../../testing.ts';
import { asPrice } from './index.ts';

describe('math.asPrice', () => {
  it('passes the value through, NaN included', () => {
    expect(runNode(asPrice, { inputs: { value: [101.5, NaN, -1] } }).price).toEqual([101.5, NaN, -1]);
  });

  it('lets a band of the close feed an order’s Price, which a Number cannot', () => {
    const nodes = {
      data: { type: 'data.synthetic' },
      bb: { type: 'indicator.bollinger', params: { period: 3 } },
      up: { type: 'logic.crossover' },
      order: { type: 'order.stopLimit' },
    };
    const edges = ['data.close -> bb.source', 'data.close -> up.a', 'bb.middle -> up.b', 'up.above -> order.enter'];
    const direct = compile(fixture(nodes, [...edges, 'bb.upper -> order.price']), registry);
    expect(direct.ok ? [] : direct.errors.map((e) => e.code)).toEqual(['port_kind_mismatch']);

    const graph = fixture({ ...nodes, level: { type: 'math.asPrice' } }, [...edges, 'bb.upper -> level.value', 'level.price -> order.price']);
    const close = [10, 10, 10, 10, 11, 12, 12.5, 13];
    const run = runGraph(graph, makeBars({ close }), { band: 'bb.upper', level: 'level.price' });
    expect(run.values.level).toEqual(run.values.band);
    expect(run.values.level.slice(2).every((v) => v > 0)).toBe(true);
  });

  it('sets a stop-limit order’s stop at the band, where it then fills', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        bb: { type: 'indicator.bollinger', params: { period: 3 } },
        up: { type: 'logic.crossover' },
        level: { type: 'math.asPrice' },
        order: { type: 'order.stopLimit', params: { sizeMode: 'units', size: 5 } },
      },
      ['data.close -> bb.source', 'data.close -> up.a', 'bb.middle -> up.b', 'up.above -> order.enter', 'bb.upper -> level.value', 'level.price -> order.price'],
    );
    // Bar 4 closes above the middle band (10.33): the entry. The stop is that bar's upper band,
    // 10.33 + 2 × 0.471 = 11.276; bar 5 opens below it and trades through it, so it fills at the stop.
    const bars = makeBars({ close: [10, 10, 10, 10, 11, 11.4, 11.4], open: [10, 10, 10, 10, 10, 11.1, 11.4], high: [10, 10, 10, 10, 11, 11.5, 11.4], low: [10, 10, 10, 10, 10, 11, 11.4] });
    const run = runGraph(graph, bars, { band: 'bb.upper' });
    const band = run.values.band[4]!;
    expect(band).toBeCloseTo(10 + 1 / 3 + 2 * Math.sqrt(2 / 9), 12);
    // Enter alone is wired (level mode) and is true one bar: the position leaves at the next open.
    expect(run.broker.fills.map((f) => [f.time, f.quantity, f.price])).toEqual([[bars.time[5], 5, band], [bars.time[6], -5, expect.closeTo(11.4 * (1 - 2e-4), 9)]]);
  });
});
