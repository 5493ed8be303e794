import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import { createRegistry } from '../../registry.ts';
import { runNode } from '../../testing.ts';
import { latch } from './index.ts';

describe('logic.latch', () => {
  it('turns on with Set, stays on, turns off with Reset', () => {
    const { active } = runNode(latch, { inputs: { set: [0, 1, 0, 0, 1, 0, 0], reset: [0, 0, 0, 1, 0, 0, 1] } });
    expect(active).toEqual([0, 1, 1, 0, 1, 1, 0]);
  });

  it('Reset wins when both fire, also on a latch that is already on', () => {
    const { active } = runNode(latch, { inputs: { set: [1, 1, 1, 0], reset: [1, 0, 1, 0] } });
    expect(active).toEqual([0, 1, 0, 0]);
  });

  it('hold bars: on for N bars from the Set bar; a new Set restarts the count', () => {
    const set = [1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0];
    // N = 3: bars 0–2 on; set at 5 → 5, 6, then set at 7 restarts → 7, 8, 9; off at 10.
    expect(runNode(latch, { params: { holdBars: 3 }, inputs: { set } }).active).toEqual([1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 0]);
    // N = 1 is a one-bar pulse; 0 holds for ever without a Reset.
    expect(runNode(latch, { params: { holdBars: 1 }, inputs: { set: [1, 1, 0, 0] } }).active).toEqual([1, 1, 0, 0]);
    expect(runNode(latch, { inputs: { set: [0, 1, 0, 0, 0] } }).active).toEqual([0, 1, 1, 1, 1]);
  });

  it('Reset ends a hold early', () => {
    expect(runNode(latch, { params: { holdBars: 5 }, inputs: { set: [1, 0, 0, 0], reset: [0, 0, 1, 0] } }).active).toEqual([1, 1, 0, 0]);
  });

  it('unknown (NaN) inputs read false: they neither set nor reset', () => {
    const { active } = runNode(latch, { inputs: { set: [NaN, 1, NaN, 0], reset: [NaN, NaN, NaN, 1] } });
    expect(active).toEqual([0, 1, 1, 0]);
  });

  it('refuses a negative or fractional hold', () => {
    expect(latch.params.parse({}).holdBars).toBe(0);
    expect(latch.params.safeParse({ holdBars: -1 }).success).toBe(false);
    expect(latch.params.safeParse({ holdBars: 1.5 }).success).toBe(false);
  });

  it('holds a dip entry until recovery in a compiled graph', () => {
    const reg = createRegistry([...registry.definitions.filter((d) => d.type !== latch.type), latch]);
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        dip: { type: 'logic.threshold', params: { operator: '<', level: 10 } },
        back: { type: 'logic.threshold', params: { operator: '>', level: 12 } },
        hold: { type: 'logic.latch' },
        order: { type: 'order.targetPercent' },
      },
      ['data.close -> dip.value', 'data.close -> back.value', 'dip.result -> hold.set', 'back.result -> hold.reset', 'hold.active -> order.enter'],
    );
    const run = runGraph(graph, makeBars({ close: [11, 9, 10, 11, 13, 11] }), { on: 'hold.active' }, reg);
    expect(run.values.on).toEqual([0, 1, 1, 1, 0, 0]);
  });
});
