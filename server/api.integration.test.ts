import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { runBacktest } from '../engine/backtest.ts';
import { compile } from '../engine/compile.ts';
import { chooseData, loadBars } from '../engine/data.ts';
import { registry } from '../nodes/index.ts';
import { createRegistry } from '../nodes/registry.ts';
import { createApp } from './app.ts';
import { createCustomNodeHost } from './custom-registry.ts';
import { LOCAL_OWNER, Strategy } from './db/entities.ts';
import { call, createHarness, useHarness, waitFor, type Harness } from './testing/harness.ts';
import { slowGraph } from './testing/slow-graph.ts';

const smaCross = JSON.parse(readFileSync(new URL('../docs/examples/sma-crossover.json', import.meta.url), 'utf8'));

describe('API against real PostgreSQL and Temporal', () => {
  const stack = useHarness();
  // Read through a getter so every test sees the harness made in beforeAll.
  let h: Harness;
  beforeEach(() => {
    h = stack();
  });

  it('reports both services healthy', async () => {
    const res = await call(h.app, 'GET', '/api/health');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'ok', database: { ok: true, kind: 'postgresql' }, temporal: { ok: true } });
  });

  it('applies migrations that match the entities exactly', async () => {
    const diff = await h.orm.schema.getUpdateSchemaSQL();
    expect(diff.replace(/set names 'utf8';/, '').trim()).toBe('');
  });

  it('serves the catalog from the registry and an OpenAPI document with every route', async () => {
    const catalog = await call(h.app, 'GET', '/api/nodes');
    expect(catalog.json.nodes.map((n: { type: string }) => n.type)).toEqual(registry.definitions.map((d) => d.type));
    const doc = await call(h.app, 'GET', '/api/openapi.json');
    expect(Object.keys(doc.json.paths)).toEqual(expect.arrayContaining(['/api/strategies', '/api/strategies/{id}', '/api/runs', '/api/runs/{id}/result', '/api/runs/{id}/cancel', '/api/datasets', '/api/compile', '/api/health']));
    // The event streams are documented too.
    for (const path of ['/api/runs/{id}/events', '/api/research/{id}/events', '/api/deployments/{id}/events']) {
      expect(Object.keys(doc.json.paths[path]?.get?.responses[200]?.content ?? {}), path).toEqual(['text/event-stream']);
    }
    // Every POST a rate limit covers documents its 429; routes without a limit do not.
    const posts = Object.entries(doc.json.paths as Record<string, { post?: { responses: Record<string, unknown> } }>).filter(([, item]) => item.post);
    const limited = posts.filter(([path]) => /^\/api\/(runs|research|deployments|custom-nodes|preview)(\/|$)/.test(path)).map(([path]) => path);
    expect(limited).toEqual(expect.arrayContaining(['/api/runs', '/api/research', '/api/deployments', '/api/deployments/{id}/kill', '/api/custom-nodes', '/api/preview']));
    for (const [path, item] of posts) expect(Object.hasOwn(item.post!.responses, '429'), path).toBe(limited.includes(path));
    // The server is where the document came from, so the reference's examples carry a whole URL.
    const served = await (await h.app.request('http://tradeloom.test:8080/api/openapi.json')).json();
    expect(served.servers).toEqual([{ url: 'http://tradeloom.test:8080', description: 'This Tradeloom' }]);
    const page = await h.app.request('/api/docs');
    const html = await page.text();
    expect(html).toContain('/api/docs/scalar.js');
    // No fonts from a CDN: the page works offline and asks nothing of third parties.
    expect(html).toMatch(/"withDefaultFonts": *false/);
    const script = await h.app.request('/api/docs/scalar.js');
    expect(script.status).toBe(200);
  });

  it('creates, reads, renames, lists and deletes a strategy', async () => {
    const created = await call(h.app, 'POST', '/api/strategies', { name: 'Golden cross', graph: smaCross });
    expect(created.status).toBe(201);
    const id = created.json.id;
    const read = await call(h.app, 'GET', `/api/strategies/${id}`);
    expect(read.json.graph.nodes).toHaveLength(smaCross.nodes.length);
    const renamed = await call(h.app, 'PUT', `/api/strategies/${id}`, { name: 'Golden cross v2' });
    expect(renamed.json.name).toBe('Golden cross v2');
    const listed = await call(h.app, 'GET', '/api/strategies');
    expect(listed.json.items.map((s: { id: string }) => s.id)).toContain(id);
    expect((await call(h.app, 'DELETE', `/api/strategies/${id}`)).status).toBe(204);
    expect((await call(h.app, 'GET', `/api/strategies/${id}`)).status).toBe(404);
  });

  it("answers 404 for another owner's strategy", async () => {
    const em = h.orm.em.fork();
    const theirs = em.create(Strategy, { owner: 'someone-else', name: 'Private', graph: smaCross });
    await em.flush();
    const res = await call(h.app, 'GET', `/api/strategies/${theirs.id}`);
    expect(res.status).toBe(404);
    expect(res.type).toContain('application/problem+json');
    expect((await call(h.app, 'PUT', `/api/strategies/${theirs.id}`, { name: 'mine now' })).status).toBe(404);
    expect((await call(h.app, 'DELETE', `/api/strategies/${theirs.id}`)).status).toBe(404);
    expect((await call(h.app, 'POST', '/api/runs', { strategyId: theirs.id })).status).toBe(404);
  });

  it('refuses a malformed strategy with problem+json naming the field', async () => {
    const bad = structuredClone(smaCross);
    bad.nodes[1].id = 'has spaces';
    const res = await call(h.app, 'POST', '/api/strategies', { name: 'x', graph: bad });
    expect(res.status).toBe(400);
    expect(res.type).toContain('application/problem+json');
    expect(res.json.errors).toContainEqual(expect.objectContaining({ path: 'body.graph.nodes.1.id' }));
    const notJson = await h.app.request('/api/strategies', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":' });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ errors: [{ path: 'body' }] });
  });

  it('refuses a NUL character anywhere in a request with a 400 naming where, before it reaches the database', async () => {
    const created = await call(h.app, 'POST', '/api/strategies', { name: 'a\u0000b', graph: smaCross });
    expect(created.status).toBe(400);
    expect(created.json.errors).toEqual([{ path: 'body.name', message: expect.stringContaining('NUL') }]);
    const inGraph = structuredClone(smaCross);
    inGraph.nodes[1].params.note = 'x\u0000';
    expect((await call(h.app, 'POST', '/api/strategies', { name: 'ok', graph: inGraph })).json.errors).toEqual([{ path: 'body.graph.nodes.1.params.note', message: expect.any(String) }]);
    const query = await call(h.app, 'GET', '/api/strategies?q=%00');
    expect([query.status, query.json.errors]).toEqual([400, [{ path: 'query.q', message: expect.any(String) }]]);
    expect((await call(h.app, 'POST', '/api/datasets?name=a%00b', 'time,open,high,low,close,volume\n')).status).toBe(400);
    expect(await h.orm.em.fork().count(Strategy, { name: 'ok' })).toBe(0);
  });

  it('answers an unknown API path with a 404 problem for GET too, not the editor page', async () => {
    // As `npm start` serves it: with the editor, whose page is the fallback for client-side routes.
    const editorDir = mkdtempSync(join(tmpdir(), 'tradeloom-editor-'));
    writeFileSync(join(editorDir, 'index.html'), '<!doctype html><title>Tradeloom</title>');
    const log = pino({ level: 'silent' });
    const app = createApp({ orm: h.orm, dbKind: 'postgresql', registry, customNodes: createCustomNodeHost({ base: registry, log }), temporal: h.temporal, log, owner: LOCAL_OWNER, editorDir });
    for (const path of ['/api/runz', '/api/openapi.yaml', '/api/strategies/x/y/z']) {
      const res = await call(app, 'GET', path);
      expect([path, res.status, res.type]).toEqual([path, 404, 'application/problem+json']);
    }
    expect((await app.request('/deployments/abc')).headers.get('content-type')).toContain('text/html');
  });

  it('never leaks a stack trace from a 500', async () => {
    const broken = {
      ...createRegistry([]),
      catalog: () => {
        throw new Error('secret internal detail at /srv/app/file.ts:12');
      },
    };
    const h2 = await createHarness({ registry: broken });
    try {
      const res = await call(h2.app, 'GET', '/api/nodes');
      expect(res.status).toBe(500);
      expect(JSON.stringify(res.json)).not.toMatch(/secret|file\.ts|at /);
      expect(res.json).toMatchObject({ status: 500, title: 'Internal error' });
    } finally {
      await h2.close();
    }
  });

  it('uploads a CSV dataset and refuses a CSV full of NaN with the line and column', async () => {
    const good = 'time,open,high,low,close,volume\n2024-01-01,10,11,9,10.5,100\n2024-01-02,10.5,12,10,11,120\n';
    const ok = await call(h.app, 'POST', '/api/datasets?name=tiny.csv', good);
    expect(ok.status).toBe(201);
    expect(ok.json).toMatchObject({ name: 'tiny.csv', bars: 2, startTime: '2024-01-01T00:00:00.000Z' });
    const nan = 'time,open,high,low,close\n2024-01-01,10,11,9,10\n2024-01-02,NaN,11,9,10\n';
    const refused = await call(h.app, 'POST', '/api/datasets', nan);
    expect(refused.status).toBe(422);
    expect(refused.json.detail).toMatch(/line 3, open/);
    // Time stamps in microseconds were once read as milliseconds, and the year 55131 failed the INSERT (a 500).
    const micros = await call(h.app, 'POST', '/api/datasets?name=micros.csv', 'time,open,high,low,close\n1677628800000000,10,11,9,10\n1677628860000000,10,11,9,10\n');
    expect(micros.status).toBe(201);
    expect(micros.json).toMatchObject({ bars: 2, startTime: '2023-03-01T00:00:00.000Z', endTime: '2023-03-01T00:01:00.000Z' });
    const far = await call(h.app, 'POST', '/api/datasets', 'time,open,high,low,close\n2024-01-01,10,11,9,10\n9999-01-01,10,11,9,10\n');
    expect(far.status).toBe(422);
    expect(far.json.detail).toMatch(/line 3, time: "9999-01-01" reads as 9999-01-01T00:00:00.000Z, outside the years 1900–2199/);
    expect((await call(h.app, 'DELETE', `/api/datasets/${micros.json.id}`)).status).toBe(204);
    const listed = await call(h.app, 'GET', '/api/datasets');
    expect(listed.json.items).toHaveLength(1);
    expect((await call(h.app, 'DELETE', `/api/datasets/${ok.json.id}`)).status).toBe(204);
    expect((await call(h.app, 'GET', '/api/datasets')).json.items).toHaveLength(0);
    expect((await call(h.app, 'DELETE', `/api/datasets/${ok.json.id}`)).status).toBe(404);
  });

  it('refuses to run a graph with errors, naming the nodes, before anything starts', async () => {
    const cyclic = structuredClone(smaCross);
    cyclic.edges.push({ id: 'loop', source: { node: 'cross', port: 'above' }, target: { node: 'fast', port: 'source' } });
    cyclic.edges = cyclic.edges.filter((e: { id: string }) => e.id !== 'e1');
    const s = await call(h.app, 'POST', '/api/strategies', { name: 'broken', graph: cyclic });
    const res = await call(h.app, 'POST', '/api/runs', { strategyId: s.json.id });
    expect(res.status).toBe(422);
    expect(res.json.compileErrors.map((e: { nodeId?: string }) => e.nodeId)).toContain('fast');
    const runs = await call(h.app, 'GET', `/api/runs?strategyId=${s.json.id}`);
    expect(runs.json.items).toHaveLength(0);
  });

  it('runs a backtest through the workflow, streams progress and stores the same result the engine computes', async () => {
    const s = await call(h.app, 'POST', '/api/strategies', { name: 'run me', graph: smaCross });
    const started = await call(h.app, 'POST', '/api/runs', { strategyId: s.json.id, data: { kind: 'synthetic', seed: 11, bars: 300_000 } });
    expect(started.status).toBe(201);
    const runId = started.json.id;

    const events = await h.app.request(`/api/runs/${runId}/events`);
    expect(events.headers.get('content-type')).toContain('text/event-stream');
    const text = await events.text();
    const runs = [...text.matchAll(/^data: (.*)$/gm)].map((m) => JSON.parse(m[1]!));
    expect(runs.at(-1)).toMatchObject({ status: 'succeeded', progress: 1, barsTotal: 300_000 });

    const result = await call(h.app, 'GET', `/api/runs/${runId}/result`);
    expect(result.status).toBe(200);
    const compiled = compile(smaCross, registry);
    if (!compiled.ok) throw new Error('fixture must compile');
    const bars = await loadBars(chooseData(compiled.plan.data.request, { kind: 'synthetic', seed: 11, bars: 300_000 }), async () => undefined);
    const expected = await runBacktest(compiled.plan, bars);
    expect(result.json.metrics).toEqual(JSON.parse(JSON.stringify(expected.metrics)));
    expect(result.json.trades).toHaveLength(expected.trades.length);
    expect(result.json.equity.at(-1)).toEqual(expected.equity.at(-1));
    const run = await call(h.app, 'GET', `/api/runs/${runId}`);
    expect(run.json).toMatchObject({ status: 'succeeded', attempts: 1 });
    // The run records the data it resolved, not just the seed that was asked for.
    expect(run.json.data).toMatchObject({ kind: 'synthetic', seed: 11, bars: 300_000, startPrice: 100, intervalMinutes: 60 });
  });

  it('runs on an uploaded dataset and fails cleanly when a run names a missing one', async () => {
    const rows = ['time,open,high,low,close,volume'];
    let price = 100;
    for (let i = 0; i < 400; i++) {
      const next = price * (1 + 0.02 * Math.sin(i / 9));
      rows.push(`${1_700_000_000 + i * 3600},${price},${Math.max(price, next) + 0.5},${Math.min(price, next) - 0.5},${next},1000`);
      price = next;
    }
    const ds = await call(h.app, 'POST', '/api/datasets?name=waves.csv', rows.join('\n'));
    const s = await call(h.app, 'POST', '/api/strategies', { name: 'on csv', graph: smaCross });
    const started = await call(h.app, 'POST', '/api/runs', { strategyId: s.json.id, data: { kind: 'dataset', datasetId: ds.json.id } });
    const done = await waitFor('csv run to finish', async () => {
      const r = await call(h.app, 'GET', `/api/runs/${started.json.id}`);
      return ['succeeded', 'failed'].includes(r.json.status) ? r.json : undefined;
    });
    expect(done).toMatchObject({ status: 'succeeded', barsTotal: 400 });
    expect(done.metrics.trades).toBeGreaterThan(0);
    const missing = await call(h.app, 'POST', '/api/runs', { strategyId: s.json.id, data: { kind: 'dataset', datasetId: 'nope' } });
    expect(missing.status).toBe(422);
    expect(missing.json.errors[0].path).toBe('body.data.datasetId');
  });

  it('cancels a long run', async () => {
    // Slow on purpose (server/testing/slow-graph.ts): the plain crossover would finish before the cancel.
    const slow = slowGraph(smaCross);
    const s = await call(h.app, 'POST', '/api/strategies', { name: 'long', graph: slow });
    expect(s.status).toBe(201);
    const started = await call(h.app, 'POST', '/api/runs', { strategyId: s.json.id, data: { kind: 'synthetic', seed: 3, bars: 15_000_000 } });
    await waitFor('the run to start', async () => ((await call(h.app, 'GET', `/api/runs/${started.json.id}`)).json.barsDone > 0 ? true : undefined));
    expect((await call(h.app, 'POST', `/api/runs/${started.json.id}/cancel`)).status).toBe(202);
    const final = await waitFor('cancellation', async () => {
      const r = await call(h.app, 'GET', `/api/runs/${started.json.id}`);
      return r.json.status === 'running' || r.json.status === 'queued' ? undefined : r.json;
    });
    expect(final.status).toBe('cancelled');
    expect(final.barsDone).toBeLessThan(15_000_000);
    expect((await call(h.app, 'GET', `/api/runs/${started.json.id}/result`)).status).toBe(404);
    expect((await call(h.app, 'POST', `/api/runs/${started.json.id}/cancel`)).status).toBe(409);
  });
});
