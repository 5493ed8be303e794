import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { runNode } from '../../testing.ts';
import { csvBars } from './index.ts';

describe('data.csv', () => {
  it('publishes the closed bar from the context', () => {
    const out = runNode(csvBars, { params: { dataset: 'btc' }, ctx: [{ open: 1, high: 3, low: 0.5, close: 2, volume: 9 }] });
    expect([out.open[0], out.high[0], out.low[0], out.close[0], out.volume[0]]).toEqual([1, 3, 0.5, 2, 9]);
    expect(out.bars[0]).toEqual({ time: 0, open: 1, high: 3, low: 0.5, close: 2, volume: 9 });
  });

  it('asks for the uploaded dataset by id', () => {
    expect(csvBars.source!(csvBars.params.parse({ dataset: 'ds_123' }))).toEqual({ kind: 'dataset', datasetId: 'ds_123' });
  });

  it('refuses an empty dataset id', () => {
    expect(csvBars.params.safeParse({ dataset: '' }).success).toBe(false);
  });

  it('runs as the data node of a compiled graph', () => {
    const graph = fixture(
      {
        data: { type: 'data.csv', params: { dataset: 'spy' } },
        up: { type: 'logic.threshold', params: { operator: '>', level: 3 } },
        order: { type: 'order.targetPercent' },
      },
      ['data.close -> up.value', 'up.result -> order.enter'],
    );
    const run = runGraph(graph, makeBars({ close: [2, 4, 3] }), { close: 'data.close', up: 'up.result' });
    expect(run.plan.data).toEqual({ nodeId: 'data', request: { kind: 'dataset', datasetId: 'spy' } });
    expect(run.values.close).toEqual([2, 4, 3]);
    expect(run.values.up).toEqual([0, 1, 0]);
  });
});

describe('data.csv without a dataset', () => {
  it('is a compile error on the node, not a failure at run time', async () => {
    const { compile } = await import('../../../engine/compile.ts');
    const { registry } = await import('../../index.ts');
    const result = compile(
      {
        nodes: [
          { id: 'data', type: 'data.csv', params: {} },
          { id: 'order', type: 'order.targetPercent', params: {} },
          { id: 'gt', type: 'logic.threshold', params: { operator: '>', level: 0 } },
        ],
        edges: [
          { id: 'a', source: { node: 'data', port: 'close' }, target: { node: 'gt', port: 'value' } },
          { id: 'b', source: { node: 'gt', port: 'result' }, target: { node: 'order', port: 'enter' } },
        ],
      },
      registry,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([expect.objectContaining({ code: 'bad_params', nodeId: 'data', path: ['nodes', 0, 'params', 'dataset'], message: expect.stringContaining('pick an uploaded CSV file') })]);
  });
});
