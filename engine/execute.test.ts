import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineNode } from '../nodes/contract.ts';
import { registry } from '../nodes/index.ts';
import { createRegistry } from '../nodes/registry.ts';
import { fixture, makeBars, runGraph } from './testing.ts';

/** A node that reads a whole bar: the range, and the bar's time, passed through. */
const range = defineNode({
  type: 'indicator.testRange',
  version: 1,
  category: 'indicator',
  title: 'Range',
  description: 'High minus low (test node).',
  docs: { example: '', caveats: [] },
  inputs: { bars: { kind: 'bars', description: 'Bars.' }, other: { kind: 'bars', description: 'Unwired bars.', optional: true } },
  outputs: { range: { kind: 'number', description: 'High − low.' }, time: { kind: 'number', description: 'Bar time.' }, unwired: { kind: 'number', description: 'NaN.' } },
  params: z.object({}),
  init: () => ({}),
  step(_s, _p, input, out) {
    out.range = input.bars.high - input.bars.low;
    out.time = input.bars.time;
    out.unwired = input.other.close;
  },
});
const withRange = createRegistry([...registry.definitions, range]);

describe('executor', () => {
  it('delivers a bars port field by field through the generated loop, and NaN to an unwired one', () => {
    const bars = makeBars({ close: [10, 11, 12, 11], high: [10.5, 12, 12.5, 11.2], low: [9, 10.5, 11.8, 10.9] });
    const graph = fixture(
      { data: { type: 'data.csv', params: { dataset: 'x' } }, r: { type: 'indicator.testRange' }, gt: { type: 'logic.threshold' }, order: { type: 'order.targetPercent' } },
      ['data.bars -> r.bars', 'r.range -> gt.value', 'gt.result -> order.enter'],
    );
    const run = runGraph(graph, bars, { range: 'r.range', time: 'r.time', unwired: 'r.unwired' }, withRange);
    expect(run.values.range!.map((v) => +v.toFixed(9))).toEqual([1.5, 1.5, 0.7, 0.3]);
    expect(run.values.time).toEqual([...bars.time]);
    expect(run.values.unwired!.every(Number.isNaN)).toBe(true);
  });
});
