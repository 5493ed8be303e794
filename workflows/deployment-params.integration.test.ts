import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineNode } from '../nodes/contract.ts';
import { registry } from '../nodes/index.ts';
import { createRegistry } from '../nodes/registry.ts';
import { Deployment, DeploymentEvent } from '../server/db/entities.ts';
import { call, createHarness, waitFor, type Harness } from '../server/testing/harness.ts';
import { roomyLimits } from './deployment-fixtures.ts';

/**
 * Changing a running deployment's params (POST /api/deployments/{id}/params) through its workflow, on
 * real Temporal and PostgreSQL: the strategy trades to the new target on the next bars, the change is
 * journalled, and every invalid change is refused before it reaches the workflow, with nothing changed.
 */

/**
 * A band whose params constrain each other (lo below hi). Built-in nodes have no such cross-field rule,
 * so this is how a change can pass the node's schema and still break the compile: a research range on
 * `hi` that no longer fits the new `lo`.
 */
const band = defineNode({
  type: 'math.testBand',
  version: 1,
  category: 'math',
  title: 'Test band',
  description: 'Clamps its input to [lo, hi].',
  docs: { example: 'test only', caveats: [] },
  inputs: { source: { kind: 'number', description: 'The series to clamp.' } },
  outputs: { value: { kind: 'number', description: 'The clamped series.' } },
  params: z.object({ lo: z.number().default(0), hi: z.number().default(10) }).refine((p) => p.lo < p.hi, { message: 'lo must be below hi', path: ['lo'] }),
  warmup: () => 0,
  init: () => ({}),
  step(_s, p, input, out) {
    out.value = Math.min(p.hi, Math.max(p.lo, input.source));
  },
});

const node = (id: string, type: string, params: object, extra: object = {}) => ({ id, type, params, position: { x: 0, y: 0 }, ...extra });
const edge = (id: string, from: [string, string], to: [string, string]) => ({ id, source: { node: from[0], port: from[1] }, target: { node: to[0], port: to[1] } });
/** Holds `units` from the first bar on; the band only exists to be changed. */
const hold = (units: number) => ({
  schemaVersion: 1,
  nodes: [
    node('data', 'data.synthetic', { seed: 5, bars: 3000 }),
    node('qty', 'math.constant', { value: units }),
    node('band', 'math.testBand', { lo: 0, hi: 200 }, { optimize: { hi: { values: [150, 200] } } }),
    // With a rebalance band the order follows Units as it changes; without one it holds the size taken at entry.
    node('order', 'order.targetPosition', { rebalanceBandPercent: 1 }),
  ],
  edges: [edge('e1', ['qty', 'value'], ['order', 'units']), edge('e2', ['data', 'close'], ['band', 'source'])],
});

describe('deployment parameter change (real Temporal, real PostgreSQL)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ registry: createRegistry([...registry.definitions, band]) });
    await h.startWorker();
  });
  afterAll(async () => {
    await h?.close();
  });

  const detail = async (id: string) => (await call(h.app, 'GET', `/api/deployments/${id}?limit=1000`)).json;

  async function deploy(name: string) {
    const strategy = await call(h.app, 'POST', '/api/strategies', { name, graph: hold(5) });
    expect(strategy.status).toBe(201);
    const created = await call(h.app, 'POST', '/api/deployments', {
      strategyId: strategy.json.id, mode: 'paper', symbol: 'SYN/USD',
      feed: { kind: 'replay', data: { kind: 'synthetic', seed: 5, bars: 3000 }, barsPerSecond: 10 },
      riskLimits: { ...roomyLimits, priceCollarPct: 7 },
    });
    expect(created.status).toBe(201);
    return created.json.id as string;
  }

  it('changes a node param and a limit on a running deployment: it trades to the new target and journals old → new', async () => {
    const id = await deploy('hold then more');
    await waitFor('the first position', async () => ((await detail(id)).position === 5 ? true : undefined), 60_000);

    const changed = await call(h.app, 'POST', `/api/deployments/${id}/params`, { params: { qty: { value: 8 } }, limits: { maxPosition: 50 }, by: 'quant desk' });
    expect(changed.status).toBe(200);
    expect(changed.json.riskLimits).toMatchObject({ maxPosition: 50, priceCollarPct: 7, maxOrderQuantity: roomyLimits.maxOrderQuantity });
    const at = changed.json.barsProcessed;

    const after = await waitFor('the new target', async () => {
      const d = await detail(id);
      return d.position === 8 && !d.orders.some((o: { status: string }) => o.status === 'pending') ? d : undefined;
    }, 60_000);
    expect(after.barsProcessed).toBeGreaterThan(at);
    expect(after.status).toBe('running');
    expect(after.denials).toEqual([]);

    const event = after.events.find((e: { code: string }) => e.code === 'PARAMS');
    expect(event).toMatchObject({ kind: 'control' });
    expect(event.message).toContain('quant desk');
    expect(event.message).toContain('qty.value 5 → 8');
    expect(event.message).toContain('limits.maxPosition 10000 → 50');
    const em = h.orm.em.fork();
    const stored = await em.findOneOrFail(DeploymentEvent, { deployment: id, code: 'PARAMS' });
    expect(stored.data).toEqual({ by: 'quant desk', params: { qty: { value: { from: 5, to: 8 } } }, limits: { maxPosition: { from: 10_000, to: 50 } } });
    const row = await em.findOneOrFail(Deployment, id);
    const qty = (row.graph.nodes as { id: string; params: Record<string, unknown> }[]).find((n) => n.id === 'qty')!;
    expect(qty.params).toEqual({ value: 8 });
    // The new limit binds: a target above it is refused by the gate, with its reason.
    expect((await call(h.app, 'POST', `/api/deployments/${id}/params`, { params: { qty: { value: 60 } } })).status).toBe(200);
    const denied = await waitFor('the max-position denial', async () => {
      const d = await detail(id);
      return d.denials.some((e: { code: string }) => e.code === 'MAX_POSITION') ? d : undefined;
    }, 60_000);
    expect(denied.position).toBe(8);

    // A paused deployment takes a change too (applied between steps; it trades on resume).
    expect((await call(h.app, 'POST', `/api/deployments/${id}/pause`)).json.status).toBe('paused');
    const whilePaused = await call(h.app, 'POST', `/api/deployments/${id}/params`, { params: { qty: { value: 3 } } });
    expect(whilePaused.status).toBe(200);
    expect(whilePaused.json.status).toBe('paused');
    expect((await call(h.app, 'POST', `/api/deployments/${id}/resume`)).json.status).toBe('running');
    await waitFor('the target after resuming', async () => ((await detail(id)).position === 3 ? true : undefined), 60_000);

    await call(h.app, 'POST', `/api/deployments/${id}/stop`);
  });

  it('refuses unknown nodes, params failing their schema, data nodes, bad limits and changes that break the compile; nothing changes', async () => {
    const id = await deploy('refusals');
    await waitFor('a few bars', async () => ((await detail(id)).barsProcessed >= 3 ? true : undefined), 60_000);
    const before = await h.orm.em.fork().findOneOrFail(Deployment, id);
    const send = (body: unknown) => call(h.app, 'POST', `/api/deployments/${id}/params`, body);

    const unknown = await send({ params: { nope: { value: 1 } } });
    expect(unknown.status).toBe(422);
    expect(unknown.type).toContain('application/problem+json');
    expect(unknown.json.errors).toEqual([{ path: 'params.nope', nodeId: 'nope', message: expect.stringContaining('no node "nope"') }]);

    const badParam = await send({ params: { qty: { value: 'lots' } } });
    expect(badParam.status).toBe(422);
    expect(badParam.json.errors).toEqual([{ path: 'params.qty.value', nodeId: 'qty', message: expect.stringMatching(/^Constant "qty" value: /) }]);

    const crossField = await send({ params: { band: { lo: 500 } } });
    expect(crossField.status).toBe(422);
    expect(crossField.json.errors[0]).toMatchObject({ path: 'params.band.lo', nodeId: 'band', message: expect.stringContaining('lo must be below hi') });

    // lo 170 is below hi 200, so the node's schema takes it; its research range (hi 150) no longer fits.
    const breaks = await send({ params: { band: { lo: 170 } } });
    expect(breaks.status).toBe(422);
    expect(breaks.json.errors[0]).toMatchObject({ path: 'params.band', nodeId: 'band', message: expect.stringContaining('does not compile') });

    const dataNode = await send({ params: { data: { seed: 6 } } });
    expect(dataNode.status).toBe(422);
    expect(dataNode.json.errors[0]).toMatchObject({ path: 'params.data', message: expect.stringContaining('data source') });

    // Several problems at once are all named, and the valid part is not applied on its own.
    // A limit is checked by the schema the limits use at creation, so a bad one is a 400 and the rest is not applied either.
    const mixed = await send({ params: { qty: { value: 9 } }, limits: { maxPosition: -1 } });
    expect(mixed.status).toBe(400);
    expect(mixed.json.errors).toEqual([{ path: expect.stringContaining('limits.maxPosition'), message: expect.any(String) }]);

    // Other malformed bodies are the schema's 400 too: a misspelt limit, nothing to change, a bad node id.
    expect((await send({ limits: { maxPositon: 5 } })).status).toBe(400);
    expect((await send({})).status).toBe(400);
    expect((await send({ params: { 'bad id!': { value: 1 } } })).status).toBe(400);
    expect((await call(h.app, 'POST', `/api/deployments/${crypto.randomUUID()}/params`, { params: { qty: { value: 1 } } })).status).toBe(404);

    const after = await h.orm.em.fork().findOneOrFail(Deployment, id);
    expect(after.graph).toEqual(before.graph);
    expect(after.riskLimits).toEqual(before.riskLimits);
    expect((await detail(id)).events.filter((e: { code: string }) => e.code === 'PARAMS')).toEqual([]);

    expect((await call(h.app, 'POST', `/api/deployments/${id}/stop`)).json.status).toBe('stopped');
    const stopped = await send({ params: { qty: { value: 9 } } });
    expect(stopped.status).toBe(409);
    expect(stopped.type).toContain('application/problem+json');
  });
});
