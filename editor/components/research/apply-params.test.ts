import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../api.ts';
import type { GraphInput } from '../../../engine/graph.ts';
import { dataBars, paramEdits } from './apply-params.ts';

const nodes = [
  { id: 'fast', data: { params: { period: 10, source: 'close' } } },
  { id: 'slow', data: { params: { period: 50 } } },
  { id: 'my-node_2', data: { params: { k: 1 } } },
];

describe('applying a trial’s params', () => {
  it('merges each value into its node’s params, one edit per node, and says which changed', () => {
    const r = paramEdits(nodes, { 'fast.period': 15, 'slow.period': 50, 'my-node_2.k': 2 });
    expect(r.edits).toEqual([
      { nodeId: 'fast', params: { period: 15, source: 'close' } },
      { nodeId: 'slow', params: { period: 50 } },
      { nodeId: 'my-node_2', params: { k: 2 } },
    ]);
    expect(r.changed).toEqual(['fast.period', 'my-node_2.k']);
    expect(r.missing).toEqual([]);
  });

  it('names params of nodes that are gone instead of dropping them silently', () => {
    const r = paramEdits(nodes, { 'gone.period': 3, 'fast.period': 12 });
    expect(r.missing).toEqual(['gone.period']);
    expect(r.edits).toEqual([{ nodeId: 'fast', params: { period: 12, source: 'close' } }]);
  });

  it('never edits the nodes it was given', () => {
    paramEdits(nodes, { 'fast.period': 99 });
    expect(nodes[0]!.data.params.period).toBe(10);
  });
});

describe('bars a study will run on', () => {
  const datasets = [{ id: 'd1', name: 'btc', bars: 8760 }] as Dataset[];
  const graph = (params: Record<string, unknown>, type = 'data.synthetic'): GraphInput => ({ nodes: [{ id: 'data', type, params }], edges: [] });

  it('reads the graph’s synthetic node, or the engine default when it does not say', () => {
    expect(dataBars(graph({ bars: 2000 }), undefined, datasets)).toBe(2000);
    expect(dataBars(graph({}), undefined, datasets)).toBe(5000);
    expect(dataBars(graph({ bars: 2000 }), { kind: 'synthetic', seed: 3 }, datasets)).toBe(2000);
  });

  it('reads a dataset’s length, chosen in the graph or for the study', () => {
    expect(dataBars(graph({ dataset: 'd1' }, 'data.csv'), undefined, datasets)).toBe(8760);
    expect(dataBars(graph({ bars: 2000 }), { kind: 'dataset', datasetId: 'd1' }, datasets)).toBe(8760);
    expect(dataBars(graph({ dataset: 'nope' }, 'data.csv'), undefined, datasets)).toBeNull();
    expect(dataBars({ nodes: [], edges: [] }, undefined, datasets)).toBeNull();
  });
});
