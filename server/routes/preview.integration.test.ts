import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticBars } from '../../engine/bars.ts';
import type { GraphInput } from '../../engine/graph.ts';
import { call, useHarness, type Harness } from '../testing/harness.ts';

const example = JSON.parse(readFileSync(new URL('../../docs/examples/sma-crossover.json', import.meta.url), 'utf8')) as GraphInput;

/** A simple moving average the slow, obvious way, to check the preview against. */
function sma(close: readonly number[], period: number): (number | null)[] {
  return close.map((_, i) => (i + 1 < period ? null : close.slice(i + 1 - period, i + 1).reduce((a, b) => a + b, 0) / period));
}

const near = (a: readonly (number | null)[], b: readonly (number | null)[]) =>
  a.length === b.length && a.every((v, i) => (v === null ? b[i] === null : b[i] !== null && Math.abs(v - b[i]!) < 1e-9 * Math.max(1, Math.abs(v))));

describe('POST /api/preview against real PostgreSQL', () => {
  const stack = useHarness();
  let h: Harness;
  beforeAll(() => {
    h = stack();
  });

  it('previews an SMA of a compiling strategy on the graph’s own synthetic data', async () => {
    const res = await call(h.app, 'POST', '/api/preview', { graph: example, nodeId: 'slow', bars: 300 });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ ok: true, nodeId: 'slow', complete: true, warmup: 49, data: { kind: 'synthetic' } });
    expect(res.json.close).toHaveLength(300);
    expect(res.json.time).toHaveLength(300);
    // The graph's own seed: the bars are the first 300 the backtest would see.
    const bars = syntheticBars({ seed: 42, bars: 300, startPrice: 100, drift: 0.05, volatility: 0.6, intervalMinutes: 60, startTime: Date.parse('2024-01-01T00:00:00Z') });
    expect(res.json.close[10]).toBeCloseTo(bars.close[10]!, 9);
    const [value] = res.json.outputs;
    // SMA outputs a plain number; it tracks the close, so it is drawn over it.
    expect(value).toMatchObject({ port: 'value', kind: 'number', pane: 'price' });
    expect(value.values[48]).toBeNull();
    expect(near(value.values, sma(res.json.close, 50))).toBe(true);
  });

  it('previews a logic node’s conditions in a pane of their own', async () => {
    const res = await call(h.app, 'POST', '/api/preview', { graph: example, nodeId: 'cross', bars: 500 });
    expect(res.status).toBe(200);
    // An RSI is a number that does not track the price: its own pane.
    const withRsi = structuredClone(example);
    withRsi.nodes.push({ id: 'rsi', type: 'indicator.rsi', params: {} });
    withRsi.edges.push({ id: 'e9', source: { node: 'data', port: 'close' }, target: { node: 'rsi', port: 'source' } });
    const rsi = await call(h.app, 'POST', '/api/preview', { graph: withRsi, nodeId: 'rsi', bars: 300 });
    expect(rsi.json.outputs[0]).toMatchObject({ kind: 'number', pane: 'own' });
    expect(res.json.outputs.map((o: { port: string; kind: string; pane: string }) => [o.port, o.kind, o.pane])).toEqual([
      ['above', 'bool', 'own'],
      ['below', 'bool', 'own'],
    ]);
    const above = res.json.outputs[0].values as (number | null)[];
    const fast = sma(res.json.close, 10);
    const slow = sma(res.json.close, 50);
    // Every bar flagged "crossed above" has fast above slow now and not above it a bar before.
    const flagged = above.flatMap((v, i) => (v === 1 ? [i] : []));
    expect(flagged.length).toBeGreaterThan(0);
    for (const i of flagged) {
      expect(fast[i]!).toBeGreaterThan(slow[i]!);
      expect(fast[i - 1]!).toBeLessThanOrEqual(slow[i - 1]!);
    }
  });

  it('previews the upstream part of an unfinished strategy, without needing an order node', async () => {
    const unfinished: GraphInput = {
      nodes: [
        { id: 'data', type: 'data.synthetic', params: { seed: 3, bars: 5000 } },
        { id: 'avg', type: 'indicator.sma', params: { period: 5 } },
        { id: 'loose', type: 'indicator.rsi', params: {} },
      ],
      edges: [{ id: 'e1', source: { node: 'data', port: 'close' }, target: { node: 'avg', port: 'source' } }],
    };
    const res = await call(h.app, 'POST', '/api/preview', { graph: unfinished, nodeId: 'avg' });
    expect(res.status).toBe(200);
    expect(res.json.complete).toBe(false);
    expect(res.json.close).toHaveLength(500);
    expect(near(res.json.outputs[0].values, sma(res.json.close, 5))).toBe(true);

    // The unwired RSI cannot run: the problem names its missing input, and the data it lacks.
    // That is an answer, not a failed request: the editor asks while the user is still wiring.
    const loose = await call(h.app, 'POST', '/api/preview', { graph: unfinished, nodeId: 'loose' });
    expect(loose.status).toBe(200);
    expect(loose.json.ok).toBe(false);
    expect(loose.json.errors.map((e: { code: string; nodeId?: string }) => [e.code, e.nodeId])).toEqual([
      ['missing_input', 'loose'],
      ['no_data_source', undefined],
    ]);
  });

  it('runs on the last bars of the strategy’s dataset', async () => {
    const rows = ['time,open,high,low,close,volume'];
    for (let i = 0; i < 60; i++) rows.push(`${Date.UTC(2024, 0, 1) + i * 86_400_000},${100 + i},${101 + i},${99 + i},${100.5 + i},1000`);
    const uploaded = await call(h.app, 'POST', '/api/datasets?name=ramp.csv', rows.join('\n') + '\n');
    expect(uploaded.status).toBe(201);
    const graph: GraphInput = {
      nodes: [
        { id: 'csv', type: 'data.csv', params: { dataset: uploaded.json.id } },
        { id: 'avg', type: 'indicator.sma', params: { period: 2 } },
      ],
      edges: [{ id: 'e1', source: { node: 'csv', port: 'close' }, target: { node: 'avg', port: 'source' } }],
    };
    const res = await call(h.app, 'POST', '/api/preview', { graph, nodeId: 'avg', bars: 20 });
    expect(res.status).toBe(200);
    expect(res.json.data.kind).toBe('dataset');
    expect(res.json.close).toEqual(Array.from({ length: 20 }, (_, i) => 140.5 + i));
    expect(res.json.outputs[0].values[1]).toBeCloseTo(141, 9);

    // A dataset that no longer exists falls back to the default synthetic series rather than failing.
    const gone = structuredClone(graph);
    gone.nodes[0]!.params = { dataset: '00000000-0000-4000-8000-000000000000' };
    const fallback = await call(h.app, 'POST', '/api/preview', { graph: gone, nodeId: 'avg', bars: 50 });
    expect(fallback.status).toBe(200);
    expect(fallback.json.data).toMatchObject({ kind: 'synthetic' });
    expect(fallback.json.data.label).toContain('default synthetic series');
    expect(fallback.json.close).toHaveLength(50);
  });

  it('refuses what it cannot preview with problem+json', async () => {
    const missing = await call(h.app, 'POST', '/api/preview', { graph: example, nodeId: 'nope' });
    expect(missing.status).toBe(404);
    expect(missing.type).toContain('application/problem+json');

    const order = await call(h.app, 'POST', '/api/preview', { graph: example, nodeId: 'order' });
    expect(order.status).toBe(422);
    expect(order.type).toContain('application/problem+json');
    expect(order.json.detail).toContain('no output a chart can draw');

    const tooLong = await call(h.app, 'POST', '/api/preview', { graph: example, nodeId: 'slow', bars: 5000 });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.errors[0].path).toBe('body.bars');

    const invalid = await call(h.app, 'POST', '/api/preview', { graph: { nodes: 'x', edges: [] }, nodeId: 'a' });
    expect(invalid.status).toBe(200);
    expect(invalid.json).toMatchObject({ ok: false, errors: [expect.objectContaining({ code: 'invalid_graph' })] });
  });

  it('is documented in the OpenAPI description', async () => {
    const doc = await call(h.app, 'GET', '/api/openapi.json');
    expect(doc.json.paths['/api/preview'].post.responses).toHaveProperty('200');
    expect(doc.json.components.schemas).toHaveProperty('Preview');
    expect(doc.json.components.schemas).toHaveProperty('PreviewBlocked');
  });
});
