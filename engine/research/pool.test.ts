import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { registry } from '../../nodes/index.ts';
import { badBarCounts, checkBars, syntheticBars, syntheticMarket } from '../bars.ts';
import { ColumnCache } from '../column-cache.ts';
import { Graph } from '../graph.ts';
import { shareMarket, TrialPool } from './pool.ts';
import { equitySummary, runTrial, TrialCompileError } from './trial.ts';

const graph = Graph.parse(JSON.parse(readFileSync(new URL('../../docs/examples/sma-crossover.json', import.meta.url), 'utf8')));
const bars = syntheticBars({ seed: 11, bars: 20_000, startPrice: 100, drift: 0.05, volatility: 0.6, intervalMinutes: 60, startTime: Date.UTC(2024, 0, 1) });
const market = shareMarket({ symbols: [''], lanes: [bars] });
const grid = [5, 10, 15].flatMap((fast) => [40, 60].map((slow) => ({ 'fast.period': fast, 'slow.period': slow })));

const pools: TrialPool[] = [];
const pool = (threads = 2) => {
  const p = new TrialPool({ threads, heartbeatMs: 5 });
  pools.push(p);
  return p;
};
afterAll(() => Promise.all(pools.map((p) => p.close())));

describe('TrialPool', () => {
  it('gives each trial exactly the metrics and curve it has on the calling thread', async () => {
    const p = pool();
    const local = new ColumnCache(market);
    const pooled = await Promise.all(grid.map((params) => p.run({ graph, params, market, columns: true, summary: 60 })));
    for (const [i, params] of grid.entries()) {
      const here = await runTrial(graph, params, market, { registry, curve: 'chart', columnCache: local });
      expect(pooled[i]!.metrics).toEqual(here.metrics);
      expect(pooled[i]!.summary).toEqual(equitySummary(here, 60));
    }
    // A second pass reads the columns each thread cached: the same figures.
    const again = await Promise.all(grid.map((params) => p.run({ graph, params, market, columns: true })));
    expect(again.map((o) => o.metrics)).toEqual(pooled.map((o) => o.metrics));
  });

  it('runs windows and changed costs as runTrial does', async () => {
    const p = pool(1);
    const window = { from: 5000, to: 9000 };
    const backtest = { commissionBps: 10 };
    const here = await runTrial(graph, { 'fast.period': 7 }, market, { registry, window, backtest });
    const there = await p.run({ graph, params: { 'fast.period': 7 }, market, window, backtest });
    expect(there.metrics).toEqual(here.metrics);
    expect(there.summary).toBeUndefined();
  });

  it('rebuilds a trial the graph cannot run as a TrialCompileError, and goes on', async () => {
    const p = pool(1);
    await expect(p.run({ graph, params: { 'fast.period': 0 }, market })).rejects.toBeInstanceOf(TrialCompileError);
    await expect(p.run({ graph, params: { 'fast.period': 0 }, market })).rejects.toThrow(/period/);
    expect((await p.run({ graph, params: {}, market })).metrics.finalEquity).toBeGreaterThan(0);
  });

  it('keeps bars checked where they were loaded checked in shared memory, with the same figures for bad bars', async () => {
    const spoilt = syntheticBars({ seed: 12, bars: 6000, startPrice: 100, drift: 0.05, volatility: 0.6, intervalMinutes: 60, startTime: Date.UTC(2024, 0, 1) });
    for (const t of [100, 2500, 2501, 4000]) spoilt.close[t] = NaN;
    const loaded = checkBars({ symbols: [''], lanes: [spoilt] });
    const shared = shareMarket(loaded);
    const counts = badBarCounts(shared.lanes[0]!)!;
    expect(counts.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(counts[6000]).toBe(4);
    const p = pool(1);
    for (const window of [undefined, { from: 2000, to: 5000 }]) {
      // On this thread, over a copy nobody checked: the bar-by-bar check.
      const here = await runTrial(graph, {}, { symbols: [''], lanes: [{ ...spoilt, close: spoilt.close.slice() }] }, { registry, window });
      const there = await p.run({ graph, params: {}, market: shared, window });
      expect(there.metrics).toEqual(here.metrics);
    }
  });

  it('refuses a market that is not in shared memory, naming shareMarket', async () => {
    await expect(pool(1).run({ graph, params: {}, market: { symbols: [''], lanes: [bars] } })).rejects.toThrow(/shareMarket/);
  });

  it('shares a market once and keeps every value', () => {
    const several = syntheticMarket({ seed: 3, bars: 500, symbols: 2, startPrice: 50, drift: 0, volatility: 0.5, intervalMinutes: 1, startTime: 0 });
    const shared = shareMarket(several);
    expect(shareMarket(several)).toBe(shared);
    expect(shareMarket(shared)).toBe(shared);
    expect(shared.symbols).toEqual(several.symbols);
    for (const [k, lane] of shared.lanes.entries()) {
      expect(lane.close.buffer).toBeInstanceOf(SharedArrayBuffer);
      for (const f of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) expect([...lane[f]]).toEqual([...several.lanes[k]![f]]);
    }
  });

  it('rejects a cancelled trial with the signal’s reason, heartbeats while waiting, and frees its thread', async () => {
    const p = pool(1);
    const big = shareMarket({ symbols: [''], lanes: [syntheticBars({ seed: 2, bars: 400_000, startPrice: 100, drift: 0, volatility: 0.5, intervalMinutes: 1, startTime: 0 })] });
    const controller = new AbortController();
    let beats = 0;
    const running = p.run({ graph, params: {}, market: big }, { signal: controller.signal, onWait: () => beats++ });
    // Queued behind it on the one thread: cancelled before it starts.
    const queued = new AbortController();
    const behind = p.run({ graph, params: {}, market: big }, { signal: queued.signal });
    await new Promise((r) => setTimeout(r, 50));
    controller.abort(new Error('stop now'));
    queued.abort(new Error('never mind'));
    await expect(running).rejects.toThrow('stop now');
    await expect(behind).rejects.toThrow('never mind');
    expect(beats).toBeGreaterThan(0);
    // The thread stops at its next chunk and takes the next trial.
    expect((await p.run({ graph, params: {}, market })).metrics.finalEquity).toBeGreaterThan(0);
    // Already aborted: rejected without running.
    await expect(p.run({ graph, params: {}, market }, { signal: AbortSignal.abort(new Error('too late')) })).rejects.toThrow('too late');
  });

  it('fails the trial of a thread that dies, with a retryable error, and starts a new thread', async () => {
    const p = pool(1);
    const big = shareMarket({ symbols: [''], lanes: [syntheticBars({ seed: 4, bars: 400_000, startPrice: 100, drift: 0, volatility: 0.5, intervalMinutes: 1, startTime: 0 })] });
    const running = p.run({ graph, params: {}, market: big });
    await new Promise((r) => setTimeout(r, 50));
    // As an out-of-memory kill would: the thread is gone mid-trial.
    await (p as unknown as { threads: { worker: { terminate(): Promise<number> } }[] }).threads[0]!.worker.terminate();
    await expect(running).rejects.toThrow(/trial thread exited with code \d+; the trial can be retried/);
    expect((await p.run({ graph, params: {}, market })).metrics.finalEquity).toBeGreaterThan(0);
  });

  it('fails queued trials when closed, and refuses new ones', async () => {
    const p = pool(1);
    const first = expect(p.run({ graph, params: {}, market })).rejects.toThrow(/closed/);
    const second = expect(p.run({ graph, params: {}, market })).rejects.toThrow(/closed/);
    await p.close();
    await first;
    await second;
    await expect(p.run({ graph, params: {}, market })).rejects.toThrow(/closed/);
  });
});
