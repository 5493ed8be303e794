import { describe, expect, it } from 'vitest';
import type { DataRequest } from '../nodes/contract.ts';
import { runBacktest } from './backtest.ts';
import { alignOnUnion, badBarCounts, barInterval, DataError, syntheticBars } from './bars.ts';
import { chooseData, formatInterval, loadBars, loadMarket, symbolCount, type DatasetText } from './data.ts';
import { compileOk, fixture, makeBars } from './testing.ts';
import { traceSlots } from './trace.ts';

const fromGraph: DataRequest = { kind: 'synthetic', seed: 42, bars: 800, startPrice: 50, drift: 0.1, volatility: 0.3, intervalMinutes: 5, startTime: 1000 };

describe('chooseData', () => {
  it('keeps the graph’s own source when nothing is chosen', () => {
    expect(chooseData(fromGraph, undefined)).toBe(fromGraph);
  });

  it('a synthetic seed keeps the graph’s other synthetic settings; bars may be overridden too', () => {
    expect(chooseData(fromGraph, { kind: 'synthetic', seed: 7 })).toEqual({ ...fromGraph, seed: 7 });
    expect(chooseData(fromGraph, { kind: 'synthetic', seed: 7, bars: 99 })).toEqual({ ...fromGraph, seed: 7, bars: 99 });
  });

  it('a synthetic seed over a CSV graph uses the synthetic node’s defaults', () => {
    expect(chooseData({ kind: 'dataset', datasetId: 'x' }, { kind: 'synthetic', seed: 3 })).toEqual({
      kind: 'synthetic', seed: 3, bars: 5000, startPrice: 100, drift: 0.05, volatility: 0.6, intervalMinutes: 60, startTime: Date.UTC(2024, 0, 1),
    });
  });

  it('a dataset replaces a synthetic source', () => {
    expect(chooseData(fromGraph, { kind: 'dataset', datasetId: 'ds1' })).toEqual({ kind: 'dataset', datasetId: 'ds1' });
  });

  it('a basket replaces any source; a seed over a basket generates as many symbols as it has', () => {
    const basket: DataRequest = { kind: 'datasets', datasets: [{ datasetId: 'a' }, { datasetId: 'b', symbol: 'B' }, { datasetId: 'c' }] };
    expect(chooseData(fromGraph, basket)).toEqual(basket);
    expect(chooseData(basket, { kind: 'dataset', datasetId: 'x' })).toEqual({ kind: 'dataset', datasetId: 'x' });
    expect(chooseData(basket, { kind: 'synthetic', seed: 3 })).toMatchObject({ kind: 'synthetic', seed: 3, symbols: 3 });
    expect(symbolCount(basket)).toBe(3);
  });
});

describe('loadBars', () => {
  it('generates synthetic bars without reading anything', async () => {
    const bars = await loadBars(fromGraph, () => Promise.reject(new Error('no I/O expected')));
    expect(bars).toEqual(syntheticBars(fromGraph));
  });

  it('parses the dataset text the caller reads', async () => {
    const bars = await loadBars({ kind: 'dataset', datasetId: 'ds1' }, async (id) => (id === 'ds1' ? 'time,open,high,low,close\n2024-01-01,1,2,1,1.5\n' : undefined));
    expect([...bars.close]).toEqual([1.5]);
  });

  it('a missing dataset is a DataError naming it', async () => {
    await expect(loadBars({ kind: 'dataset', datasetId: 'gone' }, async () => undefined)).rejects.toThrow(new DataError('dataset "gone" was not found'));
  });

  it('refuses a basket: that needs loadMarket', async () => {
    await expect(loadBars({ kind: 'datasets', datasets: [{ datasetId: 'a' }, { datasetId: 'b' }] }, async () => undefined)).rejects.toThrow(/2 symbols \(a CSV basket\); this feature supports one symbol/);
  });
});

const day = 86_400_000;
const t0 = Date.UTC(2024, 0, 1);

/** A CSV of daily bars on the given day numbers (from 2024-01-01), bar k closing at `base + k`. */
function csvOn(days: readonly number[], base: number): string {
  const rows = days.map((d) => {
    const close = base + d;
    const open = close - 0.5;
    return `${new Date(t0 + d * day).toISOString()},${open},${close + 1},${open - 1},${close},${1000 + d}`;
  });
  return ['time,open,high,low,close,volume', ...rows].join('\n');
}

/** A reader over named in-memory files that counts its reads. */
function files(byId: Record<string, DatasetText>) {
  const reads: string[] = [];
  const read = async (id: string) => {
    reads.push(id);
    return byId[id];
  };
  return { read, reads };
}

describe('loadMarket with a CSV basket', () => {
  const A = { name: 'aaa.csv', csv: csvOn([0, 1, 2, 3, 4, 5], 100) };
  // B has no bar on day 3; C starts on day 2 and also misses day 3.
  const B = { name: 'bbb.csv', csv: csvOn([0, 1, 2, 4, 5], 200) };
  const C = { name: 'ccc.csv', csv: csvOn([2, 4, 5], 300) };
  const request: DataRequest = { kind: 'datasets', datasets: [{ datasetId: 'a' }, { datasetId: 'b', symbol: 'BEE' }, { datasetId: 'c' }] };

  it('aligns the datasets on the union of their times, reading each once; a missing bar is NaN for its symbol only', async () => {
    const { read, reads } = files({ a: A, b: B, c: C });
    const market = await loadMarket(request, read);
    expect(reads).toEqual(['a', 'b', 'c']);
    expect(market.symbols).toEqual(['aaa', 'BEE', 'ccc']);
    const days = Array.from({ length: 6 }, (_, d) => t0 + d * day);
    for (const lane of market.lanes) expect([...lane.time]).toEqual(days);
    expect([...market.lanes[0]!.close]).toEqual([100, 101, 102, 103, 104, 105]);
    // Nothing is carried forward or back into a gap: the neighbours keep their own values.
    expect([...market.lanes[1]!.close]).toEqual([200, 201, 202, NaN, 204, 205]);
    expect([...market.lanes[2]!.close]).toEqual([NaN, NaN, 302, NaN, 304, 305]);
    for (const f of ['open', 'high', 'low', 'volume'] as const) expect(Number.isNaN(market.lanes[1]![f][3]!)).toBe(true);
    expect(market.lanes[1]!.volume[4]).toBe(1004);
    // Every bar checked once here (checkBars): the gaps are the bad bars.
    expect(market.lanes.map((l) => [...badBarCounts(l)!])).toEqual([[0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 1, 1, 1], [0, 1, 2, 2, 3, 3, 3]]);
  });

  it('accepts the files in any order and gives the same market: the union is sorted', async () => {
    const reversed: DataRequest = { kind: 'datasets', datasets: [{ datasetId: 'c' }, { datasetId: 'a' }] };
    const market = await loadMarket(reversed, files({ a: A, c: C }).read);
    expect(market.symbols).toEqual(['ccc', 'aaa']);
    expect([...market.lanes[0]!.time]).toEqual([...market.lanes[1]!.time]);
    expect([...market.lanes[0]!.close]).toEqual([NaN, NaN, 302, NaN, 304, 305]);
  });

  it('skips a missing bar for its own symbol only: no node steps, no order fills there, and it is marked at its last close', async () => {
    const market = await loadMarket(request, files({ a: A, b: B, c: C }).read);
    // Hold one unit of every symbol, and a 2-bar SMA of each close to see which bars its nodes stepped on.
    const graph = fixture(
      { data: { type: 'data.csvBasket', params: { datasets: [{ datasetId: 'a' }, { datasetId: 'b', symbol: 'BEE' }, { datasetId: 'c' }] } }, one: { type: 'math.constant', params: { value: 1 } }, order: { type: 'order.targetPosition' }, sma: { type: 'indicator.sma', params: { period: 2 } } },
      ['one.value -> order.units', 'data.close -> sma.source'],
      { commissionBps: 0, slippageBps: 0 },
    );
    const plan = compileOk(graph);
    const result = await runBacktest(plan, market);
    // Day 3 is missing for BEE and ccc, days 0–1 for ccc: four symbol-bars skipped.
    expect(result.skippedBars).toBe(4);
    const entry = Object.fromEntries(result.trades.map((t) => [t.symbol, { time: (t.entryTime - t0) / day, price: t.entryPrice }]));
    // Decided at day 0's close, filled at day 1's open; ccc decides on its first bar (day 2) and, day 3
    // being missing, fills at day 4's open: never at a bar it does not have, never at a later price early.
    expect(entry).toEqual({ aaa: { time: 1, price: 100.5 }, BEE: { time: 1, price: 200.5 }, ccc: { time: 4, price: 303.5 } });
    // On day 3, BEE is held and has no bar: it is marked at day 2's close, not day 4's.
    const cash = 100_000 - 100.5 - 200.5;
    expect(result.equity[3]!.value).toBeCloseTo(cash + 103 + 202, 9);
    expect(result.equity[4]!.value).toBeCloseTo(cash - 303.5 + 104 + 204 + 304, 9);
    // BEE's SMA(2) on day 4 averages days 2 and 4: its nodes never saw day 3.
    const smaSlot = plan.nodes.find((n) => n.id === 'sma')!.outputSlots.value!;
    const [bee] = traceSlots(plan, market, [smaSlot], [2, 3, 4], 1);
    expect([bee![0], bee![2]]).toEqual([201.5, 203]);
    const [aaa] = traceSlots(plan, market, [smaSlot], [4], 0);
    expect(aaa![0]).toBe(103.5);
  });

  it('refuses a file with rows out of order, naming the dataset and the line', async () => {
    const shuffled = { name: 'shuffled.csv', csv: 'time,open,high,low,close\n2024-01-02,1,2,1,1.5\n2024-01-01,1,2,1,1.5\n' };
    await expect(loadMarket(request, files({ a: A, b: shuffled, c: C }).read)).rejects.toThrow(
      new DataError('dataset "shuffled.csv": CSV has bad rows — line 3, time: not after the previous bar (times must strictly increase)'),
    );
  });

  it('refuses datasets of different bar intervals, naming them', async () => {
    const hourly = { name: 'hourly.csv', csv: 'time,open,high,low,close\n2024-01-01T00:00,1,2,1,1.5\n2024-01-01T01:00,1,2,1,1.5\n2024-01-01T02:00,1,2,1,1.5\n' };
    await expect(loadMarket(request, files({ a: A, b: hourly, c: C }).read)).rejects.toThrow(
      new DataError('the datasets have different bar intervals (1 h bars: "hourly.csv"; 1 d bars: "aaa.csv", "ccc.csv"); a basket needs one interval, so resample them to the same one'),
    );
  });

  it('refuses two datasets that would trade as one symbol, naming both', async () => {
    const twin = { name: 'AAA.CSV', csv: B.csv };
    await expect(loadMarket(request, files({ a: A, b: { ...twin }, c: C }).read)).resolves.toMatchObject({ symbols: ['aaa', 'BEE', 'ccc'] });
    const unnamed: DataRequest = { kind: 'datasets', datasets: [{ datasetId: 'a' }, { datasetId: 'b' }] };
    await expect(loadMarket(unnamed, files({ a: A, b: twin }).read)).rejects.toThrow(
      new DataError('datasets "aaa.csv" and "AAA.CSV" would both trade as symbol "AAA"; give one of them a symbol of its own'),
    );
  });

  it('a missing dataset is a DataError naming it', async () => {
    await expect(loadMarket(request, files({ a: A, c: C }).read)).rejects.toThrow(new DataError('dataset "BEE" was not found'));
  });
});

describe('alignOnUnion and barInterval', () => {
  it('returns lanes that already share their times as they are', () => {
    const a = makeBars({ close: [1, 2, 3] });
    const b = makeBars({ close: [4, 5, 6] });
    const market = alignOnUnion(['A', 'B'], [a, b]);
    expect(market.lanes[0]).toBe(a);
    expect(market.lanes[1]).toBe(b);
  });

  it('takes the median gap, so weekends and a few holes do not change the interval', () => {
    const weekdays = Float64Array.from([0, 1, 2, 3, 4, 7, 8, 9, 10, 11, 14], (d) => d * day);
    expect(barInterval(weekdays)).toBe(day);
    expect(barInterval(Float64Array.of(5))).toBeNaN();
    expect([day, 4 * 3_600_000, 15 * 60_000, 90_000, 1500].map(formatInterval)).toEqual(['1 d', '4 h', '15 min', '90 s', '1500 ms']);
  });
});
