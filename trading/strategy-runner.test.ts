import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../engine/backtest.ts';
import { syntheticBars } from '../engine/bars.ts';
import { Account, SimBroker } from '../engine/broker.ts';
import { compile } from '../engine/compile.ts';
import { registry } from '../nodes/index.ts';
import { orderFields } from '../nodes/ports.ts';
import { decodeState, encodeState, evaluateBar, type StrategySnapshot } from './strategy-runner.ts';

const templatesDir = new URL('../server/templates/', import.meta.url);
const graphs: [string, unknown][] = [
  ['sma-crossover', JSON.parse(readFileSync(new URL('../docs/examples/sma-crossover.json', import.meta.url), 'utf8'))],
  ...readdirSync(templatesDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => {
      const t = JSON.parse(readFileSync(new URL(f, templatesDir), 'utf8'));
      return [f, t.graph ?? t] as [string, unknown];
    }),
];

describe('state codec', () => {
  it('keeps what JSON loses', () => {
    const state = { a: NaN, b: [Infinity, -Infinity, -0, 1.5], c: Float64Array.of(1, NaN), d: Int32Array.of(3), e: { f: null, g: 'x', h: true } };
    const back = decodeState(JSON.parse(JSON.stringify(encodeState(state)))) as typeof state;
    expect(back.a).toBeNaN();
    expect(back.b).toEqual([Infinity, -Infinity, -0, 1.5]);
    expect(Object.is(back.b[2], -0)).toBe(true);
    expect(back.c).toBeInstanceOf(Float64Array);
    expect(Array.from(back.c)).toEqual([1, NaN]);
    expect(back.d).toEqual(Int32Array.of(3));
    expect(back.e).toEqual({ f: null, g: 'x', h: true });
  });
});

/** A deployment trades one symbol: multi-symbol templates are not deployable and not compared here. */
const oneSymbol = graphs.filter(([, graph]) => {
  const compiled = compile(graph, registry);
  if (!compiled.ok) throw new Error('every template must compile');
  const request = compiled.plan.data.request;
  return !(request.kind === 'synthetic' && (request.symbols ?? 1) > 1);
});

describe('evaluating a strategy bar by bar through saved snapshots', () => {
  it('covers the example and the single-symbol templates', () => {
    expect(oneSymbol.length).toBeGreaterThanOrEqual(8);
  });

  for (const [name, graph] of oneSymbol) {
    it(`${name}: gives exactly the backtest's fills and equity`, async () => {
      const compiled = compile(graph, registry);
      if (!compiled.ok) throw new Error(`${name} must compile`);
      const { plan } = compiled;
      const bars = syntheticBars({ seed: 11, bars: 400, startPrice: 100, drift: 0.05, volatility: 0.6, intervalMinutes: 60, startTime: Date.parse('2024-01-01T00:00:00Z') });
      const expected = await runBacktest(plan, bars);

      // The deployment's loop: fills at the bar's open first, then the strategy decides on the close.
      const account = new Account(plan.settings.initialCash);
      const broker = new SimBroker(plan.settings, account);
      let snapshot: StrategySnapshot | undefined;
      const order = new Float64Array(8);
      for (let t = 0; t < bars.close.length; t++) {
        const bar = { time: bars.time[t]!, open: bars.open[t]!, high: bars.high[t]!, low: bars.low[t]!, close: bars.close[t]!, volume: bars.volume[t]! };
        broker.onBar(t, bar.time, bar.open, bar.high, bar.low, bar.close, bar.volume);
        const ev = await evaluateBar(plan, [''], [bar], { cash: account.cash, lanes: [{ position: broker.position, avgPrice: broker.avgPrice }] }, snapshot);
        // Through JSON, as the database stores it.
        snapshot = JSON.parse(JSON.stringify(ev.snapshot));
        expect(ev.equity).toBeCloseTo(account.cash + broker.position * bar.close, 6);
        orderFields.forEach((f, j) => (order[j] = ev.instructions[0]![f]));
        broker.instruct(t, order, 0);
      }
      expect(broker.fills.length).toBeGreaterThan(0);
      expect(broker.trades).toEqual(expected.trades.filter((tr) => !tr.open));
      const last = bars.close.length - 1;
      expect(account.cash + broker.position * bars.close[last]!).toBeCloseTo(expected.equity.at(-1)!.value, 6);
      expect(snapshot!.bars).toBe(bars.close.length);
    });
  }

  it('refuses a snapshot taken from a different plan', async () => {
    const a = compile(graphs[0]![1], registry);
    if (!a.ok) throw new Error('fixture');
    const bar = { time: 0, open: 100, high: 101, low: 99, close: 100, volume: 10 };
    const ev = await evaluateBar(a.plan, [''], [bar], { cash: 1000, lanes: [{ position: 0, avgPrice: 0 }] }, undefined);
    await expect(evaluateBar(a.plan, [''], [bar], { cash: 1000, lanes: [{ position: 0, avgPrice: 0 }] }, { ...ev.snapshot, nodeIds: ['other'] })).rejects.toThrow(/different plan/);
  });

  it('gives no instruction on a bad bar and leaves the state as it was', async () => {
    const a = compile(graphs[0]![1], registry);
    if (!a.ok) throw new Error('fixture');
    const good = { time: 0, open: 100, high: 101, low: 99, close: 100, volume: 10 };
    const first = await evaluateBar(a.plan, [''], [good], { cash: 1000, lanes: [{ position: 0, avgPrice: 0 }] }, undefined);
    const bad = await evaluateBar(a.plan, [''], [{ ...good, time: 1, close: NaN }], { cash: 1000, lanes: [{ position: 0, avgPrice: 0 }] }, first.snapshot);
    expect(bad.instructions[0]!.target).toBeNaN();
    expect(bad.snapshot.states).toEqual(first.snapshot.states);
  });
});
