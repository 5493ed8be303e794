import { beforeEach, describe, expect, it } from 'vitest';
import { call, useHarness, waitFor, type Harness } from '../testing/harness.ts';

const hour = 3_600_000;
const start = Date.parse('2024-03-01T00:00:00Z');

/**
 * Hourly OHLCV on bars [from, to) minus `holes`: a wave whose phase sets which file leads, so a momentum
 * rotation keeps switching between them.
 */
function wave(phase: number, { from = 0, to = 600, holes = [] as number[], stepHours = 1 } = {}): string {
  const rows = ['time,open,high,low,close,volume'];
  for (let i = from; i < to; i++) {
    if (holes.includes(i)) continue;
    const close = 100 + 10 * Math.sin(i / 25 + phase) + 0.01 * i;
    const open = 100 + 10 * Math.sin((i - 1) / 25 + phase) + 0.01 * (i - 1);
    rows.push(`${new Date(start + i * stepHours * hour).toISOString()},${open.toFixed(4)},${(Math.max(open, close) + 0.2).toFixed(4)},${(Math.min(open, close) - 0.2).toFixed(4)},${close.toFixed(4)},${1000 + i}`);
  }
  return rows.join('\n');
}

/** Momentum rotation over a CSV basket: hold the one file with the best 20-bar rate of change. */
function rotation(datasets: unknown, optimize = false) {
  return {
    nodes: [
      { id: 'data', type: 'data.csvBasket', params: { datasets } },
      { id: 'roc', type: 'indicator.roc', params: { period: 20 }, ...(optimize && { optimize: { period: { values: [10, 20] } } }) },
      { id: 'top', type: 'portfolio.topN', params: { count: 1 } },
      { id: 'weights', type: 'portfolio.weights', params: { mode: 'equal', grossPercent: 90 } },
      { id: 'rebalance', type: 'order.rebalance', params: { bandPercent: 5, everyBars: 5 } },
    ],
    edges: [
      { id: 'e1', source: { node: 'data', port: 'close' }, target: { node: 'roc', port: 'source' } },
      { id: 'e2', source: { node: 'roc', port: 'value' }, target: { node: 'top', port: 'score' } },
      { id: 'e3', source: { node: 'top', port: 'selected' }, target: { node: 'weights', port: 'selected' } },
      { id: 'e4', source: { node: 'weights', port: 'weight' }, target: { node: 'rebalance', port: 'weight' } },
    ],
    settings: { initialCash: 100_000, commissionBps: 1, slippageBps: 1 },
  };
}

describe('CSV baskets through the API (real PostgreSQL and Temporal)', () => {
  const stack = useHarness();
  let h: Harness;
  beforeEach(() => {
    h = stack();
  });

  async function upload(name: string, csv: string): Promise<string> {
    const res = await call(h.app, 'POST', `/api/datasets?name=${encodeURIComponent(name)}`, csv);
    expect(res.status).toBe(201);
    return res.json.id;
  }

  async function strategy(graph: unknown): Promise<string> {
    const res = await call(h.app, 'POST', '/api/strategies', { name: 'basket rotation', graph });
    expect(res.status).toBe(201);
    return res.json.id;
  }

  const finished = (path: string, timeoutMs = 120_000) =>
    waitFor(`${path} to finish`, async () => {
      const r = await call(h.app, 'GET', path);
      return ['succeeded', 'failed', 'cancelled'].includes(r.json.status) ? r.json : undefined;
    }, timeoutMs);

  it('backtests a rotation over two uploaded CSVs: trades of both symbols, each charted on its own', async () => {
    const spy = await upload('spy.csv', wave(0));
    // QQQ starts later and has a hole: the union of times is SPY's, and QQQ's missing hours are skipped.
    const qqq = await upload('QQQ-1h.csv', wave(Math.PI, { from: 30, holes: [200, 201, 202] }));
    const strategyId = await strategy(rotation([{ datasetId: spy }, { datasetId: qqq, symbol: 'QQQ' }]));

    const started = await call(h.app, 'POST', '/api/runs', { strategyId });
    expect(started.status).toBe(201);
    // The run stores the symbols it resolved: the name for SPY, the given symbol for QQQ.
    expect(started.json.data).toEqual({ kind: 'datasets', datasets: [{ datasetId: spy, symbol: 'spy' }, { datasetId: qqq, symbol: 'QQQ' }] });
    const run = await finished(`/api/runs/${started.json.id}`);
    expect(run).toMatchObject({ status: 'succeeded', barsTotal: 600 });

    const result = (await call(h.app, 'GET', `/api/runs/${run.id}/result`)).json;
    expect(result.symbols).toEqual(['spy', 'QQQ']);
    const traded = new Set(result.trades.map((t: { symbol: string }) => t.symbol));
    expect(traded).toEqual(new Set(['spy', 'QQQ']));
    // 30 leading hours of QQQ plus its 3 holes are symbol-bars the engine skipped.
    expect(result.skippedBars).toBe(33);
    // No QQQ trade opens or closes at an hour QQQ has no bar for.
    const qqqHours = new Set(wave(Math.PI, { from: 30, holes: [200, 201, 202] }).split('\n').slice(1).map((r) => Date.parse(r.split(',')[0]!)));
    for (const t of result.trades.filter((t: { symbol: string }) => t.symbol === 'QQQ')) {
      expect(qqqHours.has(t.entryTime)).toBe(true);
      expect(qqqHours.has(t.exitTime)).toBe(true);
    }

    const chart = await call(h.app, 'GET', `/api/runs/${run.id}/chart?symbol=QQQ`);
    expect(chart.status).toBe(200);
    expect(chart.json).toMatchObject({ symbols: ['spy', 'QQQ'], symbol: 'QQQ', extent: { bars: 600 } });
    // Missing hours are gaps in QQQ's candles, never NaN (null in JSON) candles.
    expect(chart.json.candles).toHaveLength(600 - 33);
    expect(chart.json.candles.every((c: Record<string, unknown>) => ['open', 'high', 'low', 'close'].every((k) => typeof c[k] === 'number'))).toBe(true);
    const qqqTrades = result.trades.filter((t: { symbol: string }) => t.symbol === 'QQQ').length;
    expect(new Set(chart.json.markers.map((m: { trade: number }) => m.trade)).size).toBeLessThanOrEqual(qqqTrades);
    expect(chart.json.markers.length).toBeGreaterThan(0);
    const spyChart = await call(h.app, 'GET', `/api/runs/${run.id}/chart?symbol=spy`);
    expect(spyChart.json.candles).toHaveLength(600);
    expect((await call(h.app, 'GET', `/api/runs/${run.id}/chart?symbol=IWM`)).status).toBe(422);

    // The node preview runs on the basket's first file.
    const preview = await call(h.app, 'POST', '/api/preview', { graph: rotation([{ datasetId: spy }, { datasetId: qqq, symbol: 'QQQ' }]), nodeId: 'roc', bars: 200 });
    expect(preview.status).toBe(200);
    expect(preview.json).toMatchObject({ ok: true, data: { kind: 'dataset', label: 'last 200 bars of spy (1 of 2 symbols)' } });
  });

  it('sweeps and walks forward a basket strategy', async () => {
    const a = await upload('aaa.csv', wave(0));
    const b = await upload('bbb.csv', wave(2, { holes: [50, 51] }));
    const strategyId = await strategy(rotation([{ datasetId: a }, { datasetId: b }], true));
    const sweep = await call(h.app, 'POST', '/api/research', { kind: 'sweep', strategyId, config: { metric: 'totalReturn' }, execution: { trialsPerActivity: 1, concurrency: 2 } });
    expect(sweep.status).toBe(201);
    expect(sweep.json.data).toEqual({ kind: 'datasets', datasets: [{ datasetId: a, symbol: 'aaa' }, { datasetId: b, symbol: 'bbb' }] });
    expect(await finished(`/api/research/${sweep.json.id}`)).toMatchObject({ status: 'succeeded', trialsDone: 2 });
    const trials = (await call(h.app, 'GET', `/api/research/${sweep.json.id}/trials`)).json.items;
    expect(trials.every((t: { metrics: { trades: number } | null }) => t.metrics !== null && t.metrics.trades > 0)).toBe(true);

    const wf = await call(h.app, 'POST', '/api/research', { kind: 'walkForward', strategyId, config: { inSampleBars: 300, outOfSampleBars: 100, metric: 'totalReturn' }, execution: { trialsPerActivity: 2, concurrency: 2 } });
    expect(wf.status).toBe(201);
    expect(await finished(`/api/research/${wf.json.id}`)).toMatchObject({ status: 'succeeded' });
  });

  it('lays research windows out on the union of the files’ times, not on the longest file', async () => {
    // 300 and 350 hours, staggered: 450 hours together.
    const a = await upload('early.csv', wave(0, { to: 300 }));
    const b = await upload('late.csv', wave(2, { from: 100, to: 450 }));
    const strategyId = await strategy(rotation([{ datasetId: a }, { datasetId: b }], true));
    const wf = await call(h.app, 'POST', '/api/research', { kind: 'walkForward', strategyId, config: { inSampleBars: 300, outOfSampleBars: 100, metric: 'totalReturn' }, execution: { trialsPerActivity: 2, concurrency: 2 } });
    expect(wf.status).toBe(201);
    expect(await finished(`/api/research/${wf.json.id}`)).toMatchObject({ status: 'succeeded' });
    // A window the union cannot hold (but the files together could) fails the run, saying so.
    const tooLong = await call(h.app, 'POST', '/api/research', { kind: 'walkForward', strategyId, config: { inSampleBars: 400, outOfSampleBars: 100, metric: 'totalReturn' }, execution: { trialsPerActivity: 2, concurrency: 2 } });
    expect(tooLong.status).toBe(201);
    const failed = await finished(`/api/research/${tooLong.json.id}`);
    expect(failed).toMatchObject({ status: 'failed', error: expect.stringContaining('450 bars hold no window of 400 in-sample + 100 out-of-sample bars') });
    // One no union of these files could hold is refused before anything runs.
    const never = await call(h.app, 'POST', '/api/research', { kind: 'walkForward', strategyId, config: { inSampleBars: 600, outOfSampleBars: 100, metric: 'totalReturn' }, execution: { trialsPerActivity: 2, concurrency: 2 } });
    expect(never.status).toBe(422);
    expect(never.json.detail).toContain('650 bars');
  });

  it('refuses what cannot run, saying which dataset and why', async () => {
    const a = await upload('alpha.csv', wave(0));
    const b = await upload('ALPHA.csv', wave(1));
    const daily = await upload('daily.csv', wave(1, { to: 60, stepHours: 24 }));

    // A basket entry naming a dataset that does not exist: 422 at that entry of the node's param.
    const missing = await call(h.app, 'POST', '/api/runs', { strategyId: await strategy(rotation([{ datasetId: a }, { datasetId: crypto.randomUUID() }])) });
    expect(missing.status).toBe(422);
    expect(missing.json.errors).toEqual([{ path: 'graph.nodes.data.params.datasets.1.datasetId', message: 'no such dataset' }]);

    // Two names that make the same symbol: refused before the run starts, at the entry to rename.
    const clash = await call(h.app, 'POST', '/api/runs', { strategyId: await strategy(rotation([{ datasetId: a }, { datasetId: b }])) });
    expect(clash.status).toBe(422);
    expect(clash.json.detail).toBe('Datasets "alpha.csv" and "ALPHA.csv" would both trade as symbol "ALPHA"; give one of them a symbol of its own.');
    expect(clash.json.errors[0].path).toBe('graph.nodes.data.params.datasets.1.symbol');
    // The same basket chosen at run time, with a symbol of its own, runs.
    const renamed = await call(h.app, 'POST', '/api/runs', { strategyId: await strategy(rotation([{ datasetId: a }])), data: { kind: 'datasets', datasets: [{ datasetId: a }, { datasetId: b, symbol: 'ALPHA2' }] } });
    expect(renamed.status).toBe(201);
    expect(await finished(`/api/runs/${renamed.json.id}`)).toMatchObject({ status: 'succeeded' });

    // Hourly with daily bars: the run fails and names both datasets.
    const mixed = await call(h.app, 'POST', '/api/runs', { strategyId: await strategy(rotation([{ datasetId: a }, { datasetId: daily }])) });
    expect(mixed.status).toBe(201);
    const failed = await finished(`/api/runs/${mixed.json.id}`);
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain('different bar intervals (1 h bars: "alpha.csv"; 1 d bars: "daily.csv")');

    // A deployment trades one symbol: a basket strategy, or a basket replayed as its feed, is refused.
    const riskLimits = { maxOrderQuantity: 10_000, maxOrderNotional: 10_000_000, maxPosition: 10_000, maxGrossExposure: 10_000_000, maxDrawdownPct: 90, maxDailyLossPct: 90, throttle: { maxOrders: 1000, windowMs: 60_000 } };
    const basketStrategy = await strategy(rotation([{ datasetId: a }, { datasetId: b, symbol: 'B' }]));
    const deploy = await call(h.app, 'POST', '/api/deployments', { strategyId: basketStrategy, mode: 'paper', symbol: 'ALPHA/USD', feed: { kind: 'replay', barsPerSecond: 10 }, riskLimits });
    expect(deploy.status).toBe(422);
    expect(deploy.json.errors[0]).toEqual({ path: 'body.strategyId', message: expect.stringContaining('reads a CSV basket (several symbols)') });
    const single = await call(h.app, 'POST', '/api/strategies', {
      name: 'one csv',
      graph: { ...rotation([]), nodes: [{ id: 'data', type: 'data.csv', params: { dataset: a } }, ...rotation([]).nodes.slice(1)] },
    });
    const feed = { kind: 'replay', barsPerSecond: 10, data: { kind: 'datasets', datasets: [{ datasetId: a }, { datasetId: b, symbol: 'B' }] } };
    const replay = await call(h.app, 'POST', '/api/deployments', { strategyId: single.json.id, mode: 'paper', symbol: 'ALPHA/USD', feed, riskLimits });
    expect(replay.status).toBe(422);
    expect(replay.json.errors[0].path).toBe('body.feed.data');
  });
});
