/**
 * `npm run bench`: engine throughput, measured side by side in one run against a peer on the same data.
 *
 * Peer here: a hand-fused JavaScript loop computing the same SMA(10/50) crossover strategy with the same
 * next-open fills and costs — the floor any generic engine is measured against. Peers in other
 * ecosystems (vectorbt, backtesting.py, backtrader) join in bench/ as the engine work lands.
 */
import { readFileSync } from 'node:fs';
import { runBacktest } from '../engine/backtest.ts';
import { syntheticBars, type Bars } from '../engine/bars.ts';
import { compile } from '../engine/compile.ts';
import { registry } from '../nodes/index.ts';

const graph = JSON.parse(readFileSync(new URL('../docs/examples/sma-crossover.json', import.meta.url), 'utf8'));
const sizes = (process.env.BENCH_BARS ?? '100000,1000000').split(',').map(Number);
const repeats = Number(process.env.BENCH_REPEATS ?? 5);

function fusedPeer(b: Bars, cash0: number, commission: number, slip: number): number {
  // SMA(10) and SMA(50) by running sums, cross detection, 100 % of equity long, next-open fills.
  const n = b.close.length;
  let s10 = 0;
  let s50 = 0;
  let prevFast = NaN;
  let prevSlow = NaN;
  let cash = cash0;
  let pos = 0;
  let pending = NaN;
  let target = 0;
  for (let t = 0; t < n; t++) {
    if (pending === pending) {
      const q = pending - pos;
      if (q !== 0 && b.open[t]! > 0) {
        const px = b.open[t]! * (q > 0 ? 1 + slip : 1 - slip);
        cash -= q * px + Math.abs(q) * px * commission;
        pos = pending;
      }
      pending = NaN;
    }
    const c = b.close[t]!;
    s10 += c;
    s50 += c;
    if (t >= 10) s10 -= b.close[t - 10]!;
    if (t >= 50) s50 -= b.close[t - 50]!;
    const fast = t >= 9 ? s10 / 10 : NaN;
    const slow = t >= 49 ? s50 / 50 : NaN;
    const known = fast === fast && slow === slow && prevFast === prevFast && prevSlow === prevSlow;
    const equity = cash + pos * c;
    if (known && prevFast >= prevSlow && fast < slow) target = 0;
    else if (known && prevFast <= prevSlow && fast > slow && target === 0) target = equity / c;
    pending = target;
    prevFast = fast;
    prevSlow = slow;
  }
  return cash + pos * b.close[n - 1]!;
}

function best(fn: () => unknown): number {
  let fastest = Infinity;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    fn();
    fastest = Math.min(fastest, performance.now() - t0);
  }
  return fastest;
}

const compiled = compile(graph, registry);
if (!compiled.ok) throw new Error('bench strategy does not compile');
const { settings } = compiled.plan;
console.log(`node ${process.version}, best of ${repeats}, single thread, data in memory\n`);
console.log('strategy            bars       tradeloom bars/s   fused-loop bars/s   ratio (tradeloom/fused)');
for (const n of sizes) {
  const bars = syntheticBars({ seed: 1, bars: n, startPrice: 100, drift: 0.05, volatility: 0.6, intervalMinutes: 1, startTime: Date.UTC(2024, 0, 1) });
  let ours = 0;
  const engineMs = await (async () => {
    let fastest = Infinity;
    for (let i = 0; i < repeats; i++) {
      const t0 = performance.now();
      const r = await runBacktest(compiled.plan, bars, { chunkBars: n });
      fastest = Math.min(fastest, performance.now() - t0);
      ours = r.metrics.finalEquity;
    }
    return fastest;
  })();
  let theirs = 0;
  const peerMs = best(() => (theirs = fusedPeer(bars, settings.initialCash, settings.commissionBps / 1e4, settings.slippageBps / 1e4)));
  const agree = Math.abs(ours - theirs) <= 1e-6 * Math.abs(theirs) ? '' : `  (final equity differs: ${ours} vs ${theirs})`;
  const rate = (ms: number) => ((n / ms) * 1000).toExponential(2).padStart(12);
  console.log(`S1 SMA(10/50) cross ${String(n).padEnd(10)} ${rate(engineMs)}       ${rate(peerMs)}        ${(peerMs / engineMs).toFixed(2)}${agree}`);
}
