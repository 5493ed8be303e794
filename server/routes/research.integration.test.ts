import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { syntheticBars } from '../../engine/bars.ts';
import { compile } from '../../engine/compile.ts';
import { chooseData } from '../../engine/data.ts';
import { Graph } from '../../engine/graph.ts';
import type { Metrics } from '../../engine/metrics.ts';
import { simulatePaths, summarizePaths } from '../../engine/research/montecarlo.ts';
import { bestTrial } from '../../engine/research/rank.ts';
import { comboAt, paramSpace } from '../../engine/research/space.ts';
import { runTrial } from '../../engine/research/trial.ts';
import { registry } from '../../nodes/index.ts';
import { ResearchTrial, Strategy } from '../db/entities.ts';
import { call, useHarness, waitFor, type Harness } from '../testing/harness.ts';

const smaCross = JSON.parse(readFileSync(new URL('../../docs/examples/sma-crossover.json', import.meta.url), 'utf8'));
const data = { kind: 'synthetic' as const, seed: 7, bars: 3000 };

/** The example strategy with its two SMA periods marked optimisable. */
function optimisable(fast: unknown = { values: [5, 10, 20] }, slow: unknown = { values: [40, 80] }) {
  const g = structuredClone(smaCross);
  g.nodes.find((n: { id: string }) => n.id === 'fast').optimize = { period: fast };
  g.nodes.find((n: { id: string }) => n.id === 'slow').optimize = { period: slow };
  return g;
}

function barsFor(graph: unknown) {
  const c = compile(graph, registry);
  if (!c.ok) throw new Error('fixture must compile');
  const request = chooseData(c.plan.data.request, data);
  if (request.kind !== 'synthetic') throw new Error('synthetic expected');
  return syntheticBars(request);
}

const json = (v: unknown) => JSON.parse(JSON.stringify(v));

describe('research runs against real PostgreSQL and Temporal', () => {
  const stack = useHarness();
  let h: Harness;
  beforeEach(() => {
    h = stack();
  });

  async function strategy(graph: unknown, name = 'research'): Promise<string> {
    const res = await call(h.app, 'POST', '/api/strategies', { name, graph });
    expect(res.status).toBe(201);
    return res.json.id;
  }

  async function finished(id: string, timeoutMs = 120_000) {
    return waitFor(`research run ${id} to finish`, async () => {
      const r = await call(h.app, 'GET', `/api/research/${id}`);
      return ['succeeded', 'failed', 'cancelled'].includes(r.json.status) ? r.json : undefined;
    }, timeoutMs);
  }

  it('sweeps the grid of optimisable params, stores each trial once and picks the best by the chosen metric', async () => {
    const graph = optimisable();
    const strategyId = await strategy(graph);
    const started = await call(h.app, 'POST', '/api/research', { kind: 'sweep', strategyId, data, config: { metric: 'totalReturn' }, execution: { trialsPerActivity: 2, concurrency: 3 } });
    expect(started.status).toBe(201);
    expect(started.json).toMatchObject({ kind: 'sweep', status: 'queued', config: { metric: 'totalReturn', sampling: { kind: 'grid' } } });
    const run = await finished(started.json.id);
    expect(run).toMatchObject({ status: 'succeeded', trialsDone: 6, trialsTotal: 6, progress: 1 });

    const trials = await call(h.app, 'GET', `/api/research/${run.id}/trials`);
    expect(trials.json.total).toBe(6);
    expect(trials.json.items.map((t: { trialIndex: number }) => t.trialIndex)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(trials.json.items.map((t: { params: unknown }) => t.params)).toEqual([
      { 'fast.period': 5, 'slow.period': 40 }, { 'fast.period': 5, 'slow.period': 80 },
      { 'fast.period': 10, 'slow.period': 40 }, { 'fast.period': 10, 'slow.period': 80 },
      { 'fast.period': 20, 'slow.period': 40 }, { 'fast.period': 20, 'slow.period': 80 },
    ]);
    expect(trials.json.items[0].detail).toBeUndefined();

    // Every stored metric is what the engine gives for those params, and the best is the true best.
    const g = Graph.parse(graph);
    const bars = barsFor(graph);
    const space = paramSpace(graph, registry);
    if (!space.ok) throw new Error('space');
    const local = await Promise.all(Array.from({ length: 6 }, async (_, i) => ({ trialIndex: i, params: comboAt(space.dimensions, i), metrics: (await runTrial(g, comboAt(space.dimensions, i), bars, { registry })).metrics })));
    for (const [i, t] of trials.json.items.entries()) expect(t.metrics).toEqual(json(local[i]!.metrics));
    const best = bestTrial(local, 'totalReturn')!;
    expect(run.summary.best).toMatchObject({ trialIndex: best.trialIndex, params: best.params });
    expect(run.summary.dimensions.map((d: { key: string; values: number[] }) => [d.key, d.values])).toEqual([['fast.period', [5, 10, 20]], ['slow.period', [40, 80]]]);
    expect(await h.orm.em.fork().count(ResearchTrial, { researchRun: run.id })).toBe(6);

    const withDetail = await call(h.app, 'GET', `/api/research/${run.id}/trials?detail=true&offset=4&limit=10`);
    expect(withDetail.json.items).toHaveLength(2);
    expect(withDetail.json.items[0].detail.equity.length).toBeGreaterThan(10);
  });

  it('samples a seeded random subset of a large grid', async () => {
    const strategyId = await strategy(optimisable({ min: 2, max: 30, step: 1 }, { min: 40, max: 200, step: 10 }));
    const started = await call(h.app, 'POST', '/api/research', { kind: 'sweep', strategyId, data, config: { sampling: { kind: 'random', samples: 12, seed: 3 } } });
    const run = await finished(started.json.id);
    expect(run).toMatchObject({ status: 'succeeded', trialsTotal: 12 });
    const trials = await call(h.app, 'GET', `/api/research/${run.id}/trials`);
    const combos = new Set(trials.json.items.map((t: { params: unknown }) => JSON.stringify(t.params)));
    expect(combos.size).toBe(12);
  });

  it('walks forward: optimises in-sample, tests the chosen params out of sample, and stitches the out-of-sample equity', async () => {
    const graph = optimisable();
    const strategyId = await strategy(graph);
    const config = { mode: 'rolling', inSampleBars: 1000, outOfSampleBars: 500, metric: 'sharpe' };
    const started = await call(h.app, 'POST', '/api/research', { kind: 'walkForward', strategyId, data, config });
    expect(started.status).toBe(201);
    const run = await finished(started.json.id);
    expect(run).toMatchObject({ status: 'succeeded', trialsTotal: 4 * 6 + 4, trialsDone: 28 });
    const { summary } = run;
    expect(summary.windows.map((w: { inSample: { from: number }; outOfSample: { from: number; to: number } }) => [w.inSample.from, w.outOfSample.from, w.outOfSample.to])).toEqual([[0, 1000, 1500], [500, 1500, 2000], [1000, 2000, 2500], [1500, 2500, 3000]]);

    // Each window's out-of-sample params are the in-sample winner of that window.
    type StoredTrial = { trialIndex: number; params: Record<string, number>; metrics: Metrics | null };
    const inSample: StoredTrial[] = (await call(h.app, 'GET', `/api/research/${run.id}/trials?phase=inSample`)).json.items;
    const outOfSample = (await call(h.app, 'GET', `/api/research/${run.id}/trials?phase=outOfSample&detail=true`)).json.items;
    expect(inSample).toHaveLength(24);
    expect(outOfSample).toHaveLength(4);
    for (let w = 0; w < 4; w++) {
      const winner = bestTrial(inSample.slice(w * 6, (w + 1) * 6), 'sharpe');
      expect(outOfSample[w].params).toEqual(winner!.params);
      expect(outOfSample[w].detail.chosenTrial).toBe(winner!.trialIndex);
      expect(summary.windows[w].params).toEqual(winner!.params);
    }

    // The out-of-sample trial is the engine's window run with those params (warm-up before the window, no lookahead).
    const bars = barsFor(graph);
    const oos1 = await runTrial(Graph.parse(graph), outOfSample[1].params, bars, { registry, window: { from: 1500, to: 2000 } });
    expect(outOfSample[1].metrics).toEqual(json(oos1.metrics));

    // Stitched: compounding the windows' returns gives the stitched return.
    const compounded = outOfSample.reduce((a: number, t: { metrics: { totalReturn: number } }) => a * (1 + t.metrics.totalReturn / 100), 1);
    expect(summary.stitched.metrics.totalReturn).toBeCloseTo((compounded - 1) * 100, 6);
    expect(summary.stitched.exact).toBe(true);
    expect(summary.stitched.equity.at(-1).time).toBe(bars.time[2999]);
    expect(summary.stitched.equity[0].time).toBe(bars.time[1000]);
    expect(typeof summary.profitableWindowsPct).toBe('number');
  });

  it('runs Monte Carlo paths across activities and reports percentiles and histograms', async () => {
    const graph = optimisable();
    const strategyId = await strategy(graph);
    const config = { method: 'blockBootstrap', paths: 250, blockLength: 25, seed: 11, params: { 'fast.period': 20 } };
    const started = await call(h.app, 'POST', '/api/research', { kind: 'monteCarlo', strategyId, data, config, execution: { trialsPerActivity: 1 } });
    expect(started.status).toBe(201);
    const run = await finished(started.json.id);
    expect(run).toMatchObject({ status: 'succeeded', trialsTotal: 3, trialsDone: 3 });

    // The same numbers as simulating every path in one go: batching never changes a path.
    const base = await runTrial(Graph.parse(graph), { 'fast.period': 20 }, barsFor(graph), { registry });
    const paths = simulatePaths({ tradePnls: Float64Array.from(base.trades, (t) => t.pnl), equity: base.equity, initialCash: base.startEquity }, 'blockBootstrap', { seed: 11, from: 0, to: 250, blockLength: 25 });
    const expected = json(summarizePaths(paths.finalReturns, paths.maxDrawdowns));
    expect(run.summary).toMatchObject({ kind: 'monteCarlo', method: 'blockBootstrap', paths: 250, finalReturn: expected.finalReturn, maxDrawdown: expected.maxDrawdown, probabilityOfLoss: expected.probabilityOfLoss });
    expect(run.summary.finalReturn.p5).toBeLessThanOrEqual(run.summary.finalReturn.p95);
    expect(run.summary.finalReturn.histogram.reduce((a: number, b: { count: number }) => a + b.count, 0)).toBe(250);
    expect(run.summary.base.metrics).toEqual(json(base.metrics));
  });

  it('fails a run whose every trial fails, at once and with the trials\u2019 reason (Monte Carlo on too few bars)', async () => {
    const strategyId = await strategy(optimisable());
    const started = await call(h.app, 'POST', '/api/research', { kind: 'monteCarlo', strategyId, data: { kind: 'synthetic', seed: 1, bars: 40 }, config: { paths: 100 } });
    expect(started.status).toBe(201);
    const run = await finished(started.json.id, 60_000);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/^every trial failed; trial #0 \(the trials table's #\): .*warm up/);
    expect(run.summary).toBeNull();
  });

  it('reruns with scaled costs for the cost sensitivity table', async () => {
    const strategyId = await strategy(smaCross);
    const config = { commissionMultipliers: [0, 1, 5], slippageMultipliers: [0, 2] };
    const started = await call(h.app, 'POST', '/api/research', { kind: 'costSensitivity', strategyId, data, config });
    const run = await finished(started.json.id);
    expect(run.status).toBe('succeeded');
    const table = run.summary.table;
    expect(table.map((r: { commission: number; slippage: number }) => [r.commission, r.slippage])).toEqual([[0, 0], [0, 2], [1, 0], [1, 2], [5, 0], [5, 2]]);
    expect(table[0].commissionPaid).toBe(0);
    // More cost never helps the same trades.
    expect(table[4].totalReturn).toBeLessThan(table[2].totalReturn);
    expect(table[2].totalReturn).toBeLessThan(table[0].totalReturn);
    expect(table[1].totalReturn).toBeLessThan(table[0].totalReturn);
  });

  it('refuses what cannot run before starting anything', async () => {
    const plain = await strategy(smaCross);
    const nothing = await call(h.app, 'POST', '/api/research', { kind: 'sweep', strategyId: plain, data });
    expect(nothing.status).toBe(422);
    expect(nothing.json.detail).toContain('optimize');

    const bad = optimisable({ values: [5, 2.5] });
    bad.nodes.find((n: { id: string }) => n.id === 'slow').optimize = { length: { values: [3] } };
    const badId = await strategy(bad);
    const refused = await call(h.app, 'POST', '/api/research', { kind: 'sweep', strategyId: badId, data });
    expect(refused.status).toBe(422);
    expect(refused.json.compileErrors).toEqual([
      expect.objectContaining({ nodeId: 'fast', path: ['nodes', 1, 'optimize', 'period'] }),
      expect.objectContaining({ nodeId: 'slow', path: ['nodes', 2, 'optimize', 'length'] }),
    ]);

    const good = await strategy(optimisable());
    const tooLong = await call(h.app, 'POST', '/api/research', { kind: 'walkForward', strategyId: good, data, config: { inSampleBars: 2800, outOfSampleBars: 500 } });
    expect(tooLong.status).toBe(422);
    expect(tooLong.json.detail).toContain('no window');

    const unknownParam = await call(h.app, 'POST', '/api/research', { kind: 'monteCarlo', strategyId: good, data, config: { params: { 'nope.period': 3 } } });
    expect(unknownParam.status).toBe(422);
    expect(unknownParam.json.errors[0].path).toBe('body.config.params');
    // A value the node refuses would fail every trial: refused here, naming the node and the rule.
    for (const kind of ['monteCarlo', 'costSensitivity']) {
      const negative = await call(h.app, 'POST', '/api/research', { kind, strategyId: good, data, config: { params: { 'fast.period': -5 } } });
      expect(negative.status).toBe(422);
      expect(negative.json.title).toBe('Invalid params');
      expect(negative.json.errors[0]).toMatchObject({ path: 'body.config.params', message: expect.stringMatching(/period/i) });
    }

    const invalid = await call(h.app, 'POST', '/api/research', { kind: 'walkForward', strategyId: good, config: { inSampleBars: -1, outOfSampleBars: 10 } });
    expect(invalid.status).toBe(400);
    expect(invalid.json.errors).toContainEqual(expect.objectContaining({ path: 'body.config.inSampleBars' }));
    // A misspelt field is refused, naming it: it was dropped, and the study ran with the default.
    const typo = await call(h.app, 'POST', '/api/research', { kind: 'monteCarlo', strategyId: good, data, config: { blockBars: 100 } });
    expect([typo.status, typo.json.errors]).toEqual([400, [expect.objectContaining({ path: 'body.config', message: expect.stringContaining('blockBars') })]]);
    const dataTypo = await call(h.app, 'POST', '/api/research', { kind: 'sweep', strategyId: good, data: { ...data, startPrice: 5 } });
    expect(dataTypo.status).toBe(400);
    expect(JSON.stringify(dataTypo.json.errors)).toContain('startPrice');
    const runTypo = await call(h.app, 'POST', '/api/runs', { strategyId: good, dataSource: data });
    expect([runTypo.status, JSON.stringify(runTypo.json.errors)]).toEqual([400, expect.stringContaining('dataSource')]);

    const em = h.orm.em.fork();
    const theirs = em.create(Strategy, { owner: 'someone-else', name: 'Private', graph: optimisable() });
    await em.flush();
    expect((await call(h.app, 'POST', '/api/research', { kind: 'sweep', strategyId: theirs.id, data })).status).toBe(404);
    expect((await call(h.app, 'GET', `/api/research/${crypto.randomUUID()}`)).status).toBe(404);
  });

  it('cancels a running sweep: dispatch stops, running trials stop, stored trials stay once each', async () => {
    const strategyId = await strategy(optimisable({ min: 2, max: 60, step: 1 }, { min: 70, max: 300, step: 10 }));
    const big = { kind: 'synthetic', seed: 9, bars: 200_000 };
    const started = await call(h.app, 'POST', '/api/research', { kind: 'sweep', strategyId, data: big, execution: { trialsPerActivity: 5, concurrency: 2 } });
    expect(started.status).toBe(201);
    const id = started.json.id;
    await waitFor('some trials to be stored', async () => ((await call(h.app, 'GET', `/api/research/${id}`)).json.trialsDone > 0 ? true : undefined), 120_000);
    const cancel = await call(h.app, 'POST', `/api/research/${id}/cancel`);
    expect(cancel.status).toBe(202);
    const run = await finished(id);
    expect(run.status).toBe('cancelled');
    expect(run.trialsTotal).toBe(59 * 24);
    const stored = await h.orm.em.fork().count(ResearchTrial, { researchRun: id });
    expect(stored).toBeLessThan(run.trialsTotal);
    // The trials it paid for are summarised: the best so far among those stored.
    const full = (await call(h.app, 'GET', `/api/research/${id}`)).json;
    expect(full.summary).toMatchObject({ kind: 'sweep', trials: stored });
    const trials = (await call(h.app, 'GET', `/api/research/${id}/trials?limit=2000`)).json.items as { trialIndex: number; metrics: { sharpe: number | null } | null }[];
    expect(trials).toHaveLength(stored);
    expect(trials.map((t) => t.trialIndex)).toContain(full.summary.best.trialIndex);
    // Nothing is stored after the run says cancelled.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await h.orm.em.fork().count(ResearchTrial, { researchRun: id })).toBe(stored);
    expect((await call(h.app, 'POST', `/api/research/${id}/cancel`)).status).toBe(409);
  });

  it('lists runs, streams progress over SSE, and evaluates the robustness gate from the latest runs', async () => {
    const strategyId = await strategy(optimisable(), 'gate');
    const none = await call(h.app, 'POST', '/api/research/robustness', { strategyId });
    expect(none.json.pass).toBe(false);
    expect(none.json.checks.map((c: { reason: string }) => c.reason)).toEqual(['no finished walk-forward run', 'no finished Monte Carlo run']);

    const wf = await call(h.app, 'POST', '/api/research', { kind: 'walkForward', strategyId, data, config: { inSampleBars: 1000, outOfSampleBars: 1000 } });
    const mc = await call(h.app, 'POST', '/api/research', { kind: 'monteCarlo', strategyId, data, config: { paths: 100, method: 'reshuffle' } });
    const events = await h.app.request(`/api/research/${mc.json.id}/events`);
    expect(events.headers.get('content-type')).toContain('text/event-stream');
    const text = await events.text();
    expect(text).toContain('event: research');
    expect(text).toContain('"status":"succeeded"');
    await finished(wf.json.id);

    const listed = await call(h.app, 'GET', `/api/research?strategyId=${strategyId}`);
    expect(listed.json.items.map((r: { id: string }) => r.id)).toEqual([mc.json.id, wf.json.id]);
    expect(listed.json.items[0].summary).toBeNull();
    expect((await call(h.app, 'GET', `/api/research?strategyId=${strategyId}&kind=walkForward`)).json.items).toHaveLength(1);

    const lenient = await call(h.app, 'POST', '/api/research/robustness', {
      strategyId,
      thresholds: { walkForward: { minStitchedReturn: -100, maxStitchedDrawdown: 100, minEfficiency: -1e9, minProfitableWindowsPct: 0 }, monteCarlo: { minFinalReturnP5: -100, maxDrawdownP95: 100, maxProbabilityOfLoss: 100 } },
    });
    expect(lenient.status).toBe(200);
    expect(lenient.json).toMatchObject({ walkForwardRunId: wf.json.id, monteCarloRunId: mc.json.id });
    // Efficiency is undefined when the in-sample winners lost money; every other check passes leniently.
    const failing = lenient.json.checks.filter((c: { pass: boolean }) => !c.pass).map((c: { name: string }) => c.name);
    expect(failing.every((n: string) => n === 'walk-forward efficiency')).toBe(true);
    const strict = await call(h.app, 'POST', '/api/research/robustness', { strategyId, thresholds: { monteCarlo: { maxDrawdownP95: 0 } } });
    expect(strict.json.pass).toBe(false);
    expect(strict.json.checks.find((c: { name: string }) => c.name === 'Monte Carlo 95th percentile max drawdown').pass).toBe(false);
    expect(strict.json.thresholds.walkForward.minEfficiency).toBe(0.5);
  });
});
