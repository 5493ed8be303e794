import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { customEmaSource } from '../../sandbox/testing/sources.ts';
import { CustomNode, CustomNodeVersion, Run } from '../db/entities.ts';
import { sourceHash } from '../custom-registry.ts';
import { call, useHarness, waitFor, type Harness } from '../testing/harness.ts';

const smaCross = JSON.parse(readFileSync(new URL('../../docs/examples/sma-crossover.json', import.meta.url), 'utf8'));

/** The example crossover with both averages replaced by `type` (pinned at `versions`). */
function emaCross(type: string, versions: [number, number] = [1, 1]) {
  const g = structuredClone(smaCross);
  g.nodes.find((n: { id: string }) => n.id === 'fast').type = type;
  g.nodes.find((n: { id: string }) => n.id === 'fast').version = versions[0];
  g.nodes.find((n: { id: string }) => n.id === 'slow').type = type;
  g.nodes.find((n: { id: string }) => n.id === 'slow').version = versions[1];
  return g;
}

/** The custom EMA with a different title: a second version of the same node. */
const emaV2 = customEmaSource.replace("title: 'Custom EMA'", "title: 'Custom EMA (v2)'");

describe('custom nodes against real PostgreSQL, the sandbox and Temporal', () => {
  const stack = useHarness();
  let h: Harness;
  beforeEach(() => {
    h = stack();
  });

  /** Delete every custom node, so each test starts from none. */
  beforeEach(async () => {
    await h.orm.em.fork().nativeDelete(CustomNode, {});
  });

  /** The run or research run at `path` once it has ended (succeeded, failed or cancelled). */
  const ended = (what: string, path: string) =>
    waitFor(what, async () => {
      const r = await call(h.app, 'GET', path);
      return ['succeeded', 'failed', 'cancelled'].includes(r.json.status) ? r.json : undefined;
    });

  const create = async (source = customEmaSource) => {
    const res = await call(h.app, 'POST', '/api/custom-nodes', { source });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    return res.json as { node: { id: string; type: string; latestVersion: number }; version: { number: number; catalogEntry: { inputs: unknown[] } }; warnings: unknown[]; created: boolean };
  };

  it('saves a node after validating it in the sandbox, lists it, and puts it in the catalog under Custom', async () => {
    const saved = await create();
    expect(saved.node).toMatchObject({ type: 'custom.customEma', typeName: 'customEma', title: 'Custom EMA', latestVersion: 1 });
    expect(saved.version).toMatchObject({ number: 1, sourceHash: sourceHash(customEmaSource), title: 'Custom EMA' });
    expect(saved.version.catalogEntry).toMatchObject({ type: 'custom.customEma', version: 1, category: 'custom', defaults: { period: 20 } });
    // The EMA only reads the bar it is given: the lookahead check finds nothing.
    expect(saved.warnings).toEqual([]);

    const listed = await call(h.app, 'GET', '/api/custom-nodes');
    expect(listed.json.items).toEqual([expect.objectContaining({ id: saved.node.id, type: 'custom.customEma', latestVersion: 1 })]);

    const catalog = await call(h.app, 'GET', '/api/nodes');
    const entry = catalog.json.nodes.find((n: { type: string }) => n.type === 'custom.customEma');
    expect(entry).toMatchObject({ category: 'custom', version: 1, title: 'Custom EMA', inputs: [{ name: 'source', kind: 'number' }], outputs: [{ name: 'value', kind: 'number' }] });
    expect(entry.paramsSchema.properties.period).toMatchObject({ type: 'integer', minimum: 1, maximum: 10000, default: 20 });
    // Built-ins are all still there.
    expect(catalog.json.nodes.some((n: { type: string }) => n.type === 'indicator.ema')).toBe(true);
  });

  it('refuses a syntax error with its line and column, and a contract problem by name', async () => {
    const broken = customEmaSource.replace('const x = input.source;', 'const x = input.source +;');
    const syntax = await call(h.app, 'POST', '/api/custom-nodes', { source: broken });
    expect(syntax.status).toBe(422);
    expect(syntax.type).toContain('application/problem+json');
    const line = broken.split('\n').findIndex((l) => l.includes('input.source +;')) + 1;
    expect(syntax.json.errors[0]).toMatchObject({ path: 'body.source', line, column: expect.any(Number) });
    expect(syntax.json.errors[0].message).toMatch(/expression expected/i);

    const noOutputs = customEmaSource.replace("outputs: { value: { kind: 'number', description: 'The exponential average.' } },", 'outputs: {},');
    const contract = await call(h.app, 'POST', '/api/custom-nodes', { source: noOutputs });
    expect(contract.status).toBe(422);
    expect(contract.json.title).toBe('The definition does not satisfy the node contract');
    expect(contract.json.detail).toMatch(/output/);

    const forbidden = `import fs from 'node:fs';\n${customEmaSource}`;
    const imported = await call(h.app, 'POST', '/api/custom-nodes', { source: forbidden });
    expect(imported.status).toBe(422);
    expect(imported.json.errors[0]).toMatchObject({ line: 1, column: 1 });
    expect((await call(h.app, 'GET', '/api/custom-nodes')).json.items).toEqual([]);
  });

  it('refuses an oversized source before it reaches the sandbox', async () => {
    const huge = `${customEmaSource}\n//${'x'.repeat(300 * 1024)}`;
    const res = await call(h.app, 'POST', '/api/custom-nodes', { source: huge });
    expect(res.status).toBe(400);
    expect(res.json.errors[0]).toMatchObject({ path: 'body.source', message: 'at most 256 KB' });
  });

  it('saves versions: a new number per change, nothing for an unchanged source, refusal of a renamed type, 409 for a taken name', async () => {
    const { node } = await create();
    const v2 = await call(h.app, 'POST', `/api/custom-nodes/${node.id}/versions`, { source: emaV2 });
    expect(v2.status).toBe(201);
    expect(v2.json).toMatchObject({ created: true, node: { latestVersion: 2, title: 'Custom EMA (v2)' }, version: { number: 2 } });

    const same = await call(h.app, 'POST', `/api/custom-nodes/${node.id}/versions`, { source: emaV2 });
    expect(same.status).toBe(200);
    expect(same.json).toMatchObject({ created: false, version: { number: 2 } });

    const renamed = await call(h.app, 'POST', `/api/custom-nodes/${node.id}/versions`, { source: customEmaSource.replace("type: 'customEma'", "type: 'otherEma'") });
    expect(renamed.status).toBe(422);
    expect(renamed.json.detail).toMatch(/"customEma".*"otherEma"/);

    const taken = await call(h.app, 'POST', '/api/custom-nodes', { source: emaV2 });
    expect(taken.status).toBe(409);
    expect(taken.json.existingId).toBe(node.id);

    const detail = await call(h.app, 'GET', `/api/custom-nodes/${node.id}`);
    expect(detail.json.versions.map((v: { number: number }) => v.number)).toEqual([2, 1]);
    const first = await call(h.app, 'GET', `/api/custom-nodes/${node.id}/versions/1`);
    expect(first.json.source).toBe(customEmaSource);
    expect((await call(h.app, 'GET', `/api/custom-nodes/${node.id}/versions/3`)).status).toBe(404);

    // Concurrent saves never take the same number.
    const sources = [1, 2, 3, 4].map((k) => customEmaSource.replace("title: 'Custom EMA'", `title: 'Custom EMA ${k}'`));
    const results = await Promise.all(sources.map((source) => call(h.app, 'POST', `/api/custom-nodes/${node.id}/versions`, { source })));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    expect(results.map((r) => r.json.version.number).sort()).toEqual([3, 4, 5, 6]);
  });

  it("answers 404 for another owner's custom node on every route, and keeps it out of the catalog", async () => {
    const em = h.orm.em.fork();
    const theirs = em.create(CustomNode, { owner: 'someone-else', typeName: 'customEma', title: 'Theirs', latestVersion: 1 });
    em.create(CustomNodeVersion, { owner: 'someone-else', customNode: theirs, number: 1, source: customEmaSource, sourceHash: sourceHash(customEmaSource), meta: { type: 'customEma', title: 'Theirs', description: '', inputs: { source: { kind: 'number', description: '' } }, outputs: { value: { kind: 'number', description: '' } }, params: { type: 'object', properties: {}, additionalProperties: false }, defaults: {} } });
    await em.flush();
    for (const [method, path, body] of [
      ['GET', `/api/custom-nodes/${theirs.id}`, undefined],
      ['GET', `/api/custom-nodes/${theirs.id}/versions/1`, undefined],
      ['POST', `/api/custom-nodes/${theirs.id}/versions`, { source: customEmaSource }],
      ['DELETE', `/api/custom-nodes/${theirs.id}`, undefined],
    ] as const) {
      expect((await call(h.app, method, path, body)).status, `${method} ${path}`).toBe(404);
    }
    expect((await call(h.app, 'GET', '/api/custom-nodes')).json.items).toEqual([]);
    expect((await call(h.app, 'GET', '/api/nodes')).json.nodes.some((n: { type: string }) => n.type === 'custom.customEma')).toBe(false);
    // Their node does not compile in my graph, and my own node of the same name can still be created.
    const compiled = await call(h.app, 'POST', '/api/compile', { graph: emaCross('custom.customEma') });
    expect(compiled.json.errors[0]).toMatchObject({ code: 'custom_node_missing', nodeId: 'fast' });
    await create();
    expect(await h.orm.em.fork().count(CustomNode, { typeName: 'customEma' })).toBe(2);
  });

  it('compiles graphs against the versions they pin: a conflict is an error on each node, a deleted node too', async () => {
    const { node } = await create();
    await call(h.app, 'POST', `/api/custom-nodes/${node.id}/versions`, { source: emaV2 });
    expect((await call(h.app, 'POST', '/api/compile', { graph: emaCross('custom.customEma', [1, 1]) })).json).toMatchObject({ ok: true });
    expect((await call(h.app, 'POST', '/api/compile', { graph: emaCross('custom.customEma', [2, 2]) })).json).toMatchObject({ ok: true });

    const mixed = await call(h.app, 'POST', '/api/compile', { graph: emaCross('custom.customEma', [1, 2]) });
    expect(mixed.json.ok).toBe(false);
    expect(mixed.json.errors).toEqual([
      expect.objectContaining({ code: 'custom_version_conflict', nodeId: 'fast', path: ['nodes', 1, 'version'] }),
      expect.objectContaining({ code: 'custom_version_conflict', nodeId: 'slow', path: ['nodes', 2, 'version'] }),
    ]);
    expect(mixed.json.errors[0].message).toMatch(/v1 and v2/);

    const missing = await call(h.app, 'POST', '/api/compile', { graph: emaCross('custom.customEma', [7, 7]) });
    expect(missing.json.errors[0]).toMatchObject({ code: 'custom_node_missing', message: expect.stringMatching(/no version 7/) });

    expect((await call(h.app, 'DELETE', `/api/custom-nodes/${node.id}`)).status).toBe(204);
    const gone = await call(h.app, 'POST', '/api/compile', { graph: emaCross('custom.customEma') });
    // Each custom node says why; the compiler's "unknown type" for them is left out, the consequences downstream stay.
    expect(gone.json.errors.filter((e: { nodeId: string }) => e.nodeId === 'fast' || e.nodeId === 'slow').map((e: { code: string }) => e.code)).toEqual(['custom_node_missing', 'custom_node_missing']);
    expect(gone.json.errors.some((e: { code: string }) => e.code === 'unknown_node_type')).toBe(false);
    expect(await h.orm.em.fork().count(CustomNodeVersion, {})).toBe(0);
  });

  it('refuses to delete a node a running or paused deployment uses (409 naming them), and deletes it once they are stopped', async () => {
    const { node } = await create();
    const limits = { maxOrderQuantity: 10_000, maxOrderNotional: 1e7, maxPosition: 10_000, maxGrossExposure: 1e7 };
    const feed = { kind: 'replay', data: { kind: 'synthetic', seed: 4, bars: 400 }, barsPerSecond: 2 };
    const deploy = async (name: string, graph: unknown) => {
      const strategy = await call(h.app, 'POST', '/api/strategies', { name, graph });
      const res = await call(h.app, 'POST', '/api/deployments', { strategyId: strategy.json.id, name, mode: 'shadow', symbol: 'SYN/USD', feed, riskLimits: limits });
      expect(res.status, JSON.stringify(res.json)).toBe(201);
      return res.json.id as string;
    };
    const user = await deploy('uses the custom EMA', emaCross('custom.customEma'));
    // A deployment of built-in nodes only is not in the way.
    const bystander = await deploy('built-ins only', smaCross);
    await call(h.app, 'POST', `/api/deployments/${user}/pause`);
    expect((await call(h.app, 'GET', `/api/deployments/${user}`)).json.status).toBe('paused');

    const refused = await call(h.app, 'DELETE', `/api/custom-nodes/${node.id}`);
    expect(refused.status).toBe(409);
    expect(refused.type).toContain('application/problem+json');
    expect(refused.json).toMatchObject({ title: 'Custom node in use', deployments: [{ id: user, name: 'uses the custom EMA', status: 'paused', versions: [1] }] });
    expect(refused.json.detail).toContain('"uses the custom EMA"');
    expect(refused.json.detail).toContain(user);
    expect(refused.json.detail).not.toContain(bystander);
    // Nothing was deleted: the node, its version and the deployment's compile all still work.
    expect((await call(h.app, 'GET', `/api/custom-nodes/${node.id}`)).json.versions).toHaveLength(1);
    expect(await h.orm.em.fork().count(CustomNodeVersion, { customNode: node.id })).toBe(1);

    expect((await call(h.app, 'POST', `/api/deployments/${user}/stop`)).json.status).toBe('stopped');
    expect((await call(h.app, 'DELETE', `/api/custom-nodes/${node.id}`)).status).toBe(204);
    expect((await call(h.app, 'GET', `/api/custom-nodes/${node.id}`)).status).toBe(404);
    expect((await call(h.app, 'POST', `/api/deployments/${bystander}/stop`)).json.status).toBe('stopped');
  });

  it('tests a source on sample data: the close, each output per bar, lookahead warnings and timing', async () => {
    const res = await call(h.app, 'POST', '/api/custom-nodes/test', { source: customEmaSource, params: { period: 5 }, bars: 300 });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const out = res.json;
    expect(out.node).toMatchObject({ type: 'custom.customEma', title: 'Custom EMA' });
    expect(out.params).toEqual({ period: 5 });
    expect(out.close).toHaveLength(300);
    expect(out.time).toHaveLength(300);
    expect(out.inputs).toEqual([{ port: 'source', series: 'close' }]);
    const value = out.outputs[0];
    expect(value).toMatchObject({ port: 'value', kind: 'number' });
    expect(value.values.slice(0, 4)).toEqual([null, null, null, null]);
    // The seed is the SMA of the first five closes; then the EMA recursion.
    const sma = out.close.slice(0, 5).reduce((a: number, b: number) => a + b, 0) / 5;
    expect(value.values[4]).toBeCloseTo(sma, 10);
    expect(value.values[5]).toBeCloseTo(sma + (2 / 6) * (out.close[5] - sma), 10);
    expect(out.warnings).toEqual([]);
    expect(out.timing.runMs).toBeGreaterThanOrEqual(0);

    const badParams = await call(h.app, 'POST', '/api/custom-nodes/test', { source: customEmaSource, params: { period: 0 } });
    expect(badParams.status).toBe(422);
    expect(badParams.json.errors[0].path).toBe('body.params.period');

    const throws = await call(h.app, 'POST', '/api/custom-nodes/test', { source: customEmaSource.replace('const x = input.source;', "const x = input.source; if (x > 0) throw new Error('boom');") });
    expect(throws.status).toBe(422);
    expect(throws.json.detail).toMatch(/NodeError: .*boom/);
    // Nothing of a test is stored.
    expect(await h.orm.em.fork().count(CustomNode, {})).toBe(0);
  });

  it('runs a backtest with a custom node through Temporal (the activity path), trading exactly as the built-in EMA, and charts it', async () => {
    await create();
    const runOf = async (graph: unknown) => {
      const s = await call(h.app, 'POST', '/api/strategies', { name: `EMA cross ${Math.random()}`, graph });
      expect(s.status).toBe(201);
      const run = await call(h.app, 'POST', '/api/runs', { strategyId: s.json.id });
      expect(run.status, JSON.stringify(run.json)).toBe(201);
      const done = await ended('the run to finish', `/api/runs/${run.json.id}`);
      expect(done.status, done.error ?? '').toBe('succeeded');
      return { id: run.json.id as string, result: (await call(h.app, 'GET', `/api/runs/${run.json.id}/result`)).json };
    };
    const custom = await runOf(emaCross('custom.customEma'));
    const builtin = await runOf(emaCross('indicator.ema'));
    expect(custom.result.trades.length).toBeGreaterThan(5);
    expect(custom.result.trades).toEqual(builtin.result.trades);
    expect(custom.result.metrics).toEqual(builtin.result.metrics);

    const chart = await call(h.app, 'GET', `/api/runs/${custom.id}/chart?maxBars=200`);
    expect(chart.status, JSON.stringify(chart.json)).toBe(200);
    const fast = chart.json.series.find((s: { nodeId: string }) => s.nodeId === 'fast');
    expect(fast).toMatchObject({ pane: 'price' });
    expect(fast.values.filter((v: number | null) => v !== null).length).toBeGreaterThan(150);

    // A strategy whose custom node versions conflict is refused before anything runs.
    const conflicted = await call(h.app, 'POST', '/api/strategies', { name: 'Conflicted', graph: emaCross('custom.customEma', [1, 2]) });
    const refused = await call(h.app, 'POST', '/api/runs', { strategyId: conflicted.json.id });
    expect(refused.status).toBe(422);
    expect(refused.json.compileErrors[0].code).toBe('custom_version_conflict');
  });

  it('sweeps a custom node\'s params through the research activities, with the same results as the built-in EMA', async () => {
    await create();
    const sweep = async (type: string) => {
      const graph = emaCross(type);
      graph.nodes.find((n: { id: string }) => n.id === 'fast').optimize = { period: { values: [5, 10] } };
      const s = await call(h.app, 'POST', '/api/strategies', { name: `Sweep ${type}`, graph });
      const started = await call(h.app, 'POST', '/api/research', { kind: 'sweep', strategyId: s.json.id, data: { kind: 'synthetic', seed: 7, bars: 2000 }, config: { metric: 'totalReturn' } });
      expect(started.status, JSON.stringify(started.json)).toBe(201);
      const run = await ended('the sweep to finish', `/api/research/${started.json.id}`);
      expect(run.status, run.error ?? '').toBe('succeeded');
      return (await call(h.app, 'GET', `/api/research/${run.id}/trials`)).json.items.map((t: { params: unknown; metrics: unknown }) => [t.params, t.metrics]);
    };
    const custom = await sweep('custom.customEma');
    expect(custom).toHaveLength(2);
    expect(custom).toEqual(await sweep('indicator.ema'));
  });

  it('a custom node whose own code throws fails a backtest at once, naming the node; in a sweep, only the trials it throws on', async () => {
    // It throws from its 1501st bar on (bar 1500, counted from 0).
    await create(customEmaSource.replace('const x = input.source;', "const x = input.source; s.n = (s.n ?? 0) + 1; if (p.period === 7 && s.n > 1500) throw new Error('no sevens');"));
    const graph = emaCross('custom.customEma');
    graph.nodes.find((n: { id: string }) => n.id === 'fast').params = { period: 7 };
    const s = await call(h.app, 'POST', '/api/strategies', { name: 'Throws on seven', graph });
    const started = await call(h.app, 'POST', '/api/runs', { strategyId: s.json.id });
    expect(started.status).toBe(201);
    const done = await ended('the run to fail', `/api/runs/${started.json.id}`);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/node "fast" \(Custom EMA\): NodeError: step threw at bar 1500: Error: no sevens/);
    // Its progress says where it stopped, not where the last progress report left it.
    expect(done.barsDone).toBe(1500);
    // Not retried: the same code on the same bars throws again.
    expect((await h.orm.em.fork().findOneOrFail(Run, { id: started.json.id })).attempts).toBe(1);

    graph.nodes.find((n: { id: string }) => n.id === 'fast').optimize = { period: { values: [5, 7] } };
    const swept = await call(h.app, 'POST', '/api/strategies', { name: 'Sweep past seven', graph });
    const research = await call(h.app, 'POST', '/api/research', { kind: 'sweep', strategyId: swept.json.id, data: { kind: 'synthetic', seed: 7, bars: 2000 }, config: { metric: 'totalReturn' } });
    expect(research.status, JSON.stringify(research.json)).toBe(201);
    const run = await ended('the sweep to finish', `/api/research/${research.json.id}`);
    expect(run.status, run.error ?? '').toBe('succeeded');
    const trials = (await call(h.app, 'GET', `/api/research/${run.id}/trials`)).json.items as { params: Record<string, number>; metrics: unknown; error: string | null }[];
    const seven = trials.find((t) => t.params['fast.period'] === 7)!, five = trials.find((t) => t.params['fast.period'] === 5)!;
    expect(seven).toMatchObject({ metrics: null, error: expect.stringMatching(/node "fast" \(Custom EMA\): NodeError: .*no sevens/) });
    expect(five).toMatchObject({ error: null, metrics: expect.objectContaining({ trades: expect.any(Number) }) });
  });

  it('previews a custom node in a graph', async () => {
    await create();
    const res = await call(h.app, 'POST', '/api/preview', { graph: emaCross('custom.customEma'), nodeId: 'fast', bars: 200 });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.outputs[0].port).toBe('value');
    expect(res.json.outputs[0].values.filter((v: number | null) => v !== null).length).toBeGreaterThan(150);
  });
});
