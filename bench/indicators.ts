/**
 * Indicator throughput: each node's kernel against the same indicator in the npm peers, on the bench's
 * seeded 1-minute bars (1M by default), in one process. Tradeloom runs the node's kernel over the
 * columns in blocks of 8 192 bars, as the executor does for one symbol, into full-length output
 * columns; `technicalindicators` runs its batch form (`X.calculate`, its fastest) on plain arrays made
 * before the clock starts, `trading-signals` its streaming form (`add()` per bar, its only one), each
 * value stored in a column. Every implementation
 * gets a warm-up run on 20 000 bars, then the best of BENCH_INDICATOR_RUNS (3) full runs; the
 * implementations take turns run by run. "agrees" is the largest relative difference from Tradeloom's
 * compared output over the last 1 000 bars; where a peer defines the indicator differently, the row says
 * how (bench/peers/indicators.ts, whose test holds the other peers to Tradeloom's values).
 * TA-Lib, the C library the nodes' reference values come from, runs in a Python process of its own
 * (bench/peers/talib_indicators.py, through its binding, on numpy columns; the same warm-up and best
 * of BENCH_INDICATOR_RUNS), before the JavaScript rows; its column is empty where bench/.venv-peers has
 * no TA-Lib (BENCH_NO_PEERS=1, or pip could not install it).
 *
 *   node bench/indicators.ts [bars=1000000]
 *
 * Prints a markdown table; bench/run.ts runs it (BENCH_INDICATORS=0 skips it).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Bars } from '../engine/bars.ts';
import { ensureBars, readBars, sliceBars } from './lib/data.ts';
import { ensurePeersPython } from './lib/venv.ts';
import { agreement, cases, peerInputs, peerNames, tradeloom } from './peers/indicators.ts';

const barsCount = Number(process.argv[2] ?? 1_000_000);
const runs = Number(process.env.BENCH_INDICATOR_RUNS ?? 3);
// The warm-up takes the first 20 000 bars, and "agrees" compares the last 1 000.
if (!(Number.isInteger(barsCount) && barsCount >= 20_000) || !(Number.isInteger(runs) && runs >= 1)) {
  console.error('usage: node bench/indicators.ts [bars, a whole number ≥ 20000; default 1000000] (BENCH_INDICATOR_RUNS, a whole number ≥ 1)');
  process.exit(2);
}
const { path } = ensureBars(barsCount);
const bars = readBars(path);
const warm = sliceBars(bars, 20_000);
peerInputs(bars);
peerInputs(warm);
const cell = (ns: number | undefined) => (ns === undefined ? '—' : ns.toFixed(1));

/** TA-Lib's times and last 1 000 values by case title, or why it did not run. */
function runTalib(): Map<string, { ns: number; tail: (number | null)[] }> | string {
  const py = ensurePeersPython((line) => console.error(line));
  if (!py.python || py.unavailable.talib) return py.unavailable.talib ?? 'no Python';
  const calls = cases.flatMap((c) => (c.talib ? [{ title: c.title, output: 0, ...c.talib }] : []));
  const r = spawnSync(py.python, [join(import.meta.dirname, 'peers', 'talib_indicators.py'), path, String(runs)], { input: JSON.stringify(calls), encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (r.status !== 0) return `talib_indicators.py failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`;
  return new Map((JSON.parse(r.stdout) as { title: string; ns: number; tail: (number | null)[] }[]).map((x) => [x.title, x]));
}
const talib = runTalib();
if (typeof talib === 'string') console.error(`TA-Lib column empty: ${talib}`);

console.log(`| indicator | Tradeloom ns/bar | TA-Lib (C) ns/bar (÷ Tradeloom) | agrees | technicalindicators ns/bar (÷ Tradeloom) | agrees | trading-signals ns/bar (÷ Tradeloom) | agrees |`);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const c of cases) {
  const impls: [string, (b: Bars) => unknown][] = [['tradeloom', (b) => tradeloom(c, b)], ...peerNames.filter((p) => c.peers[p]).map((p) => [p, c.peers[p]!] as [string, (b: Bars) => unknown])];
  // The warm-up as an executor's first runs: short blocks first (see `tradeloom`).
  tradeloom(c, warm, true);
  for (const [name, f] of impls) if (name !== 'tradeloom') f(warm);
  const best = new Map<string, number>();
  const last = new Map<string, unknown>();
  for (let r = 0; r < runs; r++) {
    for (const [name, f] of r % 2 ? [...impls].reverse() : impls) {
      const t0 = performance.now();
      const v = f(bars);
      const ns = ((performance.now() - t0) * 1e6) / barsCount;
      best.set(name, Math.min(best.get(name) ?? Infinity, ns));
      last.set(name, v);
    }
  }
  const ours = last.get('tradeloom') as Record<string, Float64Array>;
  const main = ours[c.output ?? Object.keys(ours)[0]!]!;
  const t = best.get('tradeloom')!;
  const peerCells = peerNames.flatMap((p) => {
    const ns = best.get(p);
    if (ns === undefined) return ['—', '—'];
    const differs = c.differs?.[p];
    return [`${cell(ns)} (${(ns / t).toFixed(1)}×)`, `${agreement(main, last.get(p) as ArrayLike<number>).toExponential(0)}${differs ? ` (${differs})` : ''}`];
  });
  const c0 = typeof talib === 'string' ? undefined : talib.get(c.title);
  const talibCells = c0 ? [`${cell(c0.ns)} (${(c0.ns / t).toFixed(1)}×)`, `${agreement(main, c0.tail.map((v) => v ?? NaN)).toExponential(0)}${c.differs?.talib ? ` (${c.differs.talib})` : ''}`] : ['—', '—'];
  console.log(`| ${c.title} | ${cell(t)} | ${talibCells.join(' | ')} | ${peerCells.join(' | ')} |`);
}
