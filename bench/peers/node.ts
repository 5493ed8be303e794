/**
 * One JavaScript implementation in its own process, so its peak RSS is its own:
 *
 *   node bench/peers/node.ts <tradeloom|fused|trading-signals|technicalindicators> <bars file> <spec json> [--trades]
 *
 * Loads the bars file (timed as load), runs once on the first BENCH_WARMUP_BARS bars to warm the JIT
 * (timed apart), then on all of them up to BENCH_INNER_RUNS times (8; fewer once they take
 * BENCH_INNER_BUDGET_MS, 10 s): the best is the run time, the first is reported too. Prints one JSON
 * line (`PeerResult`).
 */
import { readFileSync } from 'node:fs';
import { checkBars, type Bars } from '../../engine/bars.ts';
import { runBacktest } from '../../engine/backtest.ts';
import { compile } from '../../engine/compile.ts';
import { registry } from '../../nodes/index.ts';
import { readBars, sliceBars } from '../lib/data.ts';
import { timedRuns } from '../lib/inner-runs.ts';
import type { PeerResult, PeerTrade } from '../lib/result.ts';
import { tradeloomGraph, type StrategySpec } from '../lib/strategies.ts';
import { handLoops } from './hand-loops.ts';

type Run = (b: Bars) => Promise<{ finalEquity: number; trades: PeerTrade[] }>;

const [impl, file, specJson] = process.argv.slice(2);
const withTrades = process.argv.includes('--trades');
const warmupBars = Number(process.env.BENCH_WARMUP_BARS ?? 20_000);
const spec = JSON.parse(specJson!) as StrategySpec;
const versionOf = (pkg: string) => (JSON.parse(readFileSync(new URL(`../../node_modules/${pkg}/package.json`, import.meta.url), 'utf8')) as { version: string }).version;

function out(r: Partial<PeerResult>): void {
  process.stdout.write(JSON.stringify({ impl, strategy: spec.strategy, ...r }) + '\n');
}

function runner(): Run | string {
  if (impl === 'tradeloom') {
    const compiled = compile(tradeloomGraph(spec), registry);
    // The root cause first: a node type this build does not register explains the errors after it.
    if (!compiled.ok) return [...compiled.errors].sort((a, b) => Number(b.code === 'unknown_node_type') - Number(a.code === 'unknown_node_type'))[0]!.message;
    // Compile is part of the run, as it is for a user: the graph is compiled once per backtest.
    return async (b) => {
      const c = compile(tradeloomGraph(spec), registry);
      if (!c.ok) throw new Error('compile failed');
      const r = await runBacktest(c.plan, b);
      return { finalEquity: r.metrics.finalEquity, trades: r.trades };
    };
  }
  const loops = handLoops[impl as keyof typeof handLoops];
  if (!loops) return `unknown implementation "${impl}"`;
  return async (b) => (spec.strategy === 's1' ? loops.s1(b, spec) : loops.s2(b, spec));
}

const ownVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const version = impl === 'tradeloom' ? `tradeloom ${ownVersion}` : impl === 'fused' ? 'hand-fused loop' : `${impl} ${versionOf(impl!)}`;

const run = runner();
if (typeof run === 'string') {
  out({ status: 'unsupported', reason: run, version });
} else {
  const t0 = performance.now();
  const bars = readBars(file!);
  // As the product's loadMarket does: every bar checked once when loaded, not in each run (checkBars).
  if (impl === 'tradeloom') checkBars({ symbols: [''], lanes: [bars] });
  const loadMs = performance.now() - t0;
  const rssAfterLoadMB = process.memoryUsage().rss / 2 ** 20;
  const n = bars.close.length;
  const t1 = performance.now();
  if (warmupBars > 0) await run(sliceBars(bars, Math.min(n, warmupBars)));
  const warmupMs = performance.now() - t1;
  const { result: r, runMs, firstRunMs, innerRuns } = await timedRuns(() => run(bars));
  const closed = r.trades.filter((t) => !t.open);
  out({
    status: 'ok',
    version,
    bars: n,
    loadMs,
    warmupMs,
    runMs,
    firstRunMs,
    innerRuns,
    rssAfterLoadMB,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    finalEquity: r.finalEquity,
    trades: closed.length,
    openTrade: closed.length !== r.trades.length,
    ...(withTrades ? { tradeList: r.trades.map(({ entryTime, exitTime, entryPrice, exitPrice, quantity, open }) => ({ entryTime, exitTime, entryPrice, exitPrice, quantity, open })) } : {}),
  });
}
