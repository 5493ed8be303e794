import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { registry } from '../../nodes/index.ts';
import { Graph } from '../graph.ts';
import { applyParams, comboAt, expandRange, gridSize, overrideErrors, paramSpace } from './space.ts';
import { trialCombos, trialCount } from './sampling.ts';

const base = JSON.parse(readFileSync(new URL('../../docs/examples/sma-crossover.json', import.meta.url), 'utf8'));
function withOptimize(spec: Record<string, Record<string, unknown>>) {
  const g = structuredClone(base);
  for (const n of g.nodes) if (spec[n.id]) n.optimize = spec[n.id];
  return g;
}

describe('param ranges', () => {
  it('expands min/max/step without float drift, and dedupes value lists', () => {
    expect(expandRange({ min: 5, max: 20, step: 5 })).toEqual([5, 10, 15, 20]);
    expect(expandRange({ min: 0.1, max: 0.5, step: 0.1 })).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(expandRange({ min: 1, max: 2, step: 5 })).toEqual([1]);
    expect(expandRange({ values: [3, 1, 3, 2] })).toEqual([3, 1, 2]);
  });

  it('bounds ranges in the graph schema', () => {
    expect(Graph.safeParse(withOptimize({ fast: { period: { min: 10, max: 5, step: 1 } } })).success).toBe(false);
    expect(Graph.safeParse(withOptimize({ fast: { period: { min: 0, max: 1e6, step: 1 } } })).success).toBe(false);
    expect(Graph.safeParse(withOptimize({ fast: { period: { values: [] } } })).success).toBe(false);
    // A zero step has its one error, not also 'at most 10 000 steps'.
    const zero = Graph.safeParse(withOptimize({ fast: { period: { min: 5, max: 30, step: 0 } } }));
    expect(zero.error?.issues.filter((i) => i.path.at(-1) === 'step').map((i) => i.message)).toEqual([expect.stringMatching(/>0|positive/i)]);
    expect(Graph.parse(withOptimize({ fast: { period: { values: [5, 10] } } })).nodes[1]!.optimize).toEqual({ period: { values: [5, 10] } });
  });
});

describe('the search space', () => {
  it('lists each optimisable param as a dimension keyed nodeId.param', () => {
    const space = paramSpace(withOptimize({ fast: { period: { min: 5, max: 15, step: 5 } }, slow: { period: { values: [40, 60] } } }), registry);
    expect(space).toEqual({
      ok: true,
      dimensions: [
        { key: 'fast.period', nodeId: 'fast', param: 'period', values: [5, 10, 15] },
        { key: 'slow.period', nodeId: 'slow', param: 'period', values: [40, 60] },
      ],
    });
  });

  it('checks params and values against the node’s own schema, pointing at the node', () => {
    const space = paramSpace(withOptimize({ fast: { period: { values: [5, 7.5] }, length: { values: [1] } }, slow: { period: { values: [0] } } }), registry);
    expect(space.ok).toBe(false);
    if (space.ok) return;
    expect(space.errors).toEqual([
      expect.objectContaining({ code: 'bad_params', nodeId: 'fast', path: ['nodes', 1, 'optimize', 'period'], message: expect.stringContaining('7.5') }),
      expect.objectContaining({ code: 'bad_params', nodeId: 'fast', path: ['nodes', 1, 'optimize', 'length'], message: expect.stringContaining('no param "length"') }),
      expect.objectContaining({ code: 'bad_params', nodeId: 'slow', path: ['nodes', 2, 'optimize', 'period'] }),
    ]);
  });

  it('refuses to vary a data node’s param: every trial runs on the bars loaded once', () => {
    const space = paramSpace(withOptimize({ data: { seed: { values: [1, 2, 3] } } }), registry);
    expect(space.ok).toBe(false);
    if (space.ok) return;
    expect(space.errors).toEqual([expect.objectContaining({ code: 'bad_params', nodeId: 'data', path: ['nodes', 0, 'optimize', 'seed'] })]);
    expect(space.errors[0]!.message).toBe('Synthetic bars "seed" cannot vary in a research run: every trial runs on the same bars, loaded once (change it in the strategy instead)');
    expect(overrideErrors(Graph.parse(base), { 'data.bars': 100 }, registry)).toEqual(['"data.bars": Synthetic bars "bars" cannot vary in a research run: every trial runs on the same bars, loaded once (change it in the strategy instead)']);
  });

  it('walks the grid in mixed radix, last dimension fastest, covering every combination once', () => {
    const dims = [
      { key: 'a.x', nodeId: 'a', param: 'x', values: [1, 2, 3] },
      { key: 'b.y', nodeId: 'b', param: 'y', values: [10, 20] },
    ];
    expect(gridSize(dims)).toBe(6);
    const all = Array.from({ length: 6 }, (_, i) => comboAt(dims, i));
    expect(all[0]).toEqual({ 'a.x': 1, 'b.y': 10 });
    expect(all[1]).toEqual({ 'a.x': 1, 'b.y': 20 });
    expect(all[5]).toEqual({ 'a.x': 3, 'b.y': 20 });
    expect(new Set(all.map((c) => JSON.stringify(c))).size).toBe(6);
    expect(gridSize([])).toBe(1);
    expect(comboAt([], 0)).toEqual({});
  });

  it('samples a seeded random subset of the grid without repeats', () => {
    const dims = [
      { key: 'a.x', nodeId: 'a', param: 'x', values: Array.from({ length: 100 }, (_, i) => i) },
      { key: 'b.y', nodeId: 'b', param: 'y', values: Array.from({ length: 100 }, (_, i) => i) },
    ];
    const sampling = { kind: 'random' as const, samples: 50, seed: 4 };
    const combos = trialCombos(dims, sampling);
    expect(combos).toHaveLength(50);
    expect(new Set(combos).size).toBe(50);
    expect(trialCombos(dims, sampling)).toEqual(combos);
    expect(trialCombos(dims, { ...sampling, seed: 5 })).not.toEqual(combos);
    expect(trialCount(dims, { kind: 'random', samples: 1e5, seed: 1 })).toBe(10_000);
    expect(trialCombos(dims, { kind: 'grid' })).toHaveLength(10_000);
  });
});

describe('applying params', () => {
  it('sets the named params and leaves everything else alone', () => {
    const g = Graph.parse(base);
    const out = applyParams(g, { 'fast.period': 7, 'order.percent': 50 }, registry);
    expect(out.nodes.find((n) => n.id === 'fast')!.params.period).toBe(7);
    expect(out.nodes.find((n) => n.id === 'order')!.params.percent).toBe(50);
    expect(out.nodes.find((n) => n.id === 'slow')).toBe(g.nodes.find((n) => n.id === 'slow'));
    expect(g.nodes.find((n) => n.id === 'fast')!.params.period).toBe(10);
  });

  it('names unknown nodes and params in a hand-written override', () => {
    const g = Graph.parse(base);
    expect(overrideErrors(g, { 'fast.period': 3 }, registry)).toEqual([]);
    expect(overrideErrors(g, { 'nope.period': 3, 'fast.length': 2 }, registry)).toEqual([expect.stringContaining('no node "nope"'), expect.stringContaining('no param "length"')]);
  });
});
