import { describe, expect, it } from 'vitest';
import type { GraphInput } from '../engine/graph.ts';
import type { Dataset } from './api.ts';
import { describeGraphData, describeRunData } from './data-source.ts';

const btc: Dataset = { id: 'd1', name: 'btc-1h.csv', bars: 8760, startTime: '2024-01-01T00:00:00Z', endTime: '2024-12-30T23:00:00Z', createdAt: '2025-01-01T00:00:00Z' };
const withNodes = (nodes: GraphInput['nodes']): GraphInput => ({ nodes, edges: [] });

describe('data descriptions', () => {
  it('says what the graph reads, filling the synthetic node’s defaults', () => {
    expect(describeGraphData(withNodes([{ id: 's', type: 'data.synthetic', params: { seed: 7, bars: 15_000_000 } }]), [])).toBe('Synthetic · seed 7 · 15,000,000 bars');
    expect(describeGraphData(withNodes([{ id: 's', type: 'data.synthetic' }]), [])).toBe('Synthetic · seed 42 · 5,000 bars');
    expect(describeGraphData(withNodes([{ id: 'c', type: 'data.csv', params: { dataset: 'd1' } }]), [btc])).toBe('CSV btc-1h.csv · 8,760 bars');
    expect(describeGraphData(withNodes([{ id: 'c', type: 'data.csv', params: { dataset: '' } }]), [btc])).toBe('CSV node without a dataset chosen');
    expect(describeGraphData(withNodes([]), [])).toBe('No data node in the graph yet');
  });

  it('labels a past run’s data', () => {
    expect(describeRunData(null, [])).toBe('as in graph');
    expect(describeRunData({ kind: 'synthetic', seed: 7 }, [])).toBe('seed 7');
    expect(describeRunData({ kind: 'dataset', datasetId: 'd1' }, [btc])).toBe('btc-1h.csv');
    expect(describeRunData({ kind: 'dataset', datasetId: 'gone' }, [btc])).toBe('deleted dataset');
  });

  it('names a basket’s symbols as the engine will: the given symbol, else the file name without .csv', () => {
    const eth: Dataset = { ...btc, id: 'd2', name: 'ETH.csv' };
    const basket = (datasets: unknown) => withNodes([{ id: 'b', type: 'data.csvBasket', params: { datasets } }]);
    expect(describeGraphData(basket([{ datasetId: 'd1' }, { datasetId: 'd2', symbol: 'ETHUSD' }]), [btc, eth])).toBe('CSV basket · 2 symbols: btc-1h, ETHUSD');
    expect(describeGraphData(basket([{ datasetId: 'd1' }, { datasetId: 'gone' }]), [btc])).toBe('CSV basket · 2 symbols: btc-1h, deleted dataset');
    expect(describeGraphData(basket(undefined), [btc])).toBe('CSV basket without datasets chosen');
    const many = Array.from({ length: 6 }, (_, i) => ({ datasetId: `x${i}`, symbol: `S${i}` }));
    expect(describeGraphData(basket(many), [])).toBe('CSV basket · 6 symbols: S0, S1, S2, S3 +2');
    expect(describeRunData({ kind: 'datasets', datasets: [{ datasetId: 'd1', symbol: 'BTC' }, { datasetId: 'd2' }] }, [btc, eth])).toBe('BTC, ETH');
  });
});
