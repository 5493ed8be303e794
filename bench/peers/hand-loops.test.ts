import { describe, expect, it } from 'vitest';
import { syntheticBars } from '../../engine/bars.ts';
import { runBacktest } from '../../engine/backtest.ts';
import { compile } from '../../engine/compile.ts';
import { registry } from '../../nodes/index.ts';
import { benchSpec } from '../lib/data.ts';
import { s1, s2, tradeloomGraph, type StrategySpec } from '../lib/strategies.ts';
import { handLoops } from './hand-loops.ts';

// The benchmark's tables compare these loops with the engine on speed; that comparison means something
// only while they do the same trades. The fused loops claim the engine's arithmetic: the same bits.
describe('hand-written benchmark loops agree with the engine', () => {
  const bars = syntheticBars(benchSpec(30_000));
  const engine = async (spec: StrategySpec) => {
    const compiled = compile(tradeloomGraph(spec), registry);
    if (!compiled.ok) throw new Error(compiled.errors.map((e) => e.message).join('; '));
    return runBacktest(compiled.plan, bars);
  };
  const rows = (trades: readonly { entryTime: number; exitTime: number; entryPrice: number; exitPrice: number; quantity: number; open: boolean }[]) =>
    trades.map((t) => [t.entryTime, t.exitTime, t.entryPrice, t.exitPrice, t.quantity, t.open]);

  for (const spec of [s1, { ...s1, slippageBps: 2 }, s2] as StrategySpec[]) {
    const name = spec.strategy === 's1' ? `S1, ${spec.slippageBps} bps slippage` : 'S2';
    it(`${name}: the fused loop makes the engine's trades and final equity, to the bit`, async () => {
      const want = await engine(spec);
      const got = spec.strategy === 's1' ? handLoops.fused.s1(bars, spec) : handLoops.fused.s2(bars, spec);
      expect(want.trades.length).toBeGreaterThan(50);
      expect(rows(got.trades)).toEqual(rows(want.trades));
      expect(got.finalEquity).toBe(want.metrics.finalEquity);
    });
  }

  it('S1: the trading-signals loop makes the same trades', async () => {
    const want = await engine(s1);
    const got = handLoops['trading-signals'].s1(bars, s1);
    expect(rows(got.trades)).toEqual(rows(want.trades));
    expect(got.finalEquity).toBeCloseTo(want.metrics.finalEquity, 6);
  });
});
