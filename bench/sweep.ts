/**
 * Sweep throughput: a 100-set parameter sweep of S1 (SMA fast × slow, 10 × 10) over 1M bars, on one
 * thread and on as many worker threads as the machine has cores (2 here). The target is under
 * 2 s on 2 cores. Each trial compiles its graph and runs `runBacktest` (what a research activity does
 * per trial); the bars are read once per thread, as a research worker caches them.
 *
 *   node bench/sweep.ts [bars=1000000] [trials=100]
 *
 * Prints one line per thread count and a JSON line with the numbers.
 */
import { availableParallelism, loadavg } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { runBacktest } from '../engine/backtest.ts';
import { compile } from '../engine/compile.ts';
import { registry } from '../nodes/index.ts';
import { ensureBars, readBars } from './lib/data.ts';
import { s1, tradeloomGraph } from './lib/strategies.ts';

interface Job {
  path: string;
  sets: { fast: number; slow: number }[];
}

async function runSets(job: Job): Promise<number> {
  const bars = readBars(job.path);
  let checksum = 0;
  for (const { fast, slow } of job.sets) {
    const compiled = compile(tradeloomGraph({ ...s1, fast, slow }), registry);
    if (!compiled.ok) throw new Error(compiled.errors.map((e) => e.message).join('; '));
    checksum += (await runBacktest(compiled.plan, bars)).metrics.finalEquity;
  }
  return checksum;
}

if (!isMainThread) {
  parentPort!.postMessage(await runSets(workerData as Job));
} else {
  const n = Number(process.argv[2] ?? 1_000_000);
  const trials = Number(process.argv[3] ?? 100);
  const { path } = ensureBars(n);
  const side = Math.ceil(Math.sqrt(trials));
  const sets = Array.from({ length: trials }, (_, i) => ({ fast: 5 + 5 * (i % side), slow: 60 + 20 * Math.floor(i / side) }));
  // Warm the JIT on a small slice first, as a long-lived worker would be.
  await runSets({ path: ensureBars(100_000).path, sets: sets.slice(0, 3) });

  const results: Record<string, number> = {};
  for (const threads of [1, Math.min(availableParallelism(), 8)]) {
    const load = loadavg()[0]!.toFixed(2);
    const t0 = performance.now();
    const shares = Array.from({ length: threads }, (_, w) => sets.filter((_, i) => i % threads === w));
    await Promise.all(
      shares.map(
        (share) =>
          new Promise<number>((resolve, reject) => {
            const worker = new Worker(new URL(import.meta.url), { workerData: { path, sets: share } satisfies Job });
            worker.once('message', resolve);
            worker.once('error', reject);
          }),
      ),
    );
    const ms = performance.now() - t0;
    results[`${threads}`] = ms;
    // The target is stated for 100 trials over 1M bars; other sizes are scaled to it.
    const targetMs = (2000 * trials * n) / (100 * 1_000_000);
    console.log(`${trials} trials × ${n.toLocaleString('en-US')} bars on ${threads} thread(s): ${(ms / 1000).toFixed(2)} s (${((trials * n) / (ms / 1000)).toExponential(2)} bars/s; the target, < 2 s for 100 × 1M bars on 2 cores, is ${(targetMs / 1000).toFixed(2)} s here: ${(ms / targetMs).toFixed(1)}×); load average ${load}`);
  }
  console.log(JSON.stringify({ bars: n, trials, ms: results }));
}
