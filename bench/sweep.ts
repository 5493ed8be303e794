/**
 * Sweep throughput: a 100-set parameter sweep of S1 (SMA fast × slow, 10 × 10) over 1M bars, on one
 * thread and on as many threads as the machine has cores (2 here). The target is under 2 s on 2
 * cores, warm and with the data loaded. Each set is a research sweep trial as a worker process runs it:
 * `TrialPool` (engine/research/pool.ts), the pool the research activities hand their trials to, runs
 * `runTrial` on its threads over the bars in shared memory, each thread with its column cache, and
 * returns the metrics and the trial's chart-sized curve (trials go to whichever thread is free). Each thread first warms its JIT on a
 * 100 000-bar slice (a long-lived worker has); the clock starts when the pool is warm and stops when the
 * last set is done. The cold start is printed apart.
 *
 *   node bench/sweep.ts [bars=1000000] [trials=100]
 *
 * Prints one line per thread count and a JSON line with the numbers.
 */
import { availableParallelism, loadavg } from 'node:os';
import { shareMarket, TrialPool } from '../engine/research/pool.ts';
import { TRIAL_CURVE_POINTS } from '../engine/research/trial.ts';
import { checkBars } from '../engine/bars.ts';
import { Graph } from '../engine/graph.ts';
import { ensureBars, readBars, sliceBars } from './lib/data.ts';
import { s1, sweepSets, tradeloomGraph } from './lib/strategies.ts';

const n = Number(process.argv[2] ?? 1_000_000);
const trials = Number(process.argv[3] ?? 100);
if (!(Number.isInteger(n) && n >= 1000 && Number.isInteger(trials) && trials >= 1)) {
  console.error('usage: node bench/sweep.ts [bars ≥ 1000] [trials ≥ 1]');
  process.exit(2);
}
const loaded = readBars(ensureBars(n).path);
const graph = Graph.parse(tradeloomGraph(s1));
const params = (set: { fast: number; slow: number }) => ({ 'fast.period': set.fast, 'slow.period': set.slow });
const sets = sweepSets(trials);

const results: Record<string, number> = {};
for (const threads of [1, Math.min(availableParallelism(), 8)]) {
  const started = performance.now();
  // A new pool (new threads, empty column caches) and a new copy of the bars for each thread count.
  // As a research worker's: bars loaded and checked once (checkBars), then copied into shared memory.
  const market = shareMarket(checkBars({ symbols: [''], lanes: [loaded] }));
  const warm = shareMarket({ symbols: [''], lanes: [sliceBars(loaded, Math.min(n, 100_000))] });
  const pool = new TrialPool({ threads });
  await Promise.all(Array.from({ length: 3 * threads }, (_, i) => pool.run({ graph, params: params(sets[i % sets.length]!), market: warm, columns: true, summary: TRIAL_CURVE_POINTS })));
  const coldMs = performance.now() - started;
  const load = loadavg()[0]!.toFixed(2);
  const t0 = performance.now();
  const outcomes = await Promise.all(sets.map((set) => pool.run({ graph, params: params(set), market, columns: true, summary: TRIAL_CURVE_POINTS })));
  const ms = performance.now() - t0;
  await pool.close();
  if (outcomes.some((o) => !(o.metrics.finalEquity > 0))) throw new Error('a set has no final equity');
  results[`${threads}`] = ms;
  // The target is stated for 100 trials over 1M bars; other sizes are scaled to it.
  const targetMs = (2000 * trials * n) / (100 * 1_000_000);
  console.log(`${trials} trials × ${n.toLocaleString('en-US')} bars on ${threads} thread(s): ${(ms / 1000).toFixed(2)} s (${((trials * n) / (ms / 1000)).toExponential(2)} bars/s; the target, < 2 s for 100 × 1M bars on 2 cores, is ${(targetMs / 1000).toFixed(2)} s here: ${(ms / targetMs).toFixed(1)}×), after ${(coldMs / 1000).toFixed(2)} s to start, load the bars and warm up; load average ${load}`);
}
console.log(JSON.stringify({ bars: n, trials, ms: results }));
