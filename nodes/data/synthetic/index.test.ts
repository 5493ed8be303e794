import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { runNode } from '../../testing.ts';
import { syntheticBars } from './index.ts';

describe('data.synthetic', () => {
  it('publishes the closed bar from the context', () => {
    const ctx = [
      { open: 10, high: 12, low: 9, close: 11, volume: 500 },
      { open: 11, high: 11.5, low: 8, close: 8.5, volume: 700 },
    ];
    const out = runNode(syntheticBars, { ctx });
    expect(out.open).toEqual([10, 11]);
    expect(out.high).toEqual([12, 11.5]);
    expect(out.low).toEqual([9, 8]);
    expect(out.close).toEqual([11, 8.5]);
    expect(out.volume).toEqual([500, 700]);
    expect(out.bars).toEqual([
      { time: 0, open: 10, high: 12, low: 9, close: 11, volume: 500 },
      { time: 60_000, open: 11, high: 11.5, low: 8, close: 8.5, volume: 700 },
    ]);
  });

  it('asks the data adapter for seeded GBM bars, with the start time in epoch ms', () => {
    const params = syntheticBars.params.parse({ seed: 7, bars: 300, startTime: '2024-03-01T12:00:00Z', intervalMinutes: 15 });
    expect(syntheticBars.source!(params)).toEqual({
      kind: 'synthetic',
      seed: 7,
      bars: 300,
      startPrice: 100,
      drift: 0.05,
      volatility: 0.6,
      intervalMinutes: 15,
      startTime: Date.UTC(2024, 2, 1, 12),
    });
  });

  it('validates its params', () => {
    expect(syntheticBars.params.safeParse({ bars: 5 }).success).toBe(false);
    expect(syntheticBars.params.safeParse({ seed: -1 }).success).toBe(false);
    expect(syntheticBars.params.safeParse({ startTime: 'yesterday' }).success).toBe(false);
    expect(syntheticBars.params.safeParse({ startPrice: 0 }).success).toBe(false);
  });

  it('feeds every bar field into a compiled graph', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        wide: { type: 'logic.compare', params: { operator: '>' } },
        order: { type: 'order.targetPercent' },
      },
      ['data.high -> wide.a', 'data.low -> wide.b', 'wide.result -> order.enter'],
    );
    const bars = makeBars({ close: [10, 12], open: [10, 12] });
    const run = runGraph(graph, bars, { high: 'data.high', low: 'data.low', vol: 'data.volume', wide: 'wide.result' });
    expect(run.values.high).toEqual([10, 12]);
    expect(run.values.low).toEqual([10, 12]);
    expect(run.values.vol).toEqual([1000, 1000]);
    expect(run.values.wide).toEqual([0, 0]);
  });
});
