/**
 * Parity with the Python peers: the SMA(10/50) crossover and the RSI(14) strategy with ATR stop and
 * take-profit on the benchmark's 100k seeded bars give the same trades (entry and exit times and prices) and final equity in Tradeloom as in backtesting.py,
 * backtrader and vectorbt, with their fill rules set to match (docs/benchmarks.md, "Parity").
 *
 * Runs only where the peers' venv exists (`npm run bench` creates bench/.venv-peers on first use).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureBars } from '../bench/lib/data.ts';
import { compareRuns, equityTolerance, parityBars, parityCases } from '../bench/lib/parity.ts';
import { runPeer, type Impl } from '../bench/lib/procs.ts';
import type { PeerResult } from '../bench/lib/result.ts';
import type { StrategySpec } from '../bench/lib/strategies.ts';
import { venvDir, venvPython } from '../bench/lib/venv.ts';

const hasPeers = existsSync(venvPython);

/** vectorbt's Rust engine starts in a fraction of a second; on numba the first call compiles for ~30 s. */
function vectorbtPeer(): Impl {
  const lib = join(venvDir, 'lib');
  const rust = existsSync(lib) && readdirSync(lib).some((py) => existsSync(join(lib, py, 'site-packages', 'vectorbt_rust')));
  return rust ? 'vectorbt-rust' : 'vectorbt';
}

const opts = { python: venvPython, trades: true, warmupBars: 0 };
const ours = new Map<StrategySpec, Promise<PeerResult>>();
function tradeloom(spec: StrategySpec): Promise<PeerResult> {
  if (!ours.has(spec)) ours.set(spec, runPeer('tradeloom', ensureBars(parityBars).path, spec, opts));
  return ours.get(spec)!;
}

describe.skipIf(!hasPeers).concurrent('parity with the Python peers (S1 and S2 on 100k seeded 1-minute bars)', () => {
  for (const c of parityCases(hasPeers ? vectorbtPeer() : 'vectorbt')) {
    describe(c.name, () => {
      for (const peer of c.peers) {
        it(`matches ${peer}: trades, times, prices, final equity`, { timeout: 300_000 }, async () => {
          const [a, b] = await Promise.all([tradeloom(c.spec), runPeer(peer, ensureBars(parityBars).path, c.spec, opts)]);
          expect(a.status, a.reason).toBe('ok');
          expect(b.status, b.reason).toBe('ok');
          // Enough trades for the comparison to mean something.
          expect(a.trades).toBeGreaterThan(c.spec.strategy === 's1' ? 1000 : 200);
          expect(b.trades).toBe(a.trades);
          expect(b.tradeList!.map((t) => [t.entryTime, t.exitTime, t.open])).toEqual(a.tradeList!.map((t) => [t.entryTime, t.exitTime, t.open]));
          // Prices within float noise (1e-9 relative), quantities equal: compareRuns lists any trade that is not.
          expect(compareRuns(a, b).problems).toEqual([]);
          expect(Math.abs(b.finalEquity - a.finalEquity) / Math.abs(a.finalEquity)).toBeLessThanOrEqual(equityTolerance);
        });
      }
    });
  }
});
