import { describe, expect, it } from 'vitest';
import { registry } from '../nodes/index.ts';
import { runBacktest } from './backtest.ts';
import { syntheticMarket, type Market } from './bars.ts';
import { SimBroker } from './broker.ts';
import { ColumnCache } from './column-cache.ts';
import { createExecutor } from './execute.ts';
import { compileOk, fixture } from './testing.ts';

// A crossover of two SMAs with a Bollinger %B filter and ATR exits: the SMAs, the bands (five output
// columns) and the ATR are indicators of the bars (cacheable); the crossover and the rest are not.
const graph = (fast: number, slow: number) =>
  fixture(
    {
      data: { type: 'data.synthetic' },
      fast: { type: 'indicator.sma', params: { period: fast } },
      slow: { type: 'indicator.sma', params: { period: slow } },
      cross: { type: 'logic.crossover' },
      bands: { type: 'indicator.bollinger', params: { period: 20, multiplier: 2 } },
      calm: { type: 'logic.threshold', params: { operator: '<', level: 0.8 } },
      enter: { type: 'logic.and' },
      atr: { type: 'indicator.atr', params: { period: 14 } },
      order: { type: 'order.targetPercent', params: { percent: 30 } },
      exits: { type: 'risk.stopTakeProfit', params: { basis: 'distance', stopLoss: 2, takeProfit: 3, trail: 0 } },
    },
    [
      'data.close -> fast.source',
      'data.close -> slow.source',
      'fast.value -> cross.a',
      'slow.value -> cross.b',
      'data.close -> bands.source',
      'bands.percentB -> calm.value',
      'cross.above -> enter.a',
      'calm.result -> enter.b',
      'enter.result -> order.enter',
      'cross.below -> order.exit',
      'data.bars -> atr.bars',
      'order.order -> exits.order',
      'atr.value -> exits.distance',
    ],
  );

function market(symbols: number): Market {
  const m = syntheticMarket({ seed: 11, bars: 6000, startPrice: 100, drift: 0, volatility: 0.9, intervalMinutes: 60, startTime: Date.UTC(2024, 0, 1), symbols });
  // Bad bars inside and at the edges of 2 048-bar blocks: the cached columns must hold exactly what the
  // kernels wrote around them.
  for (const t of [3, 2047, 2048, 4000]) m.lanes[symbols - 1]!.close[t] = NaN;
  return m;
}

const comparable = (r: Awaited<ReturnType<typeof runBacktest>>) => ({ metrics: r.metrics, equity: r.equity, trades: r.trades, skipped: r.skippedBars });

describe('column cache', () => {
  for (const symbols of [1, 3]) {
    it(`gives every trial of a sweep the results it has without the cache (${symbols} symbol(s))`, async () => {
      const m = market(symbols);
      const cache = new ColumnCache(m);
      const sets = [[10, 40], [10, 60], [20, 40], [20, 60], [10, 40]] as const;
      const stored = (cache as unknown as { entries: Map<string, Float64Array[][]> }).entries;
      let recorded: [string, Float64Array[][]][] = [];
      for (const [fast, slow] of sets) {
        const plan = compileOk(graph(fast, slow), registry);
        const alone = await runBacktest(plan, m);
        const shared = await runBacktest(plan, m, { columnCache: cache, chunkBars: 1000 });
        expect(comparable(shared), `${fast}/${slow}`).toEqual(comparable(alone));
        expect(alone.trades.length).toBeGreaterThan(5);
        if (!recorded.length) recorded = [...stored].map(([key, lanes]) => [key, lanes.map((columns) => columns.map((c) => c.slice()))]);
      }
      // Later runs read the first run's columns in place (bad bars included) and leave them as recorded.
      expect(recorded.length).toBe(4);
      for (const [key, lanes] of recorded) expect(stored.get(key), key).toEqual(lanes);
      // SMA 10, 40, 60, 20, the bands and ATR computed once each; every later use of them came from the cache.
      expect(cache.size).toBe(6);
      expect(cache.misses).toBe(6);
      expect(cache.hits).toBe(sets.length * 4 - 6);
    });
  }

  it('stores nothing from a run that did not cover every bar from the first, in order', () => {
    const m = market(1);
    const cache = new ColumnCache(m);
    const plan = compileOk(graph(10, 40), registry);
    const partial = createExecutor(plan, m, [new SimBroker(plan.settings)], { columnCache: cache });
    partial.run(0, 3000);
    expect(cache.size).toBe(0);
    const skipping = createExecutor(plan, m, [new SimBroker(plan.settings)], { columnCache: cache });
    skipping.run(0, 3000);
    skipping.run(3500, 6000);
    expect(cache.size).toBe(0);
    const whole = createExecutor(plan, m, [new SimBroker(plan.settings)], { columnCache: cache });
    whole.run(0, 3000);
    whole.run(3000, 6000);
    expect(cache.size).toBe(4);
  });

  it('is not used for other bars, even equal ones', async () => {
    const m = market(1);
    const copy: Market = { symbols: m.symbols, lanes: m.lanes.map((l) => ({ time: l.time.slice(), open: l.open.slice(), high: l.high.slice(), low: l.low.slice(), close: l.close.slice(), volume: l.volume.slice() })) };
    const cache = new ColumnCache(m);
    const plan = compileOk(graph(10, 40), registry);
    await runBacktest(plan, m, { columnCache: cache });
    expect(cache.size).toBe(4);
    const before = { hits: cache.hits, misses: cache.misses };
    await runBacktest(plan, copy, { columnCache: cache });
    expect({ hits: cache.hits, misses: cache.misses }).toEqual(before);
    expect(cache.covers({ symbols: m.symbols, lanes: m.lanes.map((l) => ({ ...l, close: l.close.subarray(0, 6000) })) })).toBe(true);
    expect(cache.covers({ symbols: m.symbols, lanes: m.lanes.map((l) => ({ ...l, close: l.close.subarray(1) })) })).toBe(false);
  });

  it('drops the least recently used columns past its budget, and never keeps one larger than it', () => {
    const m = market(1);
    const cache = new ColumnCache(m, 3 * 8000);
    const column = () => [[new Float64Array(1000)]];
    cache.put('a', column());
    cache.put('b', column());
    cache.put('c', column());
    expect(cache.get('a')).toBeDefined();
    cache.put('d', column());
    expect(cache.get('b')).toBeUndefined();
    expect(['a', 'c', 'd'].every((k) => cache.get(k) !== undefined)).toBe(true);
    cache.put('huge', [[new Float64Array(4000)]]);
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.size).toBe(3);
  });
});
