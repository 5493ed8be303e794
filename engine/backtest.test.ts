import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineNode } from '../nodes/contract.ts';
import { registry } from '../nodes/index.ts';
import { setMarket } from '../nodes/order/instruction.ts';
import { orderRegistry } from '../nodes/order/testing.ts';
import { createRegistry } from '../nodes/registry.ts';
import { equalWeightIndex, runBacktest, thin } from './backtest.ts';
import { badBarCounts, checkBars, DataError, syntheticBars, type Bars } from './bars.ts';
import { compileOk, fixture, makeBars, runGraph } from './testing.ts';

const aboveHundred = fixture(
  {
    data: { type: 'data.synthetic' },
    up: { type: 'logic.threshold', params: { operator: '>', level: 100 } },
    order: { type: 'order.targetPercent', params: { percent: 100 } },
  },
  ['data.close -> up.value', 'up.result -> order.enter'],
  // These tests are about fill timing and books; room on the leverage cap keeps a gap-up entry whole
  // (the cap has its own tests below).
  { initialCash: 1000, commissionBps: 0, slippageBps: 0, maxLeverage: 2 },
);

const example = JSON.parse(readFileSync(new URL('../docs/examples/sma-crossover.json', import.meta.url), 'utf8'));

describe('runBacktest', () => {
  it('an order decided at bar t’s close fills at bar t+1’s open', async () => {
    const bars = makeBars({ close: [100, 101, 103, 99, 98], open: [100, 100, 102, 104, 97] });
    const result = await runBacktest(compileOk(aboveHundred), bars);
    // Bar 1 closes at 101 > 100 with equity 1000: target 1000/101 units, bought at bar 2's open, 102.
    // Bar 3 closes at 99: flat again at bar 4's open, 97.
    const q = 1000 / 101;
    expect(result.trades).toHaveLength(1);
    const t = result.trades[0]!;
    expect(t).toMatchObject({ side: 'long', entryTime: bars.time[2], exitTime: bars.time[4], entryPrice: 102, exitPrice: 97, bars: 2, open: false });
    expect(t.quantity).toBeCloseTo(q, 12);
    expect(t.pnl).toBeCloseTo(-5 * q, 9);
    // Equity at each close: nothing held until bar 2's open.
    const values = result.equity.map((p) => p.value);
    [1000, 1000, 1000 + q * (103 - 102), 1000 + q * (99 - 102), 1000 - 5 * q].forEach((v, i) => expect(values[i]).toBeCloseTo(v, 9));
    expect(result.metrics.exposure).toBeCloseTo(40, 12);
    expect(result.metrics.finalEquity).toBeCloseTo(1000 - 5 * q, 9);
    expect(result).toMatchObject({ bars: 5, warmup: 0, startTime: bars.time[0], endTime: bars.time[4] });
  });

  it('an order decided on the last bar never fills', async () => {
    const bars = makeBars({ close: [100, 99, 98, 101] });
    const result = await runBacktest(compileOk(aboveHundred), bars);
    expect(result.trades).toEqual([]);
    expect(result.metrics.exposure).toBe(0);
    expect(result.equity.every((p) => p.value === 1000)).toBe(true);
  });

  it('a position still held at the end is reported as an open trade marked at the last close', async () => {
    const bars = makeBars({ close: [100, 101, 103, 105], open: [100, 100, 102, 104] });
    const result = await runBacktest(compileOk(aboveHundred), bars);
    const q = 1000 / 101;
    expect(result.trades).toEqual([expect.objectContaining({ open: true, entryPrice: 102, exitPrice: 105, bars: 2, exitTime: bars.time[3] })]);
    expect(result.trades[0]!.pnl).toBeCloseTo(3 * q, 9);
    // Open trades are not closed trades.
    expect(result.metrics.trades).toBe(0);
    expect(result.metrics.winRate).toBeNull();
  });

  it('chunking (1, 7, default) never changes the results', async () => {
    const plan = compileOk(example);
    const bars = syntheticBars({ ...(plan.data.request as Extract<typeof plan.data.request, { kind: 'synthetic' }>), bars: 3000 });
    const whole = await runBacktest(plan, bars);
    expect(whole.trades.length).toBeGreaterThan(5);
    for (const chunkBars of [1, 7]) {
      const calls: [number, number][] = [];
      const chunked = await runBacktest(plan, bars, { chunkBars, onProgress: (done, total) => void calls.push([done, total]) });
      expect(chunked).toEqual(whole);
      expect(calls).toHaveLength(Math.ceil(3000 / chunkBars));
      expect(calls.at(-1)).toEqual([3000, 3000]);
      expect(calls.every(([done], i) => i === 0 || done > calls[i - 1]![0])).toBe(true);
    }
  });

  it('an async onProgress that throws stops the run', async () => {
    const plan = compileOk(example);
    const bars = syntheticBars({ seed: 1, bars: 1000, startPrice: 100, drift: 0, volatility: 0.5, intervalMinutes: 60, startTime: 0 });
    await expect(runBacktest(plan, bars, { chunkBars: 100, onProgress: async (done) => { if (done >= 300) throw new Error('cancelled'); } })).rejects.toThrow('cancelled');
  });

  it('thins the equity curve for charts, keeping the last point and the minimum', async () => {
    const plan = compileOk(example);
    const bars = syntheticBars({ seed: 9, bars: 5000, startPrice: 100, drift: 0, volatility: 0.8, intervalMinutes: 60, startTime: 0 });
    const result = await runBacktest(plan, bars, { maxCurvePoints: 50 });
    expect(result.equity.length).toBeLessThanOrEqual(50);
    expect(result.equity.at(-1)!.value).toBe(result.metrics.finalEquity);
    expect(result.equity.at(-1)!.time).toBe(bars.time[4999]);
    const full = await runBacktest(plan, bars, { maxCurvePoints: 1e9 });
    expect(full.equity).toHaveLength(5000);
    const lowest = Math.min(...full.equity.map((p) => p.value));
    expect(Math.min(...result.equity.map((p) => p.value))).toBe(lowest);
    // Times stay in order so the chart can draw them.
    expect(result.equity.every((p, i) => i === 0 || p.time > result.equity[i - 1]!.time)).toBe(true);
  });

  it('refuses data too short to warm up and trade', async () => {
    const plan = compileOk(example);
    expect(plan.warmup).toBe(50);
    const bars = (n: number) => syntheticBars({ seed: 1, bars: n, startPrice: 100, drift: 0, volatility: 0.5, intervalMinutes: 60, startTime: 0 });
    const attempt = runBacktest(plan, bars(51));
    await expect(attempt).rejects.toBeInstanceOf(DataError);
    await expect(runBacktest(plan, bars(51))).rejects.toThrow('the data has 51 bars but the strategy needs 50 bars to warm up and at least 2 more to trade');
    // Without a warm-up, no "0 bars to warm up"; one bar is "1 bar".
    const plain = compileOk({
      schemaVersion: 1,
      nodes: [
        { id: 'd', type: 'data.synthetic', params: {}, position: { x: 0, y: 0 } },
        { id: 'qty', type: 'math.constant', params: { value: 1 }, position: { x: 200, y: 0 } },
        { id: 'order', type: 'order.targetPosition', params: {}, position: { x: 400, y: 0 } },
      ],
      edges: [{ id: 'e1', source: { node: 'qty', port: 'value' }, target: { node: 'order', port: 'units' } }],
    });
    expect(plain.warmup).toBe(0);
    await expect(runBacktest(plain, bars(1))).rejects.toThrow(/^the data has 1 bar but the strategy needs at least 2 bars to trade$/);
    await expect(runBacktest(plan, bars(52))).resolves.toMatchObject({ bars: 52 });
  });
});

/** Holds 10 units from bar 1's close on, and counts the bars it was stepped on. */
const script = defineNode({
  type: 'order.testScript',
  version: 1,
  category: 'order',
  title: 'Test script',
  description: 'Buys 10 units from bar 1 on and counts its steps.',
  docs: { example: 'tests only', caveats: [] },
  inputs: {},
  outputs: { order: { kind: 'order', description: 'Target.' }, steps: { kind: 'number', description: 'Steps so far.' } },
  params: z.object({}),
  init: () => ({ steps: 0 }),
  step(s, _p, _i, out, ctx) {
    s.steps++;
    out.steps = s.steps;
    setMarket(out.order, ctx.bar >= 1 ? 10 : 0);
  },
});
const scriptRegistry = createRegistry([...registry.definitions, script]);
const scripted = fixture({ data: { type: 'data.synthetic' }, run: { type: 'order.testScript' } }, [], { initialCash: 10_000, commissionBps: 0, slippageBps: 0 });

describe('bad bars', () => {
  const cases: [string, (b: Bars) => void][] = [
    ['a NaN open', (b) => void (b.open[2] = NaN)],
    ['a NaN high', (b) => void (b.high[2] = NaN)],
    ['a zero close', (b) => void (b.close[2] = 0)],
    ['a negative low', (b) => void (b.low[2] = -1)],
    ['an infinite high', (b) => void (b.high[2] = Infinity)],
    ['an infinite open', (b) => void (b.open[2] = Infinity)],
    ['an infinite close', (b) => void (b.close[2] = Infinity)],
    ['a high below the low', (b) => void ((b.high[2] = 100), (b.low[2] = 101))],
  ];
  for (const [what, spoil] of cases) for (const checked of [false, true]) {
    it(`a bar with ${what} is skipped whole: no fill, no node step, equity carried, counted${checked ? ' (bars checked where loaded)' : ''}`, async () => {
      const bars = makeBars({ close: [100, 101, 102, 103, 104], open: [100, 100, 101, 102, 103] });
      spoil(bars);
      // Checked bars (checkBars, as loadMarket leaves them) skip the same bar by their counts.
      if (checked) expect(badBarCounts(checkBars({ symbols: [''], lanes: [bars] }).lanes[0]!)).toEqual(Int32Array.of(0, 0, 0, 1, 1, 1));
      const result = await runBacktest(compileOk(scripted, scriptRegistry), bars);
      expect(result.skippedBars).toBe(1);
      // The order decided at bar 1's close would fill at bar 2's open; bar 2 is skipped, so bar 3's open (102).
      expect(result.trades).toEqual([expect.objectContaining({ entryTime: bars.time[3], entryPrice: 102, quantity: 10, open: true })]);
      expect(result.equity.map((p) => p.value)).toEqual([10_000, 10_000, 10_000, 10_010, 10_020]);
      // The node is not stepped on the skipped bar.
      const run = runGraph(scripted, bars, { steps: 'run.steps' }, scriptRegistry);
      expect(run.values.steps).toEqual([1, 2, 2, 3, 4]);
      expect(run.broker.fills).toEqual([{ time: bars.time[3], quantity: 10, price: 102, commission: 0 }]);
    });
  }

  it('a skipped first bar carries the initial cash', async () => {
    const bars = makeBars({ close: [100, 101, 102, 103] });
    bars.open[0] = NaN;
    const result = await runBacktest(compileOk(scripted, scriptRegistry), bars);
    expect(result.skippedBars).toBe(1);
    expect(result.equity[0]!.value).toBe(10_000);
  });
});

describe('order types end to end', () => {
  it('a limit entry with a bracket: fills at the limit inside a bar, exits at the take-profit, does not re-enter', async () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        dip: { type: 'logic.threshold', params: { operator: '<', level: 100 } },
        never: { type: 'logic.threshold', params: { operator: '>', level: 1000 } },
        entry: { type: 'order.limit', params: { sizeMode: 'units', size: 10, offsetPercent: 1 } },
        guard: { type: 'order.bracket', params: { stopLoss: 5, takeProfit: 10 } },
      },
      ['data.close -> dip.value', 'data.close -> never.value', 'dip.result -> entry.enter', 'never.result -> entry.exit', 'entry.order -> guard.order'],
      { initialCash: 10_000, commissionBps: 0, slippageBps: 10 },
    );
    // Signal at bar 1's close of 99: limit 98.01, stop-loss 98.01 · 0.95 = 93.1095, take-profit 98.01 · 1.1 = 107.811.
    // Bar 2's low (98.5) misses; bar 3's (97.5) fills at 98.01 with no slippage. Bar 5 reaches 108: out at 107.811.
    const bars = makeBars({
      close: [101, 99, 100, 100, 104, 106, 98],
      open: [101, 101, 99.5, 100, 100, 104, 100],
      high: [101, 101, 100.5, 100, 104, 108, 100],
      low: [101, 99, 98.5, 97.5, 100, 104, 97],
    });
    const result = await runBacktest(compileOk(graph, orderRegistry), bars);
    expect(result.trades).toHaveLength(1);
    const t = result.trades[0]!;
    expect(t).toMatchObject({ side: 'long', entryTime: bars.time[3], exitTime: bars.time[5], quantity: 10, bars: 2, open: false, exitReason: 'takeProfit' });
    expect(t.entryPrice).toBeCloseTo(98.01, 9);
    expect(t.exitPrice).toBeCloseTo(107.811, 9);
    expect(t.pnl).toBeCloseTo(98.01, 9);
    // Bar 6 dips under 100 again but the latched entry's order has not changed: no new position.
    expect(result.metrics.finalEquity).toBeCloseTo(10_000 + 98.01, 9);
  });

  it('a market entry with a bracket: a gap through the stop fills at the open less slippage', async () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        up: { type: 'logic.threshold', params: { operator: '>', level: 100 } },
        entry: { type: 'order.market', params: { sizeMode: 'units', size: 10 } },
        guard: { type: 'order.bracket', params: { stopLoss: 5 } },
      },
      ['data.close -> up.value', 'up.result -> entry.enter', 'entry.order -> guard.order'],
      { initialCash: 10_000, commissionBps: 0, slippageBps: 10 },
    );
    // Signal at 101 → stop 95.95. In at bar 2's open 100 · 1.001 = 100.1; bar 3 opens at 94: out at 94 · 0.999 = 93.906.
    const bars = makeBars({ close: [99, 101, 102, 101], open: [99, 99, 100, 94], high: [99, 101, 102, 101], low: [99, 99, 100, 93] });
    const result = await runBacktest(compileOk(graph, orderRegistry), bars);
    expect(result.trades).toEqual([expect.objectContaining({ exitReason: 'stopLoss', entryPrice: expect.closeTo(100.1, 9), exitPrice: expect.closeTo(93.906, 9) })]);
  });
});

describe('equalWeightIndex', () => {
  it('averages each close over its first usable close, 1 before it, the last one carried over a bad bar', () => {
    const lane = (close: number[]) => makeBars({ close });
    const a = lane([10, 12, NaN, 15]);
    const b = lane([NaN, 0, 4, 2]);
    const none = lane([NaN, -1, Infinity, 0]);
    const near = (index: Float64Array, expected: number[]) => {
      expect(index.length).toBe(expected.length);
      expected.forEach((x, t) => expect(index[t]).toBeCloseTo(x, 12));
    };
    // a: 1, 1.2, 1.2 (carried), 1.5; b: 1, 1 (no usable close yet), 1, 0.5; none: 1 throughout.
    near(equalWeightIndex({ symbols: ['A', 'B'], lanes: [a, b] }), [1, 1.1, 1.1, 1]);
    near(equalWeightIndex({ symbols: ['A', 'B', 'C'], lanes: [a, b, none] }), [1, 3.2 / 3, 3.2 / 3, 3 / 3]);
  });
});

describe('thin', () => {
  const times = (n: number) => Float64Array.from({ length: n }, (_, i) => i * 10);

  it('keeps everything when it fits', () => {
    const eq = Float64Array.from([3, 1, 2]);
    expect(thin(eq, times(3), 10)).toEqual([
      { time: 0, value: 3 },
      { time: 10, value: 1 },
      { time: 20, value: 2 },
    ]);
  });

  it('keeps a minimum that falls between samples, in time order', () => {
    const eq = Float64Array.from({ length: 100 }, (_, i) => (i === 37 ? -5 : 100 + i));
    const out = thin(eq, times(100), 10);
    expect(out.length).toBeLessThanOrEqual(10);
    expect(out.map((p) => p.value)).toContain(-5);
    expect(out.at(-1)).toEqual({ time: 990, value: 199 });
    expect(out.every((p, i) => i === 0 || p.time > out[i - 1]!.time)).toBe(true);
  });

  it('keeps a minimum in the tail after the last sample', () => {
    // 12 points into 5: room for 2 samples (0 and 6) plus the low and the last; the low at 10 sits
    // between the last sample and the end.
    const eq = Float64Array.from([5, 6, 7, 8, 9, 8, 7, 6, 5, 4, 1, 3]);
    expect(thin(eq, times(12), 5).map((p) => p.time)).toEqual([0, 60, 100, 110]);
    // Into 6: samples 0, 4, 8, then the low, then the last.
    expect(thin(eq, times(12), 6).map((p) => p.time)).toEqual([0, 40, 80, 100, 110]);
  });

  it('keeps the lowest point it is told', () => {
    // The metrics' drawdown pass finds the lowest bar; thin keeps the one it is given.
    const eq = Float64Array.from([10, 10, 10, 9, 12, 4, 4, 4, 4, 6, 5, 4.5, 7, 7, 7]);
    expect(thin(eq, times(15), 5, 5)).toEqual(thin(eq, times(15), 5));
    expect(thin(eq, times(15), 5, 5).map((p) => p.time)).toContain(50);
    // Told another bar, it keeps that one (bar 11 falls between the samples at 7 and 14).
    expect(thin(eq, times(15), 5, 11).map((p) => p.time)).toEqual([0, 70, 110, 140]);
  });
});
