import { describe, expect, it } from 'vitest';
import type { DataRequest } from '../nodes/contract.ts';
import { DataError, syntheticBars } from './bars.ts';
import { chooseData, loadBars } from './data.ts';

const fromGraph: DataRequest = { kind: 'synthetic', seed: 42, bars: 800, startPrice: 50, drift: 0.1, volatility: 0.3, intervalMinutes: 5, startTime: 1000 };

describe('chooseData', () => {
  it('keeps the graph’s own source when nothing is chosen', () => {
    expect(chooseData(fromGraph, undefined)).toBe(fromGraph);
  });

  it('a synthetic seed keeps the graph’s other synthetic settings; bars may be overridden too', () => {
    expect(chooseData(fromGraph, { kind: 'synthetic', seed: 7 })).toEqual({ ...fromGraph, seed: 7 });
    expect(chooseData(fromGraph, { kind: 'synthetic', seed: 7, bars: 99 })).toEqual({ ...fromGraph, seed: 7, bars: 99 });
  });

  it('a synthetic seed over a CSV graph uses the synthetic node’s defaults', () => {
    expect(chooseData({ kind: 'dataset', datasetId: 'x' }, { kind: 'synthetic', seed: 3 })).toEqual({
      kind: 'synthetic', seed: 3, bars: 5000, startPrice: 100, drift: 0.05, volatility: 0.6, intervalMinutes: 60, startTime: Date.UTC(2024, 0, 1),
    });
  });

  it('a dataset replaces a synthetic source', () => {
    expect(chooseData(fromGraph, { kind: 'dataset', datasetId: 'ds1' })).toEqual({ kind: 'dataset', datasetId: 'ds1' });
  });
});

describe('loadBars', () => {
  it('generates synthetic bars without reading anything', async () => {
    const bars = await loadBars(fromGraph, () => Promise.reject(new Error('no I/O expected')));
    expect(bars).toEqual(syntheticBars(fromGraph));
  });

  it('parses the dataset text the caller reads', async () => {
    const bars = await loadBars({ kind: 'dataset', datasetId: 'ds1' }, async (id) => (id === 'ds1' ? 'time,open,high,low,close\n2024-01-01,1,2,1,1.5\n' : undefined));
    expect([...bars.close]).toEqual([1.5]);
  });

  it('a missing dataset is a DataError naming it', async () => {
    await expect(loadBars({ kind: 'dataset', datasetId: 'gone' }, async () => undefined)).rejects.toThrow(new DataError('dataset "gone" was not found'));
  });
});
