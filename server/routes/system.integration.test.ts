import { beforeEach, describe, expect, it } from 'vitest';
import { registry } from '../../nodes/index.ts';
import { useHarness, type Harness } from '../testing/harness.ts';

describe('GET /api/nodes caching', () => {
  const stack = useHarness();
  let h: Harness;
  beforeEach(() => {
    h = stack();
  });

  it('answers a repeat request for an unchanged catalog with 304 and no body, and a changed one in full', async () => {
    const first = await h.app.request('/api/nodes');
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toContain('application/json');
    expect(first.headers.get('cache-control')).toBe('no-cache');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const catalog = (await first.json()) as { nodes: { type: string }[]; settingsSchema: { properties: object } };
    expect(catalog.nodes.map((n) => n.type)).toEqual(registry.definitions.map((d) => d.type));
    expect(catalog.settingsSchema.properties).toHaveProperty('commissionBps');

    const again = await h.app.request('/api/nodes', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(await again.text()).toBe('');

    // A stale tag (the catalog the browser holds is another one) gets the whole catalog again.
    const stale = await h.app.request('/api/nodes', { headers: { 'if-none-match': '"something-else"' } });
    expect(stale.status).toBe(200);
    expect(stale.headers.get('etag')).toBe(etag);
    expect(((await stale.json()) as { nodes: unknown[] }).nodes).toHaveLength(registry.definitions.length);
  });
});
