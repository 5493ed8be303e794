/**
 * Sweep throughput: a 100-set parameter sweep of S1 (SMA fast × slow, 10 × 10) over 1M bars, on one
 * thread and on as many worker threads as the machine has cores (2 here). The target is under
 * 2 s on 2 cores, warm and with the data loaded. Each trial compiles its graph and runs `runBacktest`
 * (what a research activity does per trial), sharing indicator columns between trials as a research
 * worker does (engine/column-cache.ts). Each worker first reads the bars and warms its JIT on a
 * 100 000-bar slice, as a long-lived research worker has (it caches bars per dataset); the clock starts
 * when every worker is ready and stops when the last set is done. The cold start is printed apart.
 *
 *   node bench/sweep.ts [bars=1000000] [trials=100]
 *
 * Prints one line per thread count and a JSON line with the numbers.
 */
import { availableParallelism, loadavg } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { runBacktest } from '../engine/backtest.ts';
import type { Bars } from '../engine/bars.ts';
import { ColumnCache } from '../engine/column-cache.ts';
import { compile } from '../engine/compile.ts';
import { registry } from '../nodes/index.ts';
import { ensureBars, readBars, sliceBars } from './lib/data.ts';
import { s1, sweepSets, tradeloomGraph } from './lib/strategies.ts';

type Set = { fast: number; slow: number };

async function runSets(bars: Bars, sets: readonly Set[]): Promise<number> {
  // One column cache per worker and dataset, as a research worker keeps per loaded market: the grid's
  // 20 distinct SMAs are computed once each (BENCH_SWEEP_CACHE=0 to compare without).
  const columnCache = process.env.BENCH_SWEEP_CACHE === '0' ? undefined : new ColumnCache({ symbols: [''], lanes: [bars] });
  let checksum = 0;
  for (const { fast, slow } of sets) {
    const compiled = compile(tradeloomGraph({ ...s1, fast, slow }), registry);
    if (!compiled.ok) throw new Error(compiled.errors.map((e) => e.message).join('; '));
    checksum += (await runBacktest(compiled.plan, bars, { columnCache })).metrics.finalEquity;
  }
  return checksum;
}

if (!isMainThread) {
  // Load and warm up, say so, then run the share of sets the main thread sends.
  const { path, warmup } = workerData as { path: string; warmup: Set[] };
  const bars = readBars(path);
  await runSets(sliceBars(bars, Math.min(bars.close.length, 100_000)), warmup);
  parentPort!.postMessage('ready');
  parentPort!.once('message', async (sets: Set[]) => parentPort!.postMessage(await runSets(bars, sets)));
} else {
  const n = Number(process.argv[2] ?? 1_000_000);
  const trials = Number(process.argv[3] ?? 100);
  const { path } = ensureBars(n);
  const sets = sweepSets(trials);

  const results: Record<string, number> = {};
  for (const threads of [1, Math.min(availableParallelism(), 8)]) {
    const started = performance.now();
    const workers = Array.from({ length: threads }, () => new Worker(new URL(import.meta.url), { workerData: { path, warmup: sets.slice(0, 3) } }));
    const message = (w: Worker) =>
      new Promise<unknown>((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      });
    await Promise.all(workers.map(message));
    const coldMs = performance.now() - started;
    const load = loadavg()[0]!.toFixed(2);
    const t0 = performance.now();
    const done = workers.map(message);
    workers.forEach((w, k) => w.postMessage(sets.filter((_, i) => i % threads === k)));
    await Promise.all(done);
    const ms = performance.now() - t0;
    await Promise.all(workers.map((w) => w.terminate()));
    results[`${threads}`] = ms;
    // The target is stated for 100 trials over 1M bars; other sizes are scaled to it.
    const targetMs = (2000 * trials * n) / (100 * 1_000_000);
    console.log(`${trials} trials × ${n.toLocaleString('en-US')} bars on ${threads} thread(s): ${(ms / 1000).toFixed(2)} s (${((trials * n) / (ms / 1000)).toExponential(2)} bars/s; the target, < 2 s for 100 × 1M bars on 2 cores, is ${(targetMs / 1000).toFixed(2)} s here: ${(ms / targetMs).toFixed(1)}×), after ${(coldMs / 1000).toFixed(2)} s to start, load the bars and warm up; load average ${load}`);
  }
  console.log(JSON.stringify({ bars: n, trials, ms: results }));
}
