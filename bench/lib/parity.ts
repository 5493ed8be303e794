/**
 * Parity: the same strategy on the same bars must give the same trades and final equity in Tradeloom
 * and in the peers, once their fill rules are set to match (docs/benchmarks.md, "Parity").
 */
import { ensureBars } from './data.ts';
import { runPeer, type Impl } from './procs.ts';
import type { PeerResult, PeerTrade } from './result.ts';
import { s1, s2, type StrategySpec } from './strategies.ts';

export interface ParityCase {
  name: string;
  spec: StrategySpec;
  peers: Impl[];
  /** Peers left out of this case, and why. */
  excluded: Partial<Record<Impl, string>>;
}

/** Bars in the parity run (the 100k bench file). */
export const parityBars = 100_000;
/** Prices must agree to this relative difference (float noise only), final equity to 1e-6. */
export const priceTolerance = 1e-9;
export const equityTolerance = 1e-6;

export function parityCases(vectorbt: Impl): ParityCase[] {
  return [
    { name: 'S1 SMA(10/50), 10 units, 1 bp commission, no slippage', spec: s1, peers: ['backtesting', 'backtrader', vectorbt], excluded: {} },
    {
      name: 'S1 SMA(10/50), 10 units, 1 bp commission, 2 bps slippage',
      spec: { ...s1, slippageBps: 2 },
      peers: ['backtrader', vectorbt],
      excluded: { backtesting: 'its `spread` moves the entry price only; trades close at the unadjusted price, so two-sided slippage cannot be stated' },
    },
    {
      // The peers charge the tick of slippage on the take-profit too (docs/benchmarks.md, S2), so parity
      // is checked without it; the ATR stop and take-profit, the RSI exits and the 5 bps fees all stay.
      name: 'S2 RSI(14) with ATR stop and take-profit, 10 units, 5 bps commission, no slippage',
      spec: { ...s2, slippageTicks: 0 },
      peers: ['backtesting', 'backtrader', vectorbt],
      excluded: {},
    },
  ];
}

export interface Comparison {
  peer: Impl;
  version: string;
  ok: boolean;
  trades: [number, number];
  finalEquity: [number, number];
  equityRelDiff: number;
  maxPriceRelDiff: number;
  /** The first differences found, in words. */
  problems: string[];
}

const rel = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)));
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16);

export function compareRuns(ours: PeerResult, theirs: PeerResult): Comparison {
  const problems: string[] = [];
  const a = ours.tradeList ?? [];
  const b = theirs.tradeList ?? [];
  let maxPrice = 0;
  if (theirs.status !== 'ok') problems.push(`${theirs.status}: ${theirs.reason}`);
  else {
    if (ours.trades !== theirs.trades || a.length !== b.length) problems.push(`trade count ${ours.trades}${ours.openTrade ? '+1 open' : ''} vs ${theirs.trades}${theirs.openTrade ? '+1 open' : ''}`);
    for (let i = 0; i < Math.min(a.length, b.length) && problems.length < 4; i++) {
      const x: PeerTrade = a[i]!;
      const y: PeerTrade = b[i]!;
      const p = Math.max(rel(x.entryPrice, y.entryPrice), rel(x.exitPrice, y.exitPrice));
      maxPrice = Math.max(maxPrice, p);
      if (x.entryTime !== y.entryTime || x.exitTime !== y.exitTime || x.open !== y.open) {
        problems.push(`trade ${i + 1}: ${iso(x.entryTime)}→${iso(x.exitTime)} vs ${iso(y.entryTime)}→${iso(y.exitTime)}`);
      } else if (p > priceTolerance) {
        problems.push(`trade ${i + 1}: prices ${x.entryPrice}→${x.exitPrice} vs ${y.entryPrice}→${y.exitPrice}`);
      } else if (rel(x.quantity, y.quantity) > priceTolerance) {
        problems.push(`trade ${i + 1}: quantity ${x.quantity} vs ${y.quantity}`);
      }
    }
  }
  const eq = rel(ours.finalEquity, theirs.finalEquity);
  if (theirs.status === 'ok' && !(eq <= equityTolerance)) problems.push(`final equity ${ours.finalEquity} vs ${theirs.finalEquity}`);
  return {
    peer: theirs.impl as Impl,
    version: theirs.version,
    ok: problems.length === 0,
    trades: [ours.trades, theirs.trades],
    finalEquity: [ours.finalEquity, theirs.finalEquity],
    equityRelDiff: eq,
    maxPriceRelDiff: maxPrice,
    problems,
  };
}

export interface ParityResult {
  case: ParityCase;
  tradeloom: PeerResult;
  comparisons: Comparison[];
}

/** Run every parity case on the parity bars; the peers that are unavailable are left out. */
export async function runParity(python: string | null, unavailable: Partial<Record<string, string>>): Promise<ParityResult[]> {
  const { path } = ensureBars(parityBars);
  const vectorbt: Impl = unavailable['vectorbt-rust'] ? 'vectorbt' : 'vectorbt-rust';
  const results: ParityResult[] = [];
  for (const c of parityCases(vectorbt)) {
    // One run each: parity compares trades, and backtrader alone takes minutes per run.
    const opts = { python, trades: true, warmupBars: 0, innerRuns: 1 };
    const tradeloom = await runPeer('tradeloom', path, c.spec, opts);
    const comparisons: Comparison[] = [];
    for (const peer of c.peers) {
      if (unavailable[peer]) continue;
      comparisons.push(compareRuns(tradeloom, await runPeer(peer, path, c.spec, opts)));
    }
    results.push({ case: c, tradeloom, comparisons });
  }
  return results;
}

export function formatParity(results: ParityResult[], unavailable: Partial<Record<string, string>>): string[] {
  const lines: string[] = [];
  for (const r of results) {
    const t = r.tradeloom;
    lines.push(`${r.case.name} — ${parityBars.toLocaleString('en-US')} bars; Tradeloom: ${t.trades} closed trades${t.openTrade ? ' + 1 open' : ''}, final equity ${t.finalEquity?.toFixed(6)}`);
    for (const c of r.comparisons) {
      const detail = c.ok
        ? `same ${c.trades[1]} trades (entry/exit times equal, prices within ${c.maxPriceRelDiff.toExponential(1)} rel.), final equity ${c.finalEquity[1].toFixed(6)} (rel. diff ${c.equityRelDiff.toExponential(1)})`
        : c.problems.join('; ');
      lines.push(`  ${c.ok ? 'MATCH   ' : 'MISMATCH'} ${c.version || c.peer}: ${detail}`);
    }
    for (const [peer, why] of Object.entries(r.case.excluded)) lines.push(`  n/a      ${peer}: ${why}`);
    for (const peer of r.case.peers) if (unavailable[peer]) lines.push(`  skipped  ${peer}: ${unavailable[peer]}`);
  }
  return lines;
}
