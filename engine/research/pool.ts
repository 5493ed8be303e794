import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { registry as builtins } from '../../nodes/index.ts';
import { adoptCheck, badBarCounts, DataError, type Bars, type Market } from '../bars.ts';
import type { BacktestSettings, Graph } from '../graph.ts';
import type { Metrics } from '../metrics.ts';
import type { ParamsOverride } from './space.ts';
import { TrialCompileError } from './trial.ts';

/**
 * Research trials on worker threads, so one worker process uses every core. Temporal runs a process's
 * activities on its one JavaScript thread: two research activities in flight there take turns at the
 * CPU, and a sweep used one core however many the machine had. Here each trial goes to the first free
 * thread (a queue, so trials of unequal cost still keep every thread busy), and the activity's thread
 * only waits, heartbeats and stores.
 *
 * - **Bars in shared memory.** A market is copied once into SharedArrayBuffers (`shareMarket`); every
 *   thread reads the same memory, so two threads do not hold two copies of a 1M-bar dataset. Bars
 *   checked where they were loaded (`checkBars`) stay checked: their counts go along, in shared memory.
 * - **Indicator columns** are cached per thread and market (engine/column-cache.ts), as the activities'
 *   own are per process. Handing each computed column to the other threads, to read one copy in place,
 *   made no measurable difference to a 100-set sweep (docs/benchmarks.md, Session 16), so it is not done.
 * - Only graphs of built-in nodes run here (`registry`): custom nodes run in the sandbox process their
 *   host owns, so their trials stay on the activity's thread.
 * - **Cancelling** sets a flag in shared memory that the trial checks between engine chunks, so the
 *   thread is free again within a chunk; the caller's promise rejects at once.
 * - **A thread that dies** (out of memory, a bug) fails its trial with an error naming the thread's
 *   exit, which Temporal retries; the next trial starts a new thread.
 */

/** One trial: what `runTrial` takes, with the market already in shared memory. */
export interface PoolTrial {
  graph: Graph;
  params: ParamsOverride;
  market: Market;
  backtest?: Partial<BacktestSettings>;
  window?: { from: number; to: number };
  /** Use the thread's column cache for this market (trials measured on every bar). */
  columns?: boolean;
  /** Also return a chart-sized equity curve of this many points (`equitySummary`). */
  summary?: number;
}

export interface PoolOutcome {
  metrics: Metrics;
  summary?: { time: number; value: number }[];
}

export interface PoolWait {
  /** Rejects the trial with the signal's reason, and stops its thread's work at the next engine chunk. */
  signal?: AbortSignal;
  /** Called every `heartbeatMs` while the trial waits or runs (an activity heartbeats here). */
  onWait?: () => void;
}

/** Messages between the pool and its threads. */
export type ToThread = {
  type: 'trial';
  id: number;
  marketId: number;
  trial: PoolTrial;
  /** Per lane, its counts of bad bars when it was checked where it was loaded (`checkBars`), in shared memory. */
  checked: (Int32Array | null)[];
  cancel: Int32Array;
};
export type FromThread = { type: 'done'; id: number; outcome: PoolOutcome } | { type: 'failed'; id: number; error: { name: string; message: string; stack?: string } };

interface Pending {
  id: number;
  trial: PoolTrial;
  resolve: (outcome: PoolOutcome) => void;
  reject: (err: unknown) => void;
  cancel: Int32Array;
  settled: boolean;
}

interface Thread {
  worker: Worker;
  busy: Pending | null;
}

const sharedMarkets = new WeakMap<Market, Market>();
const marketIds = new WeakMap<Market, number>();
let nextMarketId = 1;

/**
 * The market with its bars in shared memory: one SharedArrayBuffer per symbol, its six fields one after
 * another. A market already shared is returned as it is; the copy is made once per market object.
 */
export function shareMarket(market: Market): Market {
  if (marketIds.has(market)) return market;
  let shared = sharedMarkets.get(market);
  if (!shared) {
    shared = {
      symbols: market.symbols,
      lanes: market.lanes.map((lane) => {
        const n = lane.close.length;
        const all = new Float64Array(new SharedArrayBuffer(6 * n * 8));
        const at = (k: number, from: Float64Array) => {
          const view = all.subarray(k * n, (k + 1) * n);
          view.set(from);
          return view;
        };
        const copy: Bars = { time: at(0, lane.time), open: at(1, lane.open), high: at(2, lane.high), low: at(3, lane.low), close: at(4, lane.close), volume: at(5, lane.volume) };
        // Checked bars stay checked, with their counts in shared memory too, for the threads.
        const bad = badBarCounts(lane);
        if (bad !== null) {
          const shared = new Int32Array(new SharedArrayBuffer(4 * bad.length));
          shared.set(bad);
          adoptCheck(copy, shared);
        }
        return copy;
      }),
    };
    sharedMarkets.set(market, shared);
    marketIds.set(shared, nextMarketId++);
  }
  return shared;
}

/** Errors a trial can end with that are results of the search (recorded on the trial), rebuilt by name. */
function rebuild(error: { name: string; message: string; stack?: string }): Error {
  const err = error.name === 'TrialCompileError' ? new TrialCompileError(error.message) : error.name === 'DataError' ? new DataError(error.message) : new Error(`trial thread: ${error.name}: ${error.message}`);
  if (error.stack) err.stack = error.stack;
  return err;
}

export interface TrialPoolOptions {
  /** Threads (default: the machine's cores). */
  threads?: number;
  heartbeatMs?: number;
}

export class TrialPool {
  /** The registry the threads compile with: a graph compiled against another one runs elsewhere. */
  readonly registry = builtins;
  readonly size: number;
  private readonly heartbeatMs: number;
  private readonly threads: (Thread | null)[];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: TrialPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.threads ?? availableParallelism()));
    this.heartbeatMs = options.heartbeatMs ?? 1000;
    this.threads = Array.from({ length: this.size }, () => null);
  }

  /** Run one trial on the first free thread. The market must come from `shareMarket`. */
  run(trial: PoolTrial, wait: PoolWait = {}): Promise<PoolOutcome> {
    if (this.closed) return Promise.reject(new Error('the trial pool is closed'));
    if (!marketIds.has(trial.market)) return Promise.reject(new Error('a pooled trial needs its market in shared memory (shareMarket)'));
    const { signal, onWait } = wait;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<PoolOutcome>((resolve, reject) => {
      const timer = onWait ? setInterval(onWait, this.heartbeatMs) : undefined;
      const pending: Pending = {
        id: this.nextId++,
        trial,
        cancel: new Int32Array(new SharedArrayBuffer(4)),
        settled: false,
        resolve: (outcome) => settle(() => resolve(outcome)),
        reject: (err) => settle(() => reject(err)),
      };
      const onAbort = () => {
        Atomics.store(pending.cancel, 0, 1);
        const queued = this.queue.indexOf(pending);
        if (queued >= 0) this.queue.splice(queued, 1);
        pending.reject(signal!.reason);
      };
      const settle = (then: () => void) => {
        if (pending.settled) return;
        pending.settled = true;
        clearInterval(timer);
        signal?.removeEventListener('abort', onAbort);
        then();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(pending);
      this.dispatch();
    });
  }

  /** Stop every thread. Trials in flight or queued fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new Error('the trial pool is closed'));
    await Promise.all(
      this.threads.map(async (t, i) => {
        this.threads[i] = null;
        if (!t) return;
        t.busy?.reject(new Error('the trial pool is closed'));
        await t.worker.terminate();
      }),
    );
  }

  private dispatch(): void {
    for (let i = 0; i < this.size && this.queue.length > 0; i++) {
      const thread = (this.threads[i] ??= this.spawn(i));
      if (thread.busy) continue;
      const pending = this.queue.shift()!;
      thread.busy = pending;
      thread.worker.ref();
      const { market } = pending.trial;
      // Only counts in shared memory: others would be copied into every message.
      const checked = market.lanes.map((lane) => {
        const bad = badBarCounts(lane);
        return bad !== null && bad.buffer instanceof SharedArrayBuffer ? bad : null;
      });
      const message: ToThread = { type: 'trial', id: pending.id, marketId: marketIds.get(market)!, trial: pending.trial, checked, cancel: pending.cancel };
      thread.worker.postMessage(message);
    }
  }

  private spawn(i: number): Thread {
    const worker = new Worker(new URL('./pool-thread.ts', import.meta.url));
    // An idle thread does not keep the process alive; a busy one does (ref'd in `dispatch` until its reply).
    worker.unref();
    const thread: Thread = { worker, busy: null };
    worker.on('message', (m: FromThread) => {
      const pending = thread.busy;
      if (!pending || pending.id !== m.id) return;
      thread.busy = null;
      worker.unref();
      if (m.type === 'done') pending.resolve(m.outcome);
      else pending.reject(rebuild(m.error));
      this.dispatch();
    });
    const lost = (why: string) => {
      if (this.threads[i] === thread) this.threads[i] = null;
      const pending = thread.busy;
      thread.busy = null;
      pending?.reject(new Error(`the trial thread ${why}; the trial can be retried`));
      if (!this.closed) this.dispatch();
    };
    worker.on('error', (err) => lost(`failed: ${err.message}`));
    worker.on('exit', (code) => lost(`exited with code ${code}`));
    return thread;
  }
}
