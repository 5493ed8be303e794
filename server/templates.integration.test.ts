import { beforeEach, describe, expect, it } from 'vitest';
import { Graph } from '../engine/graph.ts';
import { findTemplate, templates } from './templates/index.ts';
import { call, useHarness, waitFor, type Harness } from './testing/harness.ts';

describe('templates API against real PostgreSQL and Temporal', () => {
  const stack = useHarness();
  // Read through a getter so every test sees the harness made in beforeAll.
  let h: Harness;
  beforeEach(() => {
    h = stack();
  });

  it('lists every template with its card fields and node count, without the graph', async () => {
    const res = await call(h.app, 'GET', '/api/templates');
    expect(res.status).toBe(200);
    expect(res.json.items.map((t: { id: string }) => t.id)).toEqual(templates.map((t) => t.id));
    const rsi = res.json.items.find((t: { id: string }) => t.id === 'rsi-with-stop');
    const source = findTemplate('rsi-with-stop')!;
    expect(rsi).toEqual({
      id: source.id,
      version: source.version,
      author: source.author,
      name: source.name,
      summary: source.summary,
      description: source.description,
      tags: source.tags,
      nodeCount: source.graph.nodes.length,
    });
    const doc = await call(h.app, 'GET', '/api/openapi.json');
    expect(Object.keys(doc.json.paths)).toEqual(expect.arrayContaining(['/api/templates', '/api/strategies/from-template']));
    expect(Object.keys(doc.json.components.schemas)).toEqual(expect.arrayContaining(['TemplateSummary', 'TemplateUse', 'StrategyFromTemplate']));
  });

  it('creates a strategy from a template: a saved copy of its graph, naming the template and version in the reply', async () => {
    const source = findTemplate('rsi-with-stop')!;
    const created = await call(h.app, 'POST', '/api/strategies/from-template', { templateId: 'rsi-with-stop' });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: source.name, template: { id: 'rsi-with-stop', version: source.version } });
    expect(created.json.graph).toEqual(Graph.parse(source.graph));

    // Stored as an ordinary strategy: the graph schema is unchanged and carries no template field.
    const read = await call(h.app, 'GET', `/api/strategies/${created.json.id}`);
    expect(read.json.graph).toEqual(created.json.graph);
    expect(read.json.template).toBeUndefined();
    expect((await call(h.app, 'GET', '/api/strategies')).json.items.map((s: { id: string }) => s.id)).toContain(created.json.id);

    // A copy: editing it leaves the template and later copies alone.
    const edited = structuredClone(read.json.graph);
    edited.nodes[0].params.seed = 7;
    expect((await call(h.app, 'PUT', `/api/strategies/${created.json.id}`, { graph: edited })).status).toBe(200);
    const again = await call(h.app, 'POST', '/api/strategies/from-template', { templateId: 'rsi-with-stop', name: '  My RSI  ' });
    expect(again.json.name).toBe('My RSI');
    expect(again.json.id).not.toBe(created.json.id);
    expect(again.json.graph.nodes[0].params.seed).toBe(source.graph.nodes[0]!.params.seed);

    // Ready to run on its own synthetic data.
    const started = await call(h.app, 'POST', '/api/runs', { strategyId: created.json.id });
    expect(started.status).toBe(201);
    const done = await waitFor('the template run to finish', async () => {
      const r = await call(h.app, 'GET', `/api/runs/${started.json.id}`);
      return ['succeeded', 'failed'].includes(r.json.status) ? r.json : undefined;
    });
    expect(done).toMatchObject({ status: 'succeeded', barsTotal: 5000 });
    expect(done.metrics.trades).toBeGreaterThan(0);
  });

  it('refuses an unknown or malformed template id and a blank name with problem+json naming the field', async () => {
    const unknown = await call(h.app, 'POST', '/api/strategies/from-template', { templateId: 'no-such-template' });
    expect(unknown.status).toBe(404);
    expect(unknown.type).toContain('application/problem+json');
    expect(unknown.json.errors).toEqual([{ path: 'body.templateId', message: 'no such template' }]);

    const malformed = await call(h.app, 'POST', '/api/strategies/from-template', { templateId: 'Not An Id' });
    expect(malformed.status).toBe(400);
    expect(malformed.json.errors).toContainEqual(expect.objectContaining({ path: 'body.templateId' }));

    const blank = await call(h.app, 'POST', '/api/strategies/from-template', { templateId: 'breakout', name: '   ' });
    expect(blank.status).toBe(400);
    expect(blank.json.errors).toContainEqual({ path: 'body.name', message: 'give the strategy a name' });

    const missing = await call(h.app, 'POST', '/api/strategies/from-template', {});
    expect(missing.status).toBe(400);
    expect(missing.json.errors).toContainEqual(expect.objectContaining({ path: 'body.templateId' }));
  });
});
