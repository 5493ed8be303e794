/**
 * Two versions of the engine side by side in one process, for changes smaller than this machine's noise
 * (absolute figures here move by up to 1.5× from run to run, and one process can settle faster or slower
 * than the next). Both checkouts are loaded into the same process and their runs alternate, so a change
 * in machine load hits both; the minimum and median of each are printed, and whether the two agree (trades
 * and every metric, compared bit for bit).
 *
 *   git worktree add /tmp/base <commit> && ln -s "$PWD/node_modules" /tmp/base/node_modules
 *   node bench/ab.ts /tmp/base . s1|s2|s3|logic|sweep [runs=16]
 *
 * s1 and s2 run the strategy on the bench's 1M bars (AB_BARS=100000 for its 100k), compile included,
 * alternating run by run. s3 runs the
 * 50-symbol portfolio on 50 × 100k bars (half the bench's length, to keep rounds short) and prints ns per
 * asset-bar; logic runs `logicGraph` (nine logic nodes, this checkout's graph for both) the same way. sweep runs
 * the 100 S1 parameter sets of bench/sweep.ts on one thread, each version with its own column cache,
 * alternating in chunks of 10 sets, and prints each version's total. Each version gets the bars as its
 * loader leaves them (since session 16 checked once on loading, `checkBars`).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { syntheticMarket, type Bars, type Market } from '../engine/bars.ts';
import { ensureBars, readBars, sliceBars } from './lib/data.ts';
import { logicGraph, s3Graph, sweepSets, type StrategySpec } from './lib/strategies.ts';

const [rootA, rootB, which = 's1', runsArg = '16'] = process.argv.slice(2);
const runs = Number(runsArg);
if (!rootA || !rootB || !['s1', 's2', 's3', 'logic', 'sweep'].includes(which) || !(Number.isInteger(runs) && runs >= 1)) {
  console.error('usage: node bench/ab.ts <checkout A> <checkout B> s1|s2|s3|logic|sweep [runs, a whole number ≥ 1]');
  process.exit(2);
}

/** The engine of one checkout: its own modules, so its generated code and caches are its own. */
async function engineAt(root: string) {
  const at = (path: string) => import(pathToFileURL(resolve(root, path)).href);
  const [backtest, cache, compile, nodes, strategies, barsModule] = await Promise.all([at('engine/backtest.ts'), at('engine/column-cache.ts'), at('engine/compile.ts'), at('nodes/index.ts'), at('bench/lib/strategies.ts'), at('engine/bars.ts')]);
  return {
    /** Check the bars as this checkout's loader does (`checkBars`, since session 16; before, nothing). */
    load(data: Market): void {
      barsModule.checkBars?.(data);
    },
    run(spec: StrategySpec, bars: Bars, columnCache?: unknown) {
      return this.runGraph(strategies.tradeloomGraph(spec), bars, columnCache);
    },
    async runGraph(graph: unknown, data: Bars | Market, columnCache?: unknown) {
      const compiled = compile.compile(graph, nodes.registry);
      if (!compiled.ok) throw new Error(`${root}: the strategy does not compile`);
      const result = await backtest.runBacktest(compiled.plan, data, { columnCache });
      return { trades: result.trades.length as number, metrics: result.metrics as Record<string, unknown> };
    },
    cacheFor: (bars: Bars): unknown => new cache.ColumnCache({ symbols: [''], lanes: [bars] }),
    spec: (name: 's1' | 's2', overrides: Partial<StrategySpec> = {}): StrategySpec => ({ ...strategies[name], ...overrides }),
    s3Graph: strategies.s3Graph as typeof s3Graph,
  };
}

const engines = [await engineAt(rootA), await engineAt(rootB)];
/** The bench's 1M bars (S1, S2, the sweep), and their first 20 000 for warming up. */
const loadBars = (): [Bars, Bars] => {
  const bars = readBars(ensureBars(Number(process.env.AB_BARS ?? 1_000_000)).path);
  const warm = sliceBars(bars, 20_000);
  for (const e of engines) for (const b of [bars, warm]) e.load({ symbols: [''], lanes: [b] });
  return [bars, warm];
};
type Outcome = Awaited<ReturnType<(typeof engines)[0]['run']>>;
const same = (a: Outcome, b: Outcome) => a.trades === b.trades && Object.keys(a.metrics).every((k) => Object.is(a.metrics[k], b.metrics[k]));
const median = (x: number[]) => [...x].sort((p, q) => p - q)[x.length >> 1]!;
const times: number[][] = [[], []];
let agree = true;

if (which === 's3' || which === 'logic') {
  // S3's market as bench/peers/s3.ts makes it, at 100k bars a symbol.
  const [assets, perAsset] = [50, 100_000];
  const graph = (e: (typeof engines)[0], n: number) => (which === 's3' ? e.s3Graph(assets, n) : logicGraph(assets, n));
  const market = syntheticMarket({ seed: 1, bars: perAsset, startPrice: 100, drift: 0.05, volatility: 0.6, intervalMinutes: 1, startTime: Date.UTC(2024, 0, 1), symbols: assets });
  const warmMarket: Market = { symbols: market.symbols, lanes: market.lanes.map((b) => sliceBars(b, 20_000)) };
  for (const e of engines) for (const m of [market, warmMarket]) e.load(m);
  for (const e of engines) for (let i = 0; i < 2; i++) await e.runGraph(graph(e, 20_000), warmMarket);
  for (let r = 0; r < runs; r++) {
    const outcomes: Outcome[] = [];
    for (const w of r % 2 ? [1, 0] : [0, 1]) {
      const t0 = performance.now();
      outcomes[w] = await engines[w]!.runGraph(graph(engines[w]!, perAsset), market);
      times[w]!.push(((performance.now() - t0) * 1e6) / (assets * perAsset));
    }
    agree &&= same(outcomes[0]!, outcomes[1]!);
  }
  const show = (w: number) => `min ${Math.min(...times[w]!).toFixed(1)} ns, median ${median(times[w]!).toFixed(1)} ns`;
  console.log(`${which}, ${assets} × ${perAsset} bars, ${runs} runs each, per asset-bar: A ${show(0)}; B ${show(1)}; ${agree ? 'the same trades and metrics' : 'RESULTS DIFFER'}`);
} else if (which === 'sweep') {
  const [bars, warm] = loadBars();
  const sets = sweepSets(100);
  const caches = engines.map((e) => e.cacheFor(bars));
  for (const e of engines) for (const set of sets.slice(0, 3)) await e.run(e.spec('s1', set), warm);
  for (let c = 0; c < 10; c++) {
    const outcomes: Outcome[][] = [[], []];
    for (const w of c % 2 ? [1, 0] : [0, 1]) {
      const t0 = performance.now();
      for (const set of sets.slice(c * 10, c * 10 + 10)) outcomes[w]!.push(await engines[w]!.run(engines[w]!.spec('s1', set), bars, caches[w]));
      times[w]!.push(performance.now() - t0);
    }
    agree &&= outcomes[0]!.every((o, i) => same(o, outcomes[1]![i]!));
  }
  const total = (w: number) => times[w]!.reduce((a, b) => a + b, 0) / 1000;
  console.log(`sweep, 100 sets × 1M bars, one thread: A ${total(0).toFixed(2)} s, B ${total(1).toFixed(2)} s, B/A ${(total(1) / total(0)).toFixed(3)}; ${agree ? 'the same trades and metrics' : 'RESULTS DIFFER'}`);
} else {
  const [bars, warm] = loadBars();
  const name = which as 's1' | 's2';
  for (const e of engines) for (let i = 0; i < 3; i++) await e.run(e.spec(name), warm);
  for (let r = 0; r < runs; r++) {
    const outcomes: Outcome[] = [];
    for (const w of r % 2 ? [1, 0] : [0, 1]) {
      const t0 = performance.now();
      outcomes[w] = await engines[w]!.run(engines[w]!.spec(name), bars);
      times[w]!.push(performance.now() - t0);
    }
    agree &&= same(outcomes[0]!, outcomes[1]!);
  }
  const show = (w: number) => `min ${Math.min(...times[w]!).toFixed(1)} ms, median ${median(times[w]!).toFixed(1)} ms`;
  console.log(`${name}, ${bars.close.length.toLocaleString('en-US')} bars, ${runs} runs each: A ${show(0)}; B ${show(1)}; ${agree ? 'the same trades and metrics' : 'RESULTS DIFFER'}`);
}
if (!agree) process.exitCode = 1;
