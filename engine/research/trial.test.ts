import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { registry } from '../../nodes/index.ts';
import { runBacktest } from '../backtest.ts';
import { syntheticBars } from '../bars.ts';
import { compile } from '../compile.ts';
import { Graph } from '../graph.ts';
import { runTrial, sliceBars, TrialCompileError } from './trial.ts';

const graph = Graph.parse(JSON.parse(readFileSync(new URL('../../docs/examples/sma-crossover.json', import.meta.url), 'utf8')));
const bars = syntheticBars({ seed: 11, bars: 3000, startPrice: 100, drift: 0.05, volatility: 0.6, intervalMinutes: 60, startTime: Date.UTC(2024, 0, 1) });

function plainPlan(g: unknown) {
  const c = compile(g, registry);
  if (!c.ok) throw new Error('fixture must compile');
  return c.plan;
}

describe('runTrial', () => {
  it('with no override and no window, is exactly the engine’s backtest', async () => {
    const trial = await runTrial(graph, {}, bars, { registry });
    const direct = await runBacktest(plainPlan(graph), bars);
    expect(trial.metrics).toEqual(direct.metrics);
    expect(trial.equity.length).toBe(3000);
    expect(trial.startEquity).toBe(100_000);
  });

  it('can return the chart-sized curve instead of every bar, with the same metrics', async () => {
    const full = await runTrial(graph, {}, bars, { registry });
    const chart = await runTrial(graph, {}, bars, { registry, curve: 'chart' });
    expect(chart.metrics).toEqual(full.metrics);
    expect(chart.equity.length).toBeLessThanOrEqual(2000);
    expect(chart.equity.at(-1)).toBe(full.equity.at(-1));
    expect(Math.min(...chart.equity)).toBe(Math.min(...full.equity));
    // A window is always measured per bar.
    expect((await runTrial(graph, {}, bars, { registry, curve: 'chart', window: { from: 100, to: 2900 } })).equity.length).toBe(2800);
  });

  it('applies params by nodeId.param, as if the graph had been edited', async () => {
    const edited = structuredClone(graph);
    edited.nodes.find((n) => n.id === 'fast')!.params.period = 5;
    const trial = await runTrial(graph, { 'fast.period': 5 }, bars, { registry });
    expect(trial.metrics).toEqual((await runBacktest(plainPlan(edited), bars)).metrics);
    expect(trial.metrics).not.toEqual((await runTrial(graph, {}, bars, { registry })).metrics);
  });

  it('measures a window after warming up on the bars just before it, and never reads past it', async () => {
    const window = { from: 1200, to: 1800 };
    const trial = await runTrial(graph, {}, bars, { registry, window });
    expect(trial.warmup).toBe(49);
    expect(trial.equity.length).toBe(600);
    expect(trial.time[0]).toBe(bars.time[1200]);
    expect(trial.startEquity).toBe(100_000);
    for (const t of trial.trades) expect(t.entryTime).toBeGreaterThanOrEqual(bars.time[1200]!);

    // The same as running the engine on the warm-up bars plus the window.
    const direct = await runBacktest(plainPlan(graph), sliceBars(bars, 1200 - 50, 1800), { maxCurvePoints: 1000 });
    expect([...trial.equity]).toEqual(direct.equity.slice(50).map((p) => p.value));
    expect(trial.metrics.totalReturn).toBeCloseTo((direct.metrics.finalEquity / 100_000 - 1) * 100, 9);

    // Scrambling every bar after the window changes nothing: no lookahead.
    const scrambled = { ...bars, close: bars.close.slice(), open: bars.open.slice(), high: bars.high.slice(), low: bars.low.slice() };
    for (let i = 1800; i < 3000; i++) {
      scrambled.close[i] = scrambled.open[i] = 1 + (i % 7);
      scrambled.high[i] = 10;
      scrambled.low[i] = 0.5;
    }
    const again = await runTrial(graph, {}, scrambled, { registry, window });
    expect(again.metrics).toEqual(trial.metrics);
  });

  it('replaces cost settings, and refuses params the graph cannot compile with', async () => {
    const free = await runTrial(graph, {}, bars, { registry, backtest: { commissionBps: 0, slippageBps: 0 } });
    expect(free.metrics.commissionPaid).toBe(0);
    const costly = await runTrial(graph, {}, bars, { registry, backtest: { commissionBps: 20 } });
    expect(costly.metrics.totalReturn).toBeLessThan(free.metrics.totalReturn);
    await expect(runTrial(graph, { 'fast.period': 0 }, bars, { registry })).rejects.toBeInstanceOf(TrialCompileError);
    await expect(runTrial(graph, {}, bars, { registry, window: { from: 10, to: 5 } })).rejects.toBeInstanceOf(RangeError);
  });
});
