/**
 * `npm run bench`: Tradeloom against its peers, in one run, on one machine, on the same bars.
 *
 * - Data: Tradeloom's seeded generator writes each size once to bench/.cache/*.bin; every
 *   implementation reads that file (load time is reported apart and is not part of bars/s).
 * - Each implementation runs in its own process (its peak RSS is its own): after loading, one warm-up
 *   run on the first BENCH_WARMUP_BARS bars (JIT compilation), then up to BENCH_INNER_RUNS (8) timed runs
 *   on all bars (fewer once they pass BENCH_INNER_BUDGET_MS, 10 s): the best is the warm run time, and the
 *   first is reported apart (what a JIT has not compiled yet after the short warm-up shows there).
 * - Implementations are interleaved round by round, so a change in machine load hits all of them, and
 *   the best of the rounds is kept. A slow peer stops repeating once its runs pass BENCH_BUDGET_S.
 * - Parity (the same trades and final equity as backtesting.py, backtrader and vectorbt) runs first.
 *
 * Environment: BENCH_BARS (default 100000,1000000; BENCH_FULL=1 adds 5000000), BENCH_STRATEGIES (s1,s2),
 * BENCH_IMPLS (a comma list to run a subset), BENCH_REPEATS (3), BENCH_BUDGET_S (30), BENCH_WARMUP_BARS
 * (20000), BENCH_S3=0 (skip S3), BENCH_SWEEP=0 (skip the sweep), BENCH_TRADING=0 (skip bench/trading.ts), BENCH_S3_SIZE=assets,bars (50,200000), BENCH_NO_PEERS=1 (TypeScript only), BENCH_PARITY=0 (skip parity), BENCH_INDICATORS=0 (skip bench/indicators.ts), BENCH_DOCS=1 (write the
 * result tables into docs/benchmarks.md), BENCH_PYTHON (the Python that creates the venv).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { ensureBars, cacheDir } from './lib/data.ts';
import { formatParity, runParity, type ParityResult } from './lib/parity.ts';
import { isPython, nodeImpls, pythonImpls, runPeer, type Impl } from './lib/procs.ts';
import type { PeerResult } from './lib/result.ts';
import { s1, s2, type StrategySpec } from './lib/strategies.ts';
import { ensurePeersPython } from './lib/venv.ts';

const env = process.env;
const sizes = (env.BENCH_BARS ?? (env.BENCH_FULL === '1' ? '100000,1000000,5000000' : '100000,1000000')).split(',').map(Number);
const strategies = (env.BENCH_STRATEGIES ?? 's1,s2').split(',').map((s) => ({ s1, s2 })[s.trim() as 's1' | 's2']).filter(Boolean) as StrategySpec[];
const repeats = Number(env.BENCH_REPEATS ?? 3);
const budgetMs = Number(env.BENCH_BUDGET_S ?? 30) * 1000;
const warmupBars = Number(env.BENCH_WARMUP_BARS ?? 20_000);
const only = env.BENCH_IMPLS?.split(',').map((s) => s.trim());
const impls = ([...nodeImpls, ...pythonImpls] as Impl[]).filter((i) => !only || only.includes(i));

const out: string[] = [];
const md: string[] = [];
function say(line = ''): void {
  console.log(line);
  out.push(line);
}
const progress = (s: string) => process.stderr.write(`  … ${s}\n`);
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const fmtInt = (n: number) => n.toLocaleString('en-US');

// ---- Machine and versions ----
function cpuModel(): string {
  try {
    const l = execFileSync('lscpu', { encoding: 'utf8' });
    return /Model name:\s*(.+)/.exec(l)?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown';
  } catch {
    return cpus()[0]?.model ?? 'unknown';
  }
}
const machine = `${cpuModel()}, ${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM`;
say(`Tradeloom benchmark — ${new Date().toISOString()}`);
say(`machine: ${machine}; load average at start ${load()} (1/5/15 min)`);

const peers = impls.some(isPython) ? ensurePeersPython((s) => console.error(s)) : { python: null, unavailable: {} as Record<string, string> };
const pyVersion = peers.python ? spawnSync(peers.python, ['--version'], { encoding: 'utf8' }).stdout.trim() : 'none';
say(`node ${process.version}; ${pyVersion}; peers in bench/.venv-peers${Object.keys(peers.unavailable).length ? ` (unavailable: ${Object.entries(peers.unavailable).map(([p, why]) => `${p} — ${why}`).join('; ')})` : ''}`);
say(`each implementation in its own process; best of up to ${repeats} interleaved rounds (fewer once a peer's runs pass ${budgetMs / 1000} s); in each, a warm-up run on ${fmtInt(warmupBars)} bars, then up to ${env.BENCH_INNER_RUNS ?? 8} full runs (fewer past ${(Number(env.BENCH_INNER_BUDGET_MS ?? 10_000) / 1000).toFixed(0)} s): the best is "run ms", the first "first run ms"`);
md.push(`- Machine: ${machine}; load average at start ${load()} (1/5/15 min).`, `- Runtimes: node ${process.version}, ${pyVersion}.`);

// ---- Parity ----
let parity: ParityResult[] = [];
if (env.BENCH_PARITY !== '0' && peers.python) {
  say();
  say('PARITY (same bars, same rules: trades and final equity must agree)');
  progress('parity runs');
  parity = await runParity(peers.python, peers.unavailable);
  for (const l of formatParity(parity, peers.unavailable)) say(l);
  if (parity.some((p) => p.comparisons.some((c) => !c.ok))) process.exitCode = 1;
}

// ---- Throughput ----
interface Row {
  impl: Impl;
  best?: PeerResult;
  /** Timed full runs, over every process. */
  runs: number;
  /** The best first full run of a process (before the JIT has compiled everything). */
  firstRunMs?: number;
  peakRssMB: number;
  failure?: string;
}

const title = (s: StrategySpec) => (s.strategy === 's1' ? 'S1 SMA(10/50) cross' : 'S2 RSI(14) reversion + ATR stop/target');
const blocks: { spec: StrategySpec; bars: number; rows: Row[]; loadBefore: string; loadAfter: string; fileMB: number }[] = [];

for (const n of sizes) {
  const { path, generatedMs } = ensureBars(n);
  if (generatedMs) progress(`generated ${fmtInt(n)} bars in ${generatedMs.toFixed(0)} ms → ${path}`);
  for (const spec of strategies) {
    const rows: Row[] = impls.map((impl) => ({ impl, runs: 0, peakRssMB: 0, ...(peers.unavailable[impl] ? { failure: `unavailable: ${peers.unavailable[impl]}` } : {}) }));
    const spent = new Map<Impl, number>();
    const loadBefore = load();
    for (let round = 1; round <= repeats; round++) {
      for (const row of rows) {
        if (row.failure || (row.runs > 0 && (spent.get(row.impl) ?? 0) >= budgetMs)) continue;
        progress(`${spec.strategy} ${fmtInt(n)} bars, round ${round}: ${row.impl}`);
        const r = await runPeer(row.impl, path, spec, { python: peers.python, warmupBars });
        if (r.status !== 'ok') {
          row.failure = r.status === 'unsupported' ? `pending: ${r.reason}` : `failed: ${r.reason}`;
          continue;
        }
        row.runs += r.innerRuns;
        row.firstRunMs = Math.min(row.firstRunMs ?? Infinity, r.firstRunMs);
        spent.set(row.impl, (spent.get(row.impl) ?? 0) + r.runMs * r.innerRuns);
        row.peakRssMB = Math.max(row.peakRssMB, r.peakRssMB);
        if (!row.best || r.runMs < row.best.runMs) row.best = r;
      }
    }
    blocks.push({ spec, bars: n, rows, loadBefore, loadAfter: load(), fileMB: (16 + 48 * n) / 2 ** 20 });
    printBlock(blocks.at(-1)!);
  }
}

function rate(r: PeerResult): number {
  return (r.bars / r.runMs) * 1000;
}

function printBlock(b: (typeof blocks)[number]): void {
  const ourRow = b.rows.find((r) => r.impl === 'tradeloom');
  const ours = ourRow?.best;
  say();
  say(`${title(b.spec)} — ${fmtInt(b.bars)} bars (${b.fileMB.toFixed(1)} MB file); load average ${b.loadBefore} → ${b.loadAfter}`);
  const head = ['implementation', 'bars/s', 'run ms', 'first run ms', 'load ms', 'warm-up ms', 'peak RSS MB', 'after load MB', 'runs', 'trades', 'final equity', 'Tradeloom ÷ peer', 'first runs ÷'];
  const table: string[][] = [];
  for (const r of b.rows) {
    if (!r.best) {
      table.push([r.impl, r.failure ?? 'not run']);
      continue;
    }
    const x = r.best;
    table.push([
      x.version,
      rate(x).toExponential(2),
      x.runMs.toFixed(1),
      r.firstRunMs!.toFixed(1),
      x.loadMs.toFixed(1),
      x.warmupMs.toFixed(0),
      r.peakRssMB.toFixed(0),
      x.rssAfterLoadMB.toFixed(0),
      String(r.runs),
      `${x.trades}${x.openTrade ? '+1' : ''}`,
      x.finalEquity.toFixed(4),
      ours ? `${(rate(ours) / rate(x)).toFixed(2)}×` : '—',
      ourRow?.firstRunMs ? `${(r.firstRunMs! / ourRow.firstRunMs).toFixed(2)}×` : '—',
    ]);
  }
  const widths = head.map((h, i) => Math.max(h.length, ...table.filter((t) => t.length > 2).map((t) => t[i]!.length)));
  say(head.map((h, i) => (i === 0 ? h.padEnd(widths[i]!) : h.padStart(widths[i]!))).join('  '));
  for (const t of table) {
    if (t.length === 2) say(`${t[0]!.padEnd(widths[0]!)}  ${t[1]}`);
    else say(t.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
  }
  md.push('', `### ${title(b.spec)}, ${fmtInt(b.bars)} bars`, '', `Load average ${b.loadBefore} → ${b.loadAfter} (1/5/15 min) during this block.`, '');
  md.push(`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
  for (const t of table) md.push(t.length === 2 ? `| ${t[0]} | ${t[1]} |${' |'.repeat(head.length - 2)}` : `| ${t.join(' | ')} |`);
}

// ---- S3 and summary ----
// S3 runs Tradeloom alone: no peer here states a 50-symbol portfolio with a shared account, volatility
// targeting and a drawdown breaker the same way, so there is no like-for-like ratio to print.
if (env.BENCH_S3 !== '0') {
  const [assets, perAsset] = (env.BENCH_S3_SIZE ?? '50,200000').split(',').map(Number) as [number, number];
  const before = load();
  progress(`S3 ${assets} assets × ${fmtInt(perAsset)} bars`);
  const child = spawnSync(process.execPath, [join(import.meta.dirname, 'peers', 's3.ts'), String(assets), String(perAsset)], { encoding: 'utf8', env: { ...env, BENCH_WARMUP_BARS: String(warmupBars) } });
  const line = child.stdout.trim().split('\n').pop() ?? '';
  say();
  const heading = `S3 EMA(200) trend + Bollinger entries, volatility-target sizing, portfolio drawdown breaker — ${assets} assets × ${fmtInt(perAsset)} bars; load average ${before} → ${load()}`;
  say(heading);
  md.push('', `### S3, ${assets} assets × ${fmtInt(perAsset)} bars`, '', `Tradeloom only (no peer states this portfolio identically). Load average ${before} → ${load()} (1/5/15 min).`, '');
  try {
    const r = JSON.parse(line) as { assetBars: number; runMs: number; firstRunMs: number; loadMs: number; warmupMs: number; peakRssMB: number; rssAfterLoadMB: number; trades: number; openTrades: number; finalEquity: number; maxDrawdown: number };
    const row = [`tradeloom ${JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')).version}`, ((r.assetBars / r.runMs) * 1000).toExponential(2), r.runMs.toFixed(0), r.firstRunMs.toFixed(0), r.loadMs.toFixed(0), r.warmupMs.toFixed(0), r.peakRssMB.toFixed(0), r.rssAfterLoadMB.toFixed(0), `${r.trades}+${r.openTrades}`, r.finalEquity.toFixed(2), `${r.maxDrawdown.toFixed(2)} %`];
    const head = ['implementation', 'asset-bars/s', 'run ms', 'first run ms', 'load ms', 'warm-up ms', 'peak RSS MB', 'after load MB', 'trades', 'final equity', 'max drawdown'];
    say(head.join('  '));
    say(row.join('  '));
    md.push(`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`, `| ${row.join(' | ')} |`);
  } catch {
    say(`S3 failed: ${child.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    md.push(`S3 failed: ${child.stderr.trim().split('\n').slice(-1)[0] ?? 'no output'}`);
  }
}

// The sweep target: 100 parameter sets over 1M bars, on one thread and on every core.
if (env.BENCH_SWEEP !== '0') {
  progress('sweep: 100 trials × 1,000,000 bars');
  const child = spawnSync(process.execPath, [join(import.meta.dirname, 'sweep.ts'), '1000000', '100'], { encoding: 'utf8' });
  const lines = child.stdout.trim().split('\n').filter((l) => !l.startsWith('{'));
  say();
  say('Sweep (S1, 10 × 10 parameter sets)');
  for (const l of lines) say(l);
  md.push('', '### Parameter sweep, 100 sets × 1,000,000 bars', '', ...lines.map((l) => `- ${l}`));
  if (child.status !== 0) say(`sweep failed: ${child.stderr.trim().split('\n').slice(-2).join(' | ')}`);
}

// Each indicator node's kernel against the same indicator in TA-Lib and the npm peers (bench/indicators.ts).
if (env.BENCH_INDICATORS !== '0') {
  progress('indicators: node kernels against TA-Lib (C), technicalindicators and trading-signals, 1,000,000 bars');
  const child = spawnSync(process.execPath, [join(import.meta.dirname, 'indicators.ts'), '1000000'], { encoding: 'utf8' });
  const lines = child.stdout.trim().split('\n');
  say();
  say('Indicators, 1,000,000 bars (ns per bar, best of 3; ÷ Tradeloom in brackets)');
  for (const l of lines) say(l);
  md.push('', '### Indicators, 1,000,000 bars', '', ...lines);
  if (child.status !== 0) say(`indicators failed: ${child.stderr.trim().split('\n').slice(-2).join(' | ')}`);
}

// Trading through Temporal (issue #4): its own services and processes; with BENCH_DOCS=1 it writes its own block.
if (env.BENCH_TRADING !== '0') {
  progress('trading: latency, 100 deployments, sweeps through Temporal (node bench/trading.ts)');
  const child = spawnSync(process.execPath, [join(import.meta.dirname, 'trading.ts')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  say();
  for (const l of child.stdout.trimEnd().split('\n')) say(l);
  if (child.status !== 0) say(`trading benchmark failed (exit ${child.status})`);
}

say();
say('SUMMARY (Tradeloom ÷ peer, bars/s of the timed run; "end to end" adds each side\'s load time)');
for (const b of blocks) {
  const ourRow = b.rows.find((r) => r.impl === 'tradeloom');
  const ours = ourRow?.best;
  if (!ours) {
    const why = b.rows.find((r) => r.impl === 'tradeloom')?.failure;
    if (why) say(`${b.spec.strategy} ${fmtInt(b.bars)}: Tradeloom ${why}`);
    continue;
  }
  const parts = b.rows
    .filter((r) => r.best && r.impl !== 'tradeloom')
    .map((r) => `${r.impl} ${(rate(ours) / rate(r.best!)).toFixed(2)}× (e2e ${((r.best!.loadMs + r.best!.runMs) / (ours.loadMs + ours.runMs)).toFixed(2)}×)`);
  say(`${b.spec.strategy} ${fmtInt(b.bars)}: Tradeloom ${rate(ours).toExponential(2)} bars/s; ${parts.join(', ')}`);
}
say(`load average at end ${load()}`);
md.push('', `Load average at the end: ${load()}.`);

const command = `${Object.entries(env).filter(([k]) => k.startsWith('BENCH_')).map(([k, v]) => `${k}=${v} `).join('')}npm run bench`;
md.unshift(`Measured ${new Date().toISOString().slice(0, 10)} with \`${command}\`.`, '');
if (parity.length) {
  md.push('', '### Parity', '', '```', ...formatParity(parity, peers.unavailable), '```');
}
const report = join(cacheDir, 'last-run.md');
writeFileSync(report, md.join('\n') + '\n');
writeFileSync(join(cacheDir, 'last-run.txt'), out.join('\n') + '\n');
if (env.BENCH_DOCS === '1') {
  const docs = join(import.meta.dirname, '..', 'docs', 'benchmarks.md');
  const text = readFileSync(docs, 'utf8');
  const begin = '<!-- bench:begin -->';
  const end = '<!-- bench:end -->';
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`${docs} has no ${begin} … ${end} block`);
  writeFileSync(docs, `${text.slice(0, i + begin.length)}\n${md.join('\n')}\n${text.slice(j)}`);
  console.error(`wrote the results into ${docs}`);
} else {
  console.error(`markdown tables: ${report} (BENCH_DOCS=1 writes them into docs/benchmarks.md)`);
}
