import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runBacktest, thin } from './backtest.ts';
import { DataError, syntheticBars } from './bars.ts';
import { compileOk, fixture, makeBars } from './testing.ts';

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
    expect(plan.warmup).toBe(49);
    const bars = (n: number) => syntheticBars({ seed: 1, bars: n, startPrice: 100, drift: 0, volatility: 0.5, intervalMinutes: 60, startTime: 0 });
    const attempt = runBacktest(plan, bars(50));
    await expect(attempt).rejects.toBeInstanceOf(DataError);
    await expect(runBacktest(plan, bars(50))).rejects.toThrow('the data has 50 bars but the strategy needs 49 bars to warm up and at least 2 more to trade');
    await expect(runBacktest(plan, bars(51))).resolves.toMatchObject({ bars: 51 });
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
});
