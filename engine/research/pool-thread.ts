/**
 * A trial pool's thread (engine/research/pool.ts): runs one trial at a time with the built-in registry,
 * and keeps a column cache per market it has seen (the two last used).
 */
import { parentPort } from 'node:worker_threads';
import { registry } from '../../nodes/index.ts';
import { ColumnCache } from '../column-cache.ts';
import { adoptCheck, type Market } from '../bars.ts';
import type { FromThread, ToThread } from './pool.ts';
import { measureTrial, TRIAL_COLUMN_BYTES } from './trial.ts';

/**
 * Markets kept per thread: the process keeps four, but a thread is seldom on more than one run at a
 * time, and its caches multiply by the threads (8 cores: 8 × 2 × 96 MB at most, against 4 × 96 MB).
 */
const MARKETS = 2;

class Cancelled extends Error {
  override name = 'Cancelled';
}

const port = parentPort!;
const markets = new Map<number, { market: Market; columns: ColumnCache }>();

/** This thread's market and column cache for `id`, made from `market` (views of the shared bars) the first time. */
function entry(id: number, market: Market, checked: readonly (Int32Array | null)[]) {
  let e = markets.get(id);
  if (!e) {
    // Bars checked where they were loaded are not checked again here (`checkBars`).
    market.lanes.forEach((lane, k) => checked[k] && adoptCheck(lane, checked[k]!));
    e = { market, columns: new ColumnCache(market, TRIAL_COLUMN_BYTES) };
  }
  markets.delete(id);
  markets.set(id, e);
  while (markets.size > MARKETS) markets.delete(markets.keys().next().value!);
  return e;
}

port.on('message', async (m: ToThread) => {
  const { id, trial, cancel } = m;
  try {
    const { market, columns } = entry(m.marketId, trial.market, m.checked);
    const outcome = await measureTrial(trial.graph, trial.params, market, {
      registry,
      backtest: trial.backtest,
      window: trial.window,
      summary: trial.summary,
      columnCache: trial.columns ? columns : undefined,
      onProgress: () => {
        if (Atomics.load(cancel, 0) !== 0) throw new Cancelled('cancelled');
      },
    });
    port.postMessage({ type: 'done', id, outcome } satisfies FromThread);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    port.postMessage({ type: 'failed', id, error: { name: e.name, message: e.message, stack: e.stack } } satisfies FromThread);
  }
});
