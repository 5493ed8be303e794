import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Run, RunResult, Strategy } from '../server/db/entities.ts';
import { createHarness, type Harness } from '../server/testing/harness.ts';
import { syntheticBars } from '../engine/bars.ts';
import { runBacktest } from '../engine/backtest.ts';
import { compileOk, fixture } from '../engine/testing.ts';
import { storeRunResult } from './activities.ts';

/**
 * A finished backtest's result must never be lost to a database outage. The hard moment is a connection
 * that dies after the result's INSERT and before the COMMIT: the transaction is rolled back, and the
 * next try must write both rows again (it once wrote the status alone, the result being still in the
 * reused entity manager's identity map as if stored).
 */
describe('storing a finished backtest (real PostgreSQL)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('stores the status and the result together when the connection dies between the INSERT and the COMMIT', async () => {
    const graph = fixture({ data: { type: 'data.synthetic' }, fast: { type: 'indicator.sma', params: { period: 5 } }, slow: { type: 'indicator.sma', params: { period: 20 } }, cross: { type: 'logic.compare' }, order: { type: 'order.targetPercent', params: { percent: 50 } } }, [
      'data.close -> fast.source', 'data.close -> slow.source', 'fast.value -> cross.a', 'slow.value -> cross.b', 'cross.result -> order.enter',
    ]);
    const result = await runBacktest(compileOk(graph), syntheticBars({ seed: 3, bars: 2000, startPrice: 100, drift: 0, volatility: 0.5, intervalMinutes: 60, startTime: Date.UTC(2024, 0, 1) }));
    expect(result.trades.length).toBeGreaterThan(3);

    const em = h.orm.em.fork();
    const strategy = em.create(Strategy, { owner: 'local', name: 'store', graph: graph as unknown as Record<string, unknown> });
    const run = em.create(Run, { owner: 'local', strategy, graph: graph as unknown as Record<string, unknown>, data: null, workflowId: 'store-test', metrics: null, status: 'running' });
    await em.flush();

    // The first COMMIT's connection is killed from inside its transaction, right before the COMMIT (the
    // result's INSERT has been flushed by then).
    let kills = 0;
    h.orm.em.getEventManager().registerSubscriber({
      async beforeTransactionCommit(args) {
        if (kills > 0) return;
        kills++;
        // On the transaction's own connection (the event's entity manager runs in it).
        await (args.em as unknown as { execute(sql: string): Promise<unknown> }).execute('select pg_terminate_backend(pg_backend_pid())');
      },
    });
    let waits = 0;
    await storeRunResult(h.orm, run.id, result, { maxWaitMs: 20_000, intervalMs: 100, onWait: () => waits++ });

    expect(kills).toBe(1);
    expect(waits).toBeGreaterThan(0);
    const check = h.orm.em.fork();
    const stored = await check.findOneOrFail(Run, { id: run.id });
    expect(stored.status).toBe('succeeded');
    expect(stored.metrics).toEqual(JSON.parse(JSON.stringify(result.metrics)));
    const row = await check.findOneOrFail(RunResult, { run: run.id });
    expect((row.result as { trades: unknown[] }).trades).toHaveLength(result.trades.length);

    // A second store of the same run (a retry racing a slow worker) changes nothing.
    await storeRunResult(h.orm, run.id, { ...result, metrics: { ...result.metrics, totalReturn: 123 } });
    expect((await h.orm.em.fork().findOneOrFail(Run, { id: run.id })).metrics).toEqual(JSON.parse(JSON.stringify(result.metrics)));
    expect(await h.orm.em.fork().count(RunResult, { run: run.id })).toBe(1);
  });
});
