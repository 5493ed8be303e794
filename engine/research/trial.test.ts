import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { registry } from '../../nodes/index.ts';
import { equalWeightIndex, runBacktest } from '../backtest.ts';
import { syntheticBars, syntheticMarket } from '../bars.ts';
import { compile } from '../compile.ts';
import { Graph } from '../graph.ts';
import { runTrial, sliceBars, sliceMarket, TrialCompileError } from './trial.ts';

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
    expect(trial.warmup).toBe(50);
    expect(trial.equity.length).toBe(600);
    expect(trial.time[0]).toBe(bars.time[1200]);
    expect(trial.startEquity).toBe(100_000);
    for (const t of trial.trades) expect(t.entryTime).toBeGreaterThanOrEqual(bars.time[1200]!);

    // The same as running the engine on the warm-up bars plus the window.
    const direct = await runBacktest(plainPlan(graph), sliceBars(bars, 1200 - 51, 1800), { maxCurvePoints: 1000 });
    expect([...trial.equity]).toEqual(direct.equity.slice(51).map((p) => p.value));
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

  it('runs every symbol of a portfolio, windowed alike, with the equal-weight benchmark from the window’s start', async () => {
    const market = syntheticMarket({ seed: 3, bars: 2000, startPrice: 100, drift: 0.05, volatility: 0.6, intervalMinutes: 60, startTime: Date.UTC(2024, 0, 1), symbols: 3 });
    const rotation = Graph.parse({
      nodes: [
        { id: 'data', type: 'data.synthetic', params: { symbols: 3 } },
        { id: 'roc', type: 'indicator.roc', params: { period: 30 } },
        { id: 'top', type: 'portfolio.topN', params: { count: 1 } },
        { id: 'w', type: 'portfolio.weights', params: {} },
        { id: 'order', type: 'order.rebalance', params: {} },
      ],
      edges: [
        { id: 'a', source: { node: 'data', port: 'close' }, target: { node: 'roc', port: 'source' } },
        { id: 'b', source: { node: 'roc', port: 'value' }, target: { node: 'top', port: 'score' } },
        { id: 'c', source: { node: 'top', port: 'selected' }, target: { node: 'w', port: 'selected' } },
        { id: 'd', source: { node: 'w', port: 'weight' }, target: { node: 'order', port: 'weight' } },
      ],
    });
    const whole = await runTrial(rotation, {}, market, { registry });
    expect(whole.metrics).toEqual((await runBacktest(plainPlan(rotation), market)).metrics);
    expect(new Set(whole.trades.map((t) => t.symbol))).toEqual(new Set(['SYN1', 'SYN2', 'SYN3']));

    const window = { from: 800, to: 1600 };
    const part = await runTrial(rotation, {}, market, { registry, window });
    expect(part.equity.length).toBe(800);
    const index = equalWeightIndex(sliceMarket(market, 800, 1600));
    expect(part.metrics.benchmarkReturn).toBeCloseTo((index[799]! / index[0]! - 1) * 100, 9);
    for (const t of part.trades) expect(t.entryTime).toBeGreaterThanOrEqual(market.lanes[0]!.time[800]!);
  });
});
