/**
 * S3 in its own process (so its peak RSS is its own):
 *
 *   node bench/peers/s3.ts <assets> <bars per asset>
 *
 * 50 assets (by default) of seeded synthetic 1-minute bars; an EMA(200) trend filter, Bollinger(20, 2)
 * entries below the lower band, exit at the middle band, volatility-target sizing (10 % target, 10 % of
 * equity cap per symbol) and a portfolio drawdown breaker (15 %, flatten). Generating the bars is timed
 * as load; a warm-up run on the first BENCH_WARMUP_BARS bars comes before the timed runs (the best of up
 * to BENCH_INNER_RUNS, and the first apart). Prints one JSON line.
 */
import { runBacktest } from '../../engine/backtest.ts';
import { checkBars, syntheticMarket, type Market } from '../../engine/bars.ts';
import { compile } from '../../engine/compile.ts';
import { registry } from '../../nodes/index.ts';
import { timedRuns } from '../lib/inner-runs.ts';
import { s3Graph } from '../lib/strategies.ts';

const assets = Number(process.argv[2] ?? 50);
const barsPerAsset = Number(process.argv[3] ?? 200_000);
const warmupBars = Number(process.env.BENCH_WARMUP_BARS ?? 20_000);

const t0 = performance.now();
// As the product's loadMarket does: every bar checked once when loaded, not in each run (checkBars).
const market = checkBars(syntheticMarket({ seed: 1, bars: barsPerAsset, startPrice: 100, drift: 0.05, volatility: 0.6, intervalMinutes: 1, startTime: Date.UTC(2024, 0, 1), symbols: assets }));
const loadMs = performance.now() - t0;
const rssAfterLoadMB = process.memoryUsage().rss / 2 ** 20;

const slice = (m: Market, n: number): Market => ({ symbols: m.symbols, lanes: m.lanes.map((b) => ({ time: b.time.subarray(0, n), open: b.open.subarray(0, n), high: b.high.subarray(0, n), low: b.low.subarray(0, n), close: b.close.subarray(0, n), volume: b.volume.subarray(0, n) })) });

async function run(m: Market) {
  // Compile is part of the run, as it is for a user.
  const compiled = compile(s3Graph(assets, m.lanes[0]!.close.length), registry);
  if (!compiled.ok) throw new Error(compiled.errors.map((e) => e.message).join('; '));
  return runBacktest(compiled.plan, m);
}

const t1 = performance.now();
await run(slice(market, Math.min(barsPerAsset, warmupBars)));
const warmupMs = performance.now() - t1;
const { result, runMs, firstRunMs } = await timedRuns(() => run(market));
process.stdout.write(
  JSON.stringify({
    status: 'ok',
    assets,
    barsPerAsset,
    assetBars: assets * barsPerAsset,
    loadMs,
    warmupMs,
    runMs,
    firstRunMs,
    rssAfterLoadMB,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    trades: result.trades.filter((t) => !t.open).length,
    openTrades: result.trades.filter((t) => t.open).length,
    finalEquity: result.metrics.finalEquity,
    maxDrawdown: result.metrics.maxDrawdown,
  }) + '\n',
);
