import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../scripts/test-services.ts';
import { Strategy, StrategyVersion } from '../db/entities.ts';
import { openDatabase } from '../db/orm.ts';
import { preHistoryMessage } from '../strategy-store.ts';
import { findTemplate } from '../templates/index.ts';
import { call, useHarness, type Harness } from '../testing/harness.ts';

const smaCross = JSON.parse(readFileSync(new URL('../../docs/examples/sma-crossover.json', import.meta.url), 'utf8'));

/** The crossover with the slow SMA's period changed, and one node and its wire removed. */
function edited(period: number) {
  const g = structuredClone(smaCross);
  g.nodes.find((n: { id: string }) => n.id === 'slow').params.period = period;
  g.nodes = g.nodes.filter((n: { id: string }) => n.id !== 'gate');
  g.edges = g.edges.filter((e: { id: string }) => e.id !== 'e7');
  return g;
}

const slowPeriod = (graph: { nodes: { id: string; params: { period?: number } }[] }) => graph.nodes.find((n) => n.id === 'slow')?.params.period;

describe('strategy library and versions against real PostgreSQL', () => {
  const stack = useHarness();
  let h: Harness;
  beforeEach(() => {
    h = stack();
  });

  const create = async (name: string, graph: unknown = smaCross) => {
    const res = await call(h.app, 'POST', '/api/strategies', { name, graph });
    expect(res.status).toBe(201);
    return res.json as { id: string; name: string; version: number };
  };

  /** A strategy of another owner, with its version 1, written straight to the database. */
  const theirs = async (name = 'Private') => {
    const em = h.orm.em.fork();
    const s = em.create(Strategy, { owner: 'someone-else', name, graph: smaCross, latestVersion: 1 });
    em.create(StrategyVersion, { owner: 'someone-else', strategy: s, number: 1, name, graph: smaCross, description: null, message: null, restoredFrom: null });
    await em.flush();
    return s.id;
  };

  it('records every save as a numbered version, skips a save that changes nothing, and reads each version back', async () => {
    const s = await create('Versioned');
    expect(s.version).toBe(1);

    const v2 = await call(h.app, 'PUT', `/api/strategies/${s.id}`, { name: 'Versioned', graph: edited(30) });
    expect(v2.status).toBe(200);
    expect(v2.json.version).toBe(2);
    const v3 = await call(h.app, 'PUT', `/api/strategies/${s.id}`, { name: 'Versioned', graph: edited(40), message: 'slower exit' });
    expect(v3.json.version).toBe(3);

    // The same name and graph again is not a new version; a rename alone is not either.
    expect((await call(h.app, 'PUT', `/api/strategies/${s.id}`, { name: 'Versioned', graph: edited(40) })).json.version).toBe(3);
    const renamed = await call(h.app, 'PUT', `/api/strategies/${s.id}`, { name: 'Versioned (renamed)' });
    expect(renamed.json).toMatchObject({ name: 'Versioned (renamed)', version: 3 });
    // …but saving the graph under the new name is.
    expect((await call(h.app, 'PUT', `/api/strategies/${s.id}`, { name: 'Versioned (renamed)', graph: edited(40) })).json.version).toBe(4);

    const list = await call(h.app, 'GET', `/api/strategies/${s.id}/versions`);
    expect(list.status).toBe(200);
    expect(list.json.items.map((v: { number: number }) => v.number)).toEqual([4, 3, 2, 1]);
    expect(list.json.items[1]).toMatchObject({ number: 3, name: 'Versioned', message: 'slower exit', restoredFrom: null, nodeCount: 5, edgeCount: 6 });
    expect(list.json.items[3]).toMatchObject({ number: 1, nodeCount: 6, edgeCount: 7 });
    expect(Date.parse(list.json.items[0].createdAt)).toBeGreaterThanOrEqual(Date.parse(list.json.items[3].createdAt));

    const first = await call(h.app, 'GET', `/api/strategies/${s.id}/versions/1`);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ strategyId: s.id, number: 1, name: 'Versioned' });
    expect(slowPeriod(first.json.graph)).toBe(50);
    expect(first.json.graph.nodes).toHaveLength(6);
    expect(slowPeriod((await call(h.app, 'GET', `/api/strategies/${s.id}/versions/2`)).json.graph)).toBe(30);
  });

  it('restores an old version as a new one, leaving the history in between untouched', async () => {
    const s = await create('Restorable');
    await call(h.app, 'PUT', `/api/strategies/${s.id}`, { name: 'Restorable', graph: edited(30) });
    await call(h.app, 'PUT', `/api/strategies/${s.id}`, { name: 'Renamed later', graph: edited(40) });

    const restored = await call(h.app, 'POST', `/api/strategies/${s.id}/versions/1/restore`);
    expect(restored.status).toBe(201);
    // The graph comes back; the current name stays.
    expect(restored.json).toMatchObject({ id: s.id, name: 'Renamed later', version: 4 });
    expect(restored.json.graph.nodes).toHaveLength(6);
    expect(slowPeriod(restored.json.graph)).toBe(50);
    expect(slowPeriod((await call(h.app, 'GET', `/api/strategies/${s.id}`)).json.graph)).toBe(50);

    const list = (await call(h.app, 'GET', `/api/strategies/${s.id}/versions`)).json.items;
    expect(list.map((v: { number: number }) => v.number)).toEqual([4, 3, 2, 1]);
    expect(list[0]).toMatchObject({ restoredFrom: 1, message: 'Restored from version 1', nodeCount: 6 });
    expect(slowPeriod((await call(h.app, 'GET', `/api/strategies/${s.id}/versions/3`)).json.graph)).toBe(40);
    const v1 = (await call(h.app, 'GET', `/api/strategies/${s.id}/versions/1`)).json.graph;
    const v4 = (await call(h.app, 'GET', `/api/strategies/${s.id}/versions/4`)).json.graph;
    expect(v4).toEqual(v1);

    const withNote = await call(h.app, 'POST', `/api/strategies/${s.id}/versions/3/restore`, { message: 'back to the slow exit' });
    expect(withNote.json.version).toBe(5);
    expect((await call(h.app, 'GET', `/api/strategies/${s.id}/versions/5`)).json).toMatchObject({ message: 'back to the slow exit', restoredFrom: 3 });
  });

  it('gives concurrent saves distinct, gap-free version numbers', async () => {
    const s = await create('Busy');
    const saves = await Promise.all([20, 21, 22, 23, 24, 25, 26, 27].map((p) => call(h.app, 'PUT', `/api/strategies/${s.id}`, { graph: edited(p) })));
    expect(saves.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(saves.map((r) => r.json.version).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    const list = (await call(h.app, 'GET', `/api/strategies/${s.id}/versions`)).json.items;
    expect(list.map((v: { number: number }) => v.number)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
  });

  it('refuses a save edited from an older version (two tabs), so neither edit is silently undone', async () => {
    const s = await create('Two tabs');
    // Tabs A and B both opened version 1; A saves first.
    const a = await call(h.app, 'PUT', `/api/strategies/${s.id}`, { name: 'Two tabs', graph: edited(30), baseVersion: 1 });
    expect(a.status).toBe(200);
    expect(a.json.version).toBe(2);
    const b = await call(h.app, 'PUT', `/api/strategies/${s.id}`, { name: 'Two tabs', graph: edited(90), baseVersion: 1 });
    expect(b.status).toBe(409);
    expect(b.type).toMatch(/problem\+json/);
    expect(b.json).toMatchObject({ latestVersion: 2, detail: expect.stringMatching(/saved as version 2 since version 1/) });
    // A's version is the newest, unchanged; nothing was appended.
    const now = (await call(h.app, 'GET', `/api/strategies/${s.id}`)).json;
    expect(now.version).toBe(2);
    expect(slowPeriod(now.graph)).toBe(30);
    // B saving what version 2 already holds loses nothing, and goes through without a new version.
    expect((await call(h.app, 'PUT', `/api/strategies/${s.id}`, { name: 'Two tabs', graph: edited(30), baseVersion: 1 })).json.version).toBe(2);
    // B chooses to replace it: a save without baseVersion (A's edit stays in the history as version 2).
    const forced = await call(h.app, 'PUT', `/api/strategies/${s.id}`, { name: 'Two tabs', graph: edited(90) });
    expect(forced.json.version).toBe(3);
    expect(slowPeriod((await call(h.app, 'GET', `/api/strategies/${s.id}/versions/2`)).json.graph)).toBe(30);
    // A rename alone never conflicts: it changes no graph.
    expect((await call(h.app, 'PUT', `/api/strategies/${s.id}`, { name: 'Renamed', baseVersion: 1 })).status).toBe(200);
    // Of saves racing from the same version, exactly one goes through.
    const racing = await Promise.all([91, 92, 93, 94].map((p) => call(h.app, 'PUT', `/api/strategies/${s.id}`, { graph: edited(p), baseVersion: 3 })));
    expect(racing.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
    expect((await call(h.app, 'GET', `/api/strategies/${s.id}`)).json.version).toBe(4);
    // A version it never had is a client's mistake, not a save made elsewhere.
    const future = await call(h.app, 'PUT', `/api/strategies/${s.id}`, { graph: edited(95), baseVersion: 999 });
    expect([future.status, future.json.latestVersion, future.json.errors[0].path]).toEqual([422, 4, 'body.baseVersion']);
    expect((await call(h.app, 'GET', `/api/strategies/${s.id}`)).json.version).toBe(4);
  });

  it('never stores a secret pasted where a webhook alert names one: create, save and import are refused', async () => {
    const alert = (secretName: string) => ({
      nodes: [{ id: 'alert', type: 'output.webhookAlert', params: { url: 'https://hooks.example.com/x', secretName } }],
      edges: [],
    });
    const pasted = 'my-real-secret-value-123456';
    const created = await call(h.app, 'POST', '/api/strategies', { name: 'leaky', graph: alert(pasted) });
    expect(created.status).toBe(400);
    expect(created.json.errors).toEqual([{ path: 'body.graph.nodes.0.params.secretName', message: expect.stringContaining('the secret itself stays on the server') }]);
    expect(JSON.stringify((await call(h.app, 'GET', '/api/strategies')).json)).not.toContain(pasted);

    const named = await call(h.app, 'POST', '/api/strategies', { name: 'named', graph: alert('DESK_2') });
    expect(named.status).toBe(201);
    const saved = await call(h.app, 'PUT', `/api/strategies/${named.json.id}`, { graph: alert(pasted) });
    expect(saved.status).toBe(400);
    expect(saved.json.errors[0].path).toBe('body.graph.nodes.0.params.secretName');
    const file = { format: 'tradeloom.strategy', formatVersion: 1, name: 'imported', graph: alert(pasted) };
    expect((await call(h.app, 'POST', '/api/strategies/import', file)).status).toBe(400);
    const versions = await call(h.app, 'GET', `/api/strategies/${named.json.id}/versions`);
    expect(JSON.stringify(versions.json)).not.toContain(pasted);
  });

  it('refuses bad version numbers and bodies with problem+json naming the field', async () => {
    const s = await create('Strict');
    const zero = await call(h.app, 'GET', `/api/strategies/${s.id}/versions/0`);
    expect(zero.status).toBe(400);
    expect(zero.type).toContain('application/problem+json');
    expect(zero.json.errors).toContainEqual(expect.objectContaining({ path: 'param.number' }));
    expect((await call(h.app, 'GET', `/api/strategies/${s.id}/versions/abc`)).json.errors).toContainEqual(expect.objectContaining({ path: 'param.number' }));
    expect((await call(h.app, 'GET', `/api/strategies/not-a-uuid/versions`)).json.errors).toContainEqual(expect.objectContaining({ path: 'param.id' }));

    const missing = await call(h.app, 'GET', `/api/strategies/${s.id}/versions/99`);
    expect(missing.status).toBe(404);
    expect(missing.json.detail).toContain('Version 99');
    expect((await call(h.app, 'POST', `/api/strategies/${s.id}/versions/99/restore`)).status).toBe(404);
    expect((await call(h.app, 'GET', `/api/strategies/${s.id}/versions`)).json.items).toHaveLength(1);

    const longNote = await call(h.app, 'PUT', `/api/strategies/${s.id}`, { graph: smaCross, message: 'x'.repeat(501) });
    expect(longNote.status).toBe(400);
    expect(longNote.json.errors).toContainEqual(expect.objectContaining({ path: 'body.message' }));
    const badRestore = await call(h.app, 'POST', `/api/strategies/${s.id}/versions/1/restore`, { message: 42 });
    expect(badRestore.status).toBe(400);
    expect(badRestore.json.errors).toContainEqual(expect.objectContaining({ path: 'body.message' }));
    const badQuery = await call(h.app, 'GET', `/api/strategies?q=${'x'.repeat(201)}`);
    expect(badQuery.status).toBe(400);
    expect(badQuery.json.errors).toContainEqual(expect.objectContaining({ path: 'query.q' }));
  });

  it('searches by name, in any case, matching % and _ literally', async () => {
    const a = await create('Search: Golden CROSS');
    // Most recent first needs b to be later than a: on a fast machine the two can land in one millisecond.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const b = await create('Search: golden ratio');
    const c = await create('Search: 100% momentum_x');
    await theirs('Search: golden (not mine)');
    const names = async (q: string) => (await call(h.app, 'GET', `/api/strategies?q=${encodeURIComponent(q)}`)).json.items.map((s: { id: string }) => s.id);
    expect(await names('search: golden')).toEqual([b.id, a.id]);
    expect(await names('CROSS')).toEqual([a.id]);
    expect(await names('100%')).toEqual([c.id]);
    expect(await names('m_x')).toEqual([c.id]);
    expect(await names('Search: g%n')).toEqual([]);
    expect(await names('nothing like this')).toEqual([]);
    const all = (await call(h.app, 'GET', '/api/strategies')).json.items;
    expect(all.map((s: { id: string }) => s.id)).toEqual(expect.arrayContaining([a.id, b.id, c.id]));
    expect(all.find((s: { id: string }) => s.id === a.id)).toMatchObject({ name: 'Search: Golden CROSS', version: 1 });
  });

  it('duplicates the newest version into a new strategy with its own history', async () => {
    const s = await create('Original');
    await call(h.app, 'PUT', `/api/strategies/${s.id}`, { graph: edited(30) });
    const copy = await call(h.app, 'POST', `/api/strategies/${s.id}/duplicate`);
    expect(copy.status).toBe(201);
    expect(copy.json).toMatchObject({ name: 'Original (copy)', version: 1 });
    expect(copy.json.id).not.toBe(s.id);
    expect(slowPeriod(copy.json.graph)).toBe(30);
    const history = (await call(h.app, 'GET', `/api/strategies/${copy.json.id}/versions`)).json.items;
    expect(history).toEqual([expect.objectContaining({ number: 1, message: 'Duplicated from “Original” version 2' })]);

    expect((await call(h.app, 'POST', `/api/strategies/${s.id}/duplicate`, {})).json.name).toBe('Original (copy 2)');
    expect((await call(h.app, 'POST', `/api/strategies/${s.id}/duplicate`, { name: 'Experiment' })).json.name).toBe('Experiment');
    // A JSON content type with an empty body (what generated clients send) is no body, not malformed JSON.
    const empty = await h.app.request(`/api/strategies/${s.id}/duplicate`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '0' } });
    expect(empty.status).toBe(201);
    expect((await empty.json()).name).toBe('Original (copy 3)');
    const blank = await call(h.app, 'POST', `/api/strategies/${s.id}/duplicate`, { name: '  ' });
    expect(blank.status).toBe(400);
    expect(blank.json.errors).toContainEqual(expect.objectContaining({ path: 'body.name' }));
    // Editing the copy leaves the original alone.
    await call(h.app, 'PUT', `/api/strategies/${copy.json.id}`, { graph: edited(99) });
    expect(slowPeriod((await call(h.app, 'GET', `/api/strategies/${s.id}`)).json.graph)).toBe(30);
  });

  it('exports a file to download and imports it back as a new strategy', async () => {
    const fromTemplate = await call(h.app, 'POST', '/api/strategies/from-template', { templateId: 'rsi-with-stop', name: 'Export me' });
    expect(fromTemplate.status).toBe(201);
    const id = fromTemplate.json.id;
    await call(h.app, 'PUT', `/api/strategies/${id}`, { graph: { ...fromTemplate.json.graph, nodes: fromTemplate.json.graph.nodes.slice(0, 3), edges: [] } });

    const res = await h.app.request(`/api/strategies/${id}/export`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="export-me.json"; filename*=UTF-8''Export%20me.json`);
    const doc = await res.json();
    expect(doc).toMatchObject({ format: 'tradeloom.strategy', formatVersion: 1, name: 'Export me' });
    expect(doc.description).toBe(findTemplate('rsi-with-stop')!.description);
    expect(doc.graph.nodes).toHaveLength(3);
    expect(Date.parse(doc.exportedAt)).toBeGreaterThan(Date.now() - 60_000);

    const old = await h.app.request(`/api/strategies/${id}/export?version=1`);
    expect(old.headers.get('content-disposition')).toContain('filename="export-me-v1.json"');
    expect((await old.json()).graph.nodes).toHaveLength(fromTemplate.json.graph.nodes.length);
    expect((await call(h.app, 'GET', `/api/strategies/${id}/export?version=9`)).status).toBe(404);
    expect((await call(h.app, 'GET', `/api/strategies/${id}/export?version=first`)).json.errors).toContainEqual(expect.objectContaining({ path: 'query.version' }));

    // A name in use gets "(imported)", then "(imported 2)"; the graph and description come through.
    const imported = await call(h.app, 'POST', '/api/strategies/import', doc);
    expect(imported.status).toBe(201);
    expect(imported.json).toMatchObject({ name: 'Export me (imported)', version: 1 });
    expect(imported.json.graph).toEqual(doc.graph);
    const v1 = (await call(h.app, 'GET', `/api/strategies/${imported.json.id}/versions/1`)).json;
    expect(v1.description).toBe(doc.description);
    expect(v1.message).toContain('Imported from a file');
    expect((await call(h.app, 'POST', '/api/strategies/import', doc)).json.name).toBe('Export me (imported 2)');
    const fresh = await call(h.app, 'POST', '/api/strategies/import', { ...doc, name: 'Never seen before', description: undefined, exportedAt: undefined });
    expect(fresh.json.name).toBe('Never seen before');
    // Another owner's strategy of the same name is invisible, so no suffix.
    await theirs('Only theirs');
    expect((await call(h.app, 'POST', '/api/strategies/import', { ...doc, name: 'Only theirs' })).json.name).toBe('Only theirs');
  });

  it('refuses a bad strategy file with problem+json naming the path', async () => {
    const doc = { format: 'tradeloom.strategy', formatVersion: 1, name: 'Bad', description: null, graph: structuredClone(smaCross) };
    const refuse = async (body: unknown, path: string) => {
      const res = await call(h.app, 'POST', '/api/strategies/import', body);
      expect(res.status).toBe(400);
      expect(res.type).toContain('application/problem+json');
      expect(res.json.title).toBe('Invalid strategy file');
      expect(res.json.errors).toContainEqual(expect.objectContaining({ path }));
      return res.json;
    };
    const wrongFormat = await refuse({ ...doc, format: 'something.else' }, 'body.format');
    expect(wrongFormat.detail).toContain('not a Tradeloom strategy file');
    expect((await refuse({ ...doc, formatVersion: 2 }, 'body.formatVersion')).detail).toContain('format version 1');
    await refuse({ ...doc, name: '' }, 'body.name');
    const badNode = structuredClone(doc);
    badNode.graph.nodes[2].id = 'has spaces';
    await refuse(badNode, 'body.graph.nodes.2.id');
    const badEdge = structuredClone(doc);
    delete (badEdge.graph.edges[0] as { source?: unknown }).source;
    await refuse(badEdge, 'body.graph.edges.0.source');
    await refuse({ ...doc, graph: undefined }, 'body.graph');
    await refuse([], 'body');

    const notJson = await h.app.request('/api/strategies/import', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"format": "tradeloom.strategy",' });
    expect(notJson.status).toBe(400);
    expect(notJson.headers.get('content-type')).toContain('application/problem+json');
    expect(await notJson.json()).toMatchObject({ errors: [{ path: 'body', message: 'malformed JSON' }] });
    expect((await call(h.app, 'GET', '/api/strategies?q=Bad')).json.items).toEqual([]);
  });

  it("answers 404 for another owner's strategy on every library and version route", async () => {
    const id = await theirs();
    const routes: [string, string, unknown?][] = [
      ['GET', `/api/strategies/${id}/versions`],
      ['GET', `/api/strategies/${id}/versions/1`],
      ['POST', `/api/strategies/${id}/versions/1/restore`],
      ['POST', `/api/strategies/${id}/duplicate`],
      ['GET', `/api/strategies/${id}/export`],
      ['PUT', `/api/strategies/${id}`, { graph: smaCross }],
    ];
    for (const [method, path, body] of routes) {
      const res = await call(h.app, method, path, body);
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
      expect(res.type).toContain('application/problem+json');
    }
    // Nothing was written to their history.
    const em = h.orm.em.fork();
    expect(await em.count(StrategyVersion, { strategy: id })).toBe(1);
    expect((await call(h.app, 'GET', '/api/strategies?q=Private')).json.items).toEqual([]);
  });

  it('records version 1 lazily for a strategy written without one, so its graph stays in the history', async () => {
    const em = h.orm.em.fork();
    const legacy = em.create(Strategy, { owner: 'local', name: 'Legacy', graph: smaCross });
    await em.flush();
    expect(legacy.latestVersion).toBe(0);

    const saved = await call(h.app, 'PUT', `/api/strategies/${legacy.id}`, { graph: edited(30) });
    expect(saved.json.version).toBe(2);
    const list = (await call(h.app, 'GET', `/api/strategies/${legacy.id}/versions`)).json.items;
    expect(list).toEqual([expect.objectContaining({ number: 2 }), expect.objectContaining({ number: 1, message: preHistoryMessage, nodeCount: 6 })]);

    const other = em.create(Strategy, { owner: 'local', name: 'Legacy read', graph: smaCross });
    await em.flush();
    const listed = (await call(h.app, 'GET', `/api/strategies/${other.id}/versions`)).json.items;
    expect(listed).toEqual([expect.objectContaining({ number: 1, message: preHistoryMessage })]);
    expect((await call(h.app, 'GET', `/api/strategies/${other.id}`)).json.version).toBe(1);
  });

  it('gives templates and deleted strategies the right history', async () => {
    const made = await call(h.app, 'POST', '/api/strategies/from-template', { templateId: 'breakout' });
    const v1 = (await call(h.app, 'GET', `/api/strategies/${made.json.id}/versions/1`)).json;
    expect(v1.message).toMatch(/^Created from the “.+” template, version \d+$/);
    expect(v1.description).toBe(findTemplate('breakout')!.description);

    await call(h.app, 'PUT', `/api/strategies/${made.json.id}`, { graph: smaCross });
    expect((await call(h.app, 'DELETE', `/api/strategies/${made.json.id}`)).status).toBe(204);
    expect((await call(h.app, 'GET', `/api/strategies/${made.json.id}/versions`)).status).toBe(404);
    expect(await h.orm.em.fork().count(StrategyVersion, { strategy: made.json.id })).toBe(0);
  });

  it('migrates strategies saved before versions existed into version 1, and back down', async () => {
    const db = await createTestDatabase();
    const { orm } = await openDatabase({ databaseUrl: db.url, dataDir: '/nonexistent' });
    try {
      await orm.migrator.down({ to: 'Migration20261122000000_initial' });
      const conn = orm.em.getConnection();
      const updatedAt = '2026-01-02T03:04:05.000Z';
      for (const [id, name] of [
        ['00000000-0000-4000-8000-000000000001', 'Before versions A'],
        ['00000000-0000-4000-8000-000000000002', 'Before versions B'],
      ]) {
        await conn.execute(`insert into "strategies" ("id", "owner", "name", "graph", "created_at", "updated_at") values (?, 'local', ?, ?, ?, ?)`, [
          id,
          name,
          JSON.stringify(smaCross),
          '2026-01-01T00:00:00.000Z',
          updatedAt,
        ]);
      }
      await orm.migrator.up();
      const em = orm.em.fork();
      const versions = await em.find(StrategyVersion, {}, { orderBy: { name: 'asc' }, populate: ['strategy'] });
      expect(versions.map((v) => [v.strategy.id, v.number, v.name, v.message])).toEqual([
        ['00000000-0000-4000-8000-000000000001', 1, 'Before versions A', preHistoryMessage],
        ['00000000-0000-4000-8000-000000000002', 1, 'Before versions B', preHistoryMessage],
      ]);
      expect(versions[0]!.graph).toEqual(smaCross);
      expect(versions[0]!.createdAt.toISOString()).toBe(updatedAt);
      expect((await em.find(Strategy, {})).map((s) => s.latestVersion)).toEqual([1, 1]);
      expect((await orm.schema.getUpdateSchemaSQL()).replace(/set names 'utf8';/, '').trim()).toBe('');
    } finally {
      await orm.close();
      await db.drop();
    }
  });
});
