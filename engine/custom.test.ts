import { afterAll, describe, expect, it } from 'vitest';
import { registry as builtins } from '../nodes/index.ts';
import { createRegistry } from '../nodes/registry.ts';
import { Sandbox } from '../sandbox/client.ts';
import { customEmaSource } from '../sandbox/testing/sources.ts';
import { runBacktest } from './backtest.ts';
import { syntheticBars, syntheticMarket } from './bars.ts';
import { compile } from './compile.ts';
import { customNodeDefinition } from './custom.ts';
import { fixture } from './testing.ts';

const sandbox = new Sandbox();
afterAll(() => sandbox.close());

const bars = syntheticBars({ seed: 3, bars: 40_000, startPrice: 100, drift: 0, volatility: 0.8, intervalMinutes: 60, startTime: Date.UTC(2024, 0, 1) });

/** EMA(12/40) cross, with the EMA of `emaType` (built-in or custom). */
const emaCross = (emaType: string, symbols = 1) =>
  fixture(
    {
      data: { type: 'data.synthetic', params: { symbols } },
      fast: { type: emaType, params: { period: 12 } },
      slow: { type: emaType, params: { period: 40 } },
      x: { type: 'logic.crossover' },
      order: { type: 'order.targetPercent', params: { percent: 50 } },
    },
    ['data.close -> fast.source', 'data.close -> slow.source', 'fast.value -> x.a', 'slow.value -> x.b', 'x.above -> order.enter', 'x.below -> order.exit'],
  );

async function customRegistry() {
  const loaded = await sandbox.load(customEmaSource);
  return createRegistry([...builtins.definitions, customNodeDefinition(loaded, 1, sandbox)]);
}

describe('custom nodes in the engine', () => {
  it('a custom EMA in the sandbox trades exactly as the built-in EMA, bad bars included', async () => {
    const withBad = { ...bars, close: bars.close.slice() };
    for (const t of [100, 16_384, 16_385, 30_000]) withBad.close[t] = NaN;
    const reg = await customRegistry();
    const custom = compile(emaCross('custom.customEma'), reg);
    const builtin = compile(emaCross('indicator.ema'), reg);
    if (!custom.ok || !builtin.ok) throw new Error('compile failed');
    const a = await runBacktest(custom.plan, withBad);
    const b = await runBacktest(builtin.plan, withBad);
    expect(a.trades.length).toBeGreaterThan(50);
    expect(a.trades).toEqual(b.trades);
    expect(a.metrics).toEqual(b.metrics);
    expect(a.skippedBars).toBe(4);
  });

  it('runs once per symbol, each with its own state', async () => {
    const reg = await customRegistry();
    const market = syntheticMarket({ seed: 3, bars: 5000, startPrice: 100, drift: 0, volatility: 0.8, intervalMinutes: 60, startTime: Date.UTC(2024, 0, 1), symbols: 3 });
    const custom = compile(emaCross('custom.customEma', 3), reg);
    const builtin = compile(emaCross('indicator.ema', 3), reg);
    if (!custom.ok || !builtin.ok) throw new Error('compile failed');
    expect((await runBacktest(custom.plan, market)).trades).toEqual((await runBacktest(builtin.plan, market)).trades);
  });

  it('refuses a custom node fed by an order or sizing output, naming it', async () => {
    const reg = await customRegistry();
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        up: { type: 'logic.compare', params: { operator: '>' } },
        size: { type: 'risk.volatilityTarget' },
        halt: { type: 'risk.drawdownHalt' },
        ema: { type: 'custom.customEma' },
        gt: { type: 'logic.threshold' },
      },
      ['data.close -> up.a', 'data.open -> up.b', 'up.result -> size.enter', 'size.order -> halt.order', 'size.percent -> ema.source', 'ema.value -> gt.value'],
    );
    const compiled = compile(graph, reg);
    expect(compiled.ok).toBe(false);
    if (compiled.ok) return;
    expect(compiled.errors).toEqual([expect.objectContaining({ code: 'batch_input_not_pure', nodeId: 'ema' })]);
  });

  it('a sandbox killed mid-run fails the run with a clear message, and the next run works', async () => {
    const reg = await customRegistry();
    const custom = compile(emaCross('custom.customEma'), reg);
    if (!custom.ok) throw new Error('compile failed');
    const run = runBacktest(custom.plan, bars, { chunkBars: 2000, onProgress: (done) => { if (done === 4000) sandbox.kill(); } });
    await expect(run).rejects.toThrow(/Sandbox|sandbox/);
    const again = await customRegistry();
    const recompiled = compile(emaCross('custom.customEma'), again);
    if (!recompiled.ok) throw new Error('compile failed');
    expect((await runBacktest(recompiled.plan, bars)).trades.length).toBeGreaterThan(50);
  });
});
