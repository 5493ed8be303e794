import { beforeAll, describe, expect, it } from 'vitest';
import { loadBars } from '../../engine/data.ts';
import type { GraphInput } from '../../engine/graph.ts';
import { runGraph } from '../../engine/testing.ts';
import { DataRequest } from '../../nodes/contract.ts';
import { Run, RunResult } from '../db/entities.ts';
import { call, useHarness, waitFor, type Harness } from '../testing/harness.ts';

/** Start a run and wait for it to succeed. */
async function finishedRun(h: Harness, strategyId: string, data?: unknown): Promise<{ id: string; data: unknown }> {
  const started = await call(h.app, 'POST', '/api/runs', data ? { strategyId, data } : { strategyId });
  expect(started.status).toBe(201);
  return waitFor('the run to finish', async () => {
    const r = await call(h.app, 'GET', `/api/runs/${started.json.id}`);
    if (r.json.status === 'failed') throw new Error(r.json.error);
    return r.json.status === 'succeeded' ? r.json : undefined;
  });
}

describe('GET /api/runs/{id}/chart against real PostgreSQL and Temporal', () => {
  const stack = useHarness();
  let h: Harness;
  let strategyId: string;
  let run: { id: string; data: unknown };

  beforeAll(async () => {
    h = stack();
    const created = await call(h.app, 'POST', '/api/strategies/from-template', { templateId: 'trend-following' });
    expect(created.status).toBe(201);
    strategyId = created.json.id;
    run = await finishedRun(h, strategyId, { kind: 'synthetic', seed: 9, bars: 20_000 });
  });

  it('aggregates a long run into candles, draws the EMAs over them and marks every trade the run stored', async () => {
    const res = await call(h.app, 'GET', `/api/runs/${run.id}/chart?maxBars=500`);
    expect(res.status).toBe(200);
    const chart = res.json;
    expect(chart.barsPerCandle).toBe(40);
    expect(chart.candles).toHaveLength(500);
    expect(chart.window.bars).toBe(20_000);

    // The candles are the run's own bars, aggregated: recompute them from the stored data request.
    const bars = await loadBars(DataRequest.parse(run.data), async () => undefined);
    const first = chart.candles[0];
    expect(first).toEqual({
      time: bars.time[0],
      open: bars.open[0],
      high: Math.max(...bars.high.subarray(0, 40)),
      low: Math.min(...bars.low.subarray(0, 40)),
      close: bars.close[39],
      volume: bars.volume.subarray(0, 40).reduce((a, b) => a + b, 0),
    });

    const panes = Object.fromEntries(chart.series.map((s: { label: string; pane: string }) => [s.label, s.pane]));
    expect(panes).toMatchObject({ 'EMA fast': 'price', 'EMA slow': 'price' });
    expect(Object.entries(panes).filter(([label]) => label.startsWith('ADX')).every(([, pane]) => pane === 'oscillator')).toBe(true);
    const overlays = chart.series.filter((s: { pane: string }) => s.pane === 'price');
    expect(overlays.every((s: { values: unknown[] }) => s.values.length === 500)).toBe(true);
    expect(chart.series.filter((s: { pane: string }) => s.pane === 'oscillator').every((s: { values: unknown }) => s.values === null)).toBe(true);

    const result = await call(h.app, 'GET', `/api/runs/${run.id}/result`);
    const trades = result.json.trades as { open: boolean }[];
    expect(trades.length).toBeGreaterThan(0);
    expect(chart.markers.filter((m: { kind: string }) => m.kind === 'entry')).toHaveLength(trades.length);
    expect(chart.markers.filter((m: { kind: string }) => m.kind === 'exit')).toHaveLength(trades.filter((t) => !t.open).length);
    const reasons = new Set(chart.markers.filter((m: { kind: string }) => m.kind === 'exit').map((m: { reason: string }) => m.reason));
    expect([...reasons].every((r) => ['signal', 'stopLoss', 'takeProfit', 'trailingStop'].includes(r as string))).toBe(true);
  });

  it('zooms into a window at full resolution with an oscillator asked for, equal to the engine re-run bar by bar', async () => {
    const overview = (await call(h.app, 'GET', `/api/runs/${run.id}/chart?maxBars=100`)).json;
    const adx = overview.series.find((s: { pane: string; label: string }) => s.pane === 'oscillator' && s.label.startsWith('ADX'));
    const from = overview.candles[50].time;
    const to = overview.candles[52].time - 1;
    const res = await call(h.app, 'GET', `/api/runs/${run.id}/chart?from=${from}&to=${to}&maxBars=1000&oscillators=${encodeURIComponent(adx.id)}`);
    expect(res.status).toBe(200);
    expect(res.json.barsPerCandle).toBe(1);
    expect(res.json.window).toEqual({ from, to: to - 3_600_000 + 1, bars: 400 });
    const values = res.json.series.find((s: { id: string }) => s.id === adx.id).values as (number | null)[];
    expect(values).toHaveLength(400);
    expect(values.every((v) => v !== null && v >= 0 && v <= 100)).toBe(true);

    // The reference: the same graph stepped one bar at a time through the engine's own loop.
    const stored = await h.orm.em.fork().findOneOrFail(Run, { id: run.id });
    const bars = await loadBars(DataRequest.parse(stored.data), async () => undefined);
    const reference = runGraph(stored.graph as GraphInput, bars, { adx: adx.id }).values.adx!;
    const start = bars.time.indexOf(from);
    expect(values).toEqual(reference.slice(start, start + 400));
  });

  it('answers problem+json for a bad query, an unknown series, an unfinished or missing run, and another owner’s run', async () => {
    const bad = await call(h.app, 'GET', `/api/runs/${run.id}/chart?maxBars=5`);
    expect(bad.status).toBe(400);
    expect(bad.type).toContain('application/problem+json');
    expect(bad.json.errors[0].path).toBe('query.maxBars');

    const unknown = await call(h.app, 'GET', `/api/runs/${run.id}/chart?oscillators=nope.value`);
    expect(unknown.status).toBe(422);
    expect(unknown.json.errors).toEqual([{ path: 'query.oscillators', message: 'no such series: nope.value' }]);

    expect((await call(h.app, 'GET', `/api/runs/${crypto.randomUUID()}/chart`)).status).toBe(404);

    const em = h.orm.em.fork();
    const original = await em.findOneOrFail(Run, { id: run.id });
    const theirs = em.create(Run, { id: crypto.randomUUID(), owner: 'someone-else', strategy: original.strategy, graph: original.graph, data: original.data, workflowId: 'x', status: 'succeeded' });
    await em.flush();
    em.create(RunResult, { run: theirs.id, result: { trades: [] } });
    await em.flush();
    const foreign = await call(h.app, 'GET', `/api/runs/${theirs.id}/chart`);
    expect(foreign.status).toBe(404);
    expect(foreign.type).toContain('application/problem+json');

    const queued = em.create(Run, { id: crypto.randomUUID(), owner: original.owner, strategy: original.strategy, graph: original.graph, data: original.data, workflowId: 'y' });
    await em.flush();
    const notYet = await call(h.app, 'GET', `/api/runs/${queued.id}/chart`);
    expect(notYet.status).toBe(404);
    expect(notYet.json.title).toBe('No result yet');
  });

  it('is listed in the OpenAPI document', async () => {
    const doc = await call(h.app, 'GET', '/api/openapi.json');
    expect(doc.json.paths['/api/runs/{id}/chart'].get.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['from', 'id', 'maxBars', 'oscillators', 'symbol', 'to']);
    expect(doc.json.components.schemas.RunChart).toBeDefined();
  });
});

describe('GET /api/runs/{id}/chart for a multi-symbol run', () => {
  const stack = useHarness();

  it('charts one symbol at a time, with only its trades, and refuses a symbol the run does not trade', async () => {
    const h = stack();
    const created = await call(h.app, 'POST', '/api/strategies/from-template', { templateId: 'momentum-rotation' });
    expect(created.status).toBe(201);
    const run = await finishedRun(h, created.json.id);
    const result = await call(h.app, 'GET', `/api/runs/${run.id}/result`);
    const trades = result.json.trades as { symbol: string; entryTime: number }[];

    const first = await call(h.app, 'GET', `/api/runs/${run.id}/chart?maxBars=5000`);
    expect(first.status).toBe(200);
    expect(first.json.symbols).toEqual(['SYN1', 'SYN2', 'SYN3', 'SYN4', 'SYN5', 'SYN6', 'SYN7', 'SYN8']);
    expect(first.json.symbol).toBe('SYN1');

    const traded = trades.find((t) => t.symbol !== 'SYN1')!.symbol;
    const chart = await call(h.app, 'GET', `/api/runs/${run.id}/chart?maxBars=5000&symbol=${traded}`);
    expect(chart.status).toBe(200);
    expect(chart.json.symbol).toBe(traded);
    const entries = chart.json.markers.filter((m: { kind: string }) => m.kind === 'entry').map((m: { barTime: number }) => m.barTime);
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.length).toBe(trades.filter((t) => t.symbol === traded).length);
    // Each symbol has its own prices.
    expect(chart.json.candles[100].close).not.toBe(first.json.candles[100].close);

    const bad = await call(h.app, 'GET', `/api/runs/${run.id}/chart?symbol=NOPE`);
    expect(bad.status).toBe(422);
    expect(bad.json.errors[0].path).toBe('query.symbol');
  });
});
