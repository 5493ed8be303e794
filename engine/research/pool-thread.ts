/**
 * A trial pool's thread (engine/research/pool.ts): runs one trial at a time with the built-in registry,
 * and keeps a column cache per market it has seen (the four last used).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { registry } from '../../nodes/index.ts';
import { ColumnCache } from '../column-cache.ts';
import type { Market } from '../bars.ts';
import type { FromThread, ToThread } from './pool.ts';
import { equitySummary, runTrial } from './trial.ts';

/** As the activities' own caches: 96 MB of columns per market. */
const COLUMN_BYTES = 96 * 2 ** 20;
const MARKETS = 4;

class Cancelled extends Error {
  override name = 'Cancelled';
}

const port = parentPort!;
/** This thread's place in its pool. */
const { index } = workerData as { index: number };
const markets = new Map<number, { market: Market; columns: ColumnCache }>();

/** This thread's market and column cache for `id`, made from `market` (views of the shared bars) the first time. */
function entry(id: number, market: Market) {
  let e = markets.get(id);
  if (e) markets.delete(id);
  else {
    const columns = new ColumnCache(market, COLUMN_BYTES, {
      shared: true,
      onPut: (key, cols) => port.postMessage({ type: 'columns', marketId: id, key, columns: cols } satisfies FromThread),
    });
    e = { market, columns };
  }
  markets.set(id, e);
  while (markets.size > MARKETS) markets.delete(markets.keys().next().value!);
  return e;
}

port.on('message', async (m: ToThread) => {
  if (m.type === 'columns') {
    // Another thread's column, for a market this thread still has (else it is not needed here). When
    // both computed it at once, each keeps the copy of the lower-numbered thread: one copy in the
    // processor's cache, not two.
    markets.get(m.marketId)?.columns.adopt(m.key, m.columns, m.from < index);
    return;
  }
  const { id, trial, cancel } = m;
  try {
    const { market, columns } = entry(m.marketId, trial.market);
    const outcome = await runTrial(trial.graph, trial.params, market, {
      registry,
      backtest: trial.backtest,
      window: trial.window,
      curve: 'chart',
      columnCache: trial.columns ? columns : undefined,
      onProgress: () => {
        if (Atomics.load(cancel, 0) !== 0) throw new Cancelled('cancelled');
      },
    });
    const reply: FromThread = { type: 'done', id, outcome: { metrics: outcome.metrics, ...(trial.summary ? { summary: equitySummary(outcome, trial.summary) } : {}) } };
    port.postMessage(reply);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    port.postMessage({ type: 'failed', id, error: { name: e.name, message: e.message, stack: e.stack } } satisfies FromThread);
  }
});
