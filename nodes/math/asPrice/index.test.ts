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
});
