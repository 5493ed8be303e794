/**
 * How far the engine is from a hand-written S1 that computes what it computes: in one process, side by
 * side, on 1M bars, the best of several rounds after a warm-up, of
 * - the engine (compile and `runBacktest`, as in the tables);
 * - the hand-fused loop (indicators, signals, fills: the tables' "hand-fused loop");
 * - the same loop also writing each bar's equity (the engine marks to market every bar);
 * - that, then the engine's metrics over the curve (`computeMetrics`, with the closes as the benchmark).
 * The last is what a hand-written backtest producing the engine's figures costs here, give or take: its
 * metrics pass over every bar (the engine's skip its flat stretches) and sum no trades (≈ 1 % of a run).
 *
 *   node bench/floor.ts [bars=1000000] [rounds=15]
 */
import { runBacktest } from '../engine/backtest.ts';
import { compile } from '../engine/compile.ts';
import { computeMetrics } from '../engine/metrics.ts';
import { registry } from '../nodes/index.ts';
import { ensureBars, readBars, sliceBars } from './lib/data.ts';
import { s1, tradeloomGraph } from './lib/strategies.ts';
import type { Bars } from '../engine/bars.ts';
import { fusedS1 } from './peers/hand-loops.ts';

const n = Number(process.argv[2] ?? 1_000_000);
const rounds = Number(process.argv[3] ?? 15);
const bars = readBars(ensureBars(n).path);
const curve = new Float64Array(n);

const runs: Record<string, (b: Bars) => Promise<number> | number> = {
  tradeloom: async (b) => {
    const compiled = compile(tradeloomGraph(s1), registry);
    if (!compiled.ok) throw new Error(compiled.errors.map((e) => e.message).join('; '));
    return (await runBacktest(compiled.plan, b)).metrics.finalEquity;
  },
  'hand-fused loop': (b) => fusedS1(b, s1).finalEquity,
  '+ equity every bar': (b) => fusedS1(b, s1, curve).finalEquity,
  '+ the metrics': (b) => {
    const equity = curve.subarray(0, b.close.length);
    fusedS1(b, s1, equity);
    return computeMetrics(equity, b.time, [], s1.initialCash, 0, 0, { benchmark: b.close }).finalEquity;
  },
};

const warm = sliceBars(bars, Math.min(n, 20_000));
for (const run of Object.values(runs)) for (let i = 0; i < 3; i++) await run(warm);
const best = new Map<string, number>();
const finals = new Map<string, number>();
for (let r = 0; r < rounds; r++) {
  for (const [name, run] of Object.entries(runs)) {
    const t0 = performance.now();
    finals.set(name, await run(bars));
    const ms = performance.now() - t0;
    best.set(name, Math.min(best.get(name) ?? Infinity, ms));
  }
}
const engineMs = best.get('tradeloom')!;
console.log(`S1 on ${n.toLocaleString('en-US')} bars, best of ${rounds} rounds:`);
for (const [name, ms] of best) {
  console.log(`${name.padEnd(20)} ${ms.toFixed(1).padStart(7)} ms  ${(n / ms / 1e3).toFixed(1).padStart(6)}M bars/s  engine ÷ this ${(engineMs / ms).toFixed(2)}  final equity ${finals.get(name)!.toFixed(4)}`);
}
