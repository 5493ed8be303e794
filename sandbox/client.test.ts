import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ema as builtinEma } from '../nodes/indicator/ema/index.ts';
import { Sandbox, SandboxError, SandboxPool, type LoadedNode } from './client.ts';
import { customEmaSource, nodeSource } from './testing/sources.ts';

/** The built-in EMA stepped over a series on the host: the reference the custom node must match bit for bit. */
function builtinEmaSeries(xs: Float64Array, period: number): Float64Array {
  const params = { period };
  const state = builtinEma.init(params, { source: true });
  const out = { value: NaN };
  const result = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    builtinEma.step(state, params, { source: xs[i] }, out, {} as never);
    result[i] = out.value;
  }
  return result;
}

const series = Float64Array.from({ length: 10_000 }, (_, i) => (i % 997 === 500 ? NaN : 100 + 10 * Math.sin(i / 50) + (i % 7)));

async function rejection(p: Promise<unknown>): Promise<SandboxError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(SandboxError);
  return e as SandboxError;
}

describe('Sandbox', () => {
  let sandbox: Sandbox;
  let ema: LoadedNode;
  beforeAll(async () => {
    sandbox = new Sandbox({ limits: { maxBatchBars: 1_000 } });
    ema = await sandbox.load(customEmaSource);
  }, 60_000);
  afterAll(() => sandbox.close());

  it('loads a node into validated, content-addressed metadata', async () => {
    expect(ema.id).toMatch(/^[0-9a-f]{64}$/);
    expect(ema).toMatchObject({ type: 'customEma', title: 'Custom EMA', defaults: { period: 20 } });
    expect(Object.getPrototypeOf(ema.inputs)).toBeNull();
    expect({ ...ema.inputs }).toEqual({ source: { kind: 'number', description: 'The series to smooth.' } });
    expect(ema.params.properties.period).toEqual({ type: 'integer', minimum: 1, maximum: 10_000, default: 20, description: 'Number of bars.' });
    expect(await sandbox.load(customEmaSource)).toBe(ema);
    expect(ema.paramsSchema.parse({})).toEqual({ period: 20 });
  });

  it('validates params on the host with the zod schema built from the node', async () => {
    const e = await rejection(sandbox.createInstance(ema.id, { period: 0 }));
    expect(e.code).toBe('ParamsInvalid');
    expect(e.message).toMatch(/^ParamsInvalid: params\.period: /);
    expect((await rejection(sandbox.createInstance(ema.id, { period: 5, extra: 1 }))).code).toBe('ParamsInvalid');
    expect((await rejection(sandbox.createInstance('nope'))).code).toBe('InvalidRequest');
  });

  it('matches the built-in EMA bit for bit, across batches and chunks, with state kept in the sandbox', async () => {
    const h = await sandbox.createInstance(ema.id, { period: 14 });
    const first = await sandbox.runBatch(h, { source: series.subarray(0, 3_500) }, 3_500);
    const second = await sandbox.runBatch(h, { source: series.subarray(3_500) }, series.length - 3_500);
    const got = new Float64Array(series.length);
    got.set(first.value, 0);
    got.set(second.value, 3_500);
    const want = builtinEmaSeries(series, 14);
    for (let i = 0; i < series.length; i++) expect(Object.is(got[i], want[i]), `bar ${i}`).toBe(true);
    await sandbox.dispose(h);
  });

  it('refuses malformed batches on the host', async () => {
    const h = await sandbox.createInstance(ema.id);
    expect((await rejection(sandbox.runBatch(h, {}, 1))).message).toBe('InvalidRequest: input "source" must be a Float64Array');
    expect((await rejection(sandbox.runBatch(h, { source: new Float64Array(2) }, 3))).message).toContain('has 2 values; 3 requested');
    expect((await rejection(sandbox.runBatch(h, { source: new Float64Array(2), other: new Float64Array(2) }, 2))).message).toContain('unknown input port "other"');
    expect((await rejection(sandbox.runBatch(h, { source: new Float64Array(2) }, 1.5))).code).toBe('InvalidRequest');
    expect(Object.keys(await sandbox.runBatch(h, { source: new Float64Array(0) }, 0))).toEqual(['value']);
  });

  it('carries bool ports as 1/0/NaN and refuses other numbers on a bool output', async () => {
    const node = await sandbox.load(
      nodeSource({ inputs: `{ on: { kind: 'bool' }, x: { kind: 'price' } }`, outputs: `{ above: { kind: 'bool' }, gated: { kind: 'number' } }`, step: 'out.above = input.x > 10; out.gated = input.on === 1 ? input.x : NaN;' }),
    );
    const h = await sandbox.createInstance(node.id);
    const out = await sandbox.runBatch(h, { on: new Float64Array([1, 0, NaN]), x: new Float64Array([5, 20, 30]) }, 3);
    expect(Array.from(out.above)).toEqual([0, 1, 1]);
    expect(Array.from(out.gated)).toEqual([5, NaN, NaN]);
    const bad = await sandbox.load(nodeSource({ outputs: `{ flag: { kind: 'bool' } }`, step: 'out.flag = 2;' }));
    const hb = await sandbox.createInstance(bad.id);
    expect((await rejection(sandbox.runBatch(hb, { x: new Float64Array(1) }, 1))).message).toBe('NodeError: output "flag" at bar 0 must be true, false, 1, 0 or NaN, got number');
  });

  it('reports definition mistakes with the node API’s own message', async () => {
    const cases: [string, RegExp][] = [
      [nodeSource({ outputs: '{}' }), /outputs: needs at least 1 port|a node needs at least one output/],
      [nodeSource({ inputs: `{ x: { kind: 'bars' } }` }), /inputs\.x\.kind must be 'price', 'number' or 'bool'/],
      [`import { defineNode, z } from 'tradeloom/node';\nexport default defineNode({ type: 'a', title: 'A', description: '', inputs: {}, outputs: { v: { kind: 'number' } }, params: z.object({ n: z.number() }), init: () => 0, step() {} });`, /param "n" needs a \.default/],
      [`import { defineNode, z } from 'tradeloom/node';\nexport default defineNode({ type: 'a', title: 'A', description: '', inputs: {}, outputs: { v: { kind: 'number' } }, params: z.object({ s: z.string().default('x') }), init: () => 0, step() {} });`, /z\.string\(\) is not supported in custom nodes: params are z\.number\(\), z\.boolean\(\) or z\.enum\(\[\.\.\.\]\)/],
      [`export const x = 1;`, /the module must `export default defineNode/],
      [`const x: number = ;`, /^SourceRejected: line 1:/],
    ];
    for (const [source, message] of cases) expect((await rejection(sandbox.load(source))).message).toMatch(message);
  });

  it('snapshots state, bar counter and random generator, and restores them in another process', async () => {
    const node = await sandbox.load(nodeSource({ init: 'return { sum: 0 };', step: 's.sum += input.x; out.value = s.sum + Math.random() + ctx.bar * 1000;' }));
    const xs = Float64Array.from({ length: 100 }, (_, i) => i);
    const whole = await sandbox.runBatch(await sandbox.createInstance(node.id, {}, { seed: 7 }), { x: xs }, 100);
    const h = await sandbox.createInstance(node.id, {}, { seed: 7 });
    const head = await sandbox.runBatch(h, { x: xs.subarray(0, 40) }, 40);
    const snap = await sandbox.snapshot(h);
    const other = new Sandbox();
    try {
      await other.load(nodeSource({ init: 'return { sum: 0 };', step: 's.sum += input.x; out.value = s.sum + Math.random() + ctx.bar * 1000;' }));
      const restored = await other.createInstance(node.id, {}, { snapshot: snap });
      const tail = await other.runBatch(restored, { x: xs.subarray(40) }, 60);
      expect([...head.value, ...tail.value]).toEqual([...whole.value]);
    } finally {
      await other.close();
    }
  }, 30_000);
});

describe('determinism', () => {
  const randomNode = nodeSource({ inputs: '{}', step: 'out.value = Math.random();' });

  it('gives identical outputs in two separate sandboxes, and seeds Math.random', async () => {
    const a = new Sandbox();
    const b = new Sandbox();
    try {
      const [na, nb] = await Promise.all([a.load(customEmaSource), b.load(customEmaSource)]);
      const [ha, hb] = await Promise.all([a.createInstance(na.id, { period: 9 }), b.createInstance(nb.id, { period: 9 })]);
      const [oa, ob] = await Promise.all([a.runBatch(ha, { source: series }, series.length), b.runBatch(hb, { source: series }, series.length)]);
      expect(Buffer.from(oa.value.buffer).equals(Buffer.from(ob.value.buffer))).toBe(true);

      const ra = await a.load(randomNode);
      await b.load(randomNode);
      const draw = async (s: Sandbox, seed: number) => Array.from((await s.runBatch(await s.createInstance(ra.id, {}, { seed }), {}, 5)).value);
      const first = await draw(a, 42);
      expect(await draw(b, 42)).toEqual(first);
      expect(await draw(a, 43)).not.toEqual(first);
      for (const x of first) expect(x >= 0 && x < 1).toBe(true);
      expect(new Set(first).size).toBe(5);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  }, 60_000);

  it('keeps instances apart: module-level state is per instance, so interleaving does not matter', async () => {
    const s = new Sandbox();
    try {
      const node = await s.load(nodeSource({ top: 'let calls = 0;', step: 'calls++; out.value = calls;' }));
      const [h1, h2] = [await s.createInstance(node.id), await s.createInstance(node.id)];
      await s.runBatch(h1, { x: new Float64Array(3) }, 3);
      expect(Array.from((await s.runBatch(h2, { x: new Float64Array(3) }, 3)).value)).toEqual([1, 2, 3]);
    } finally {
      await s.close();
    }
  }, 30_000);
});

describe('resilience', () => {
  const slow = nodeSource({ step: 'let x = 0; for (let i = 0; i < 3e6; i++) x += i; out.value = x;' });

  it('rejects calls in flight with SandboxCrashed when the process dies, restarts it, and reloads nodes on demand', async () => {
    const events: string[] = [];
    const s = new Sandbox({ onEvent: (e) => events.push(e.type) });
    try {
      const node = await s.load(slow);
      const h = await s.createInstance(node.id);
      const pid = s.info.pid!;
      const inFlight = s.runBatch(h, { x: new Float64Array(400) }, 400);
      setTimeout(() => process.kill(pid, 'SIGKILL'), 50);
      const started = performance.now();
      const e = await rejection(inFlight);
      expect(e.message).toMatch(/^SandboxCrashed: the sandbox process exited \(SIGKILL\).* \(during "run"\)$/);
      expect(performance.now() - started).toBeLessThan(2_000);
      expect((await rejection(s.runBatch(h, { x: new Float64Array(1) }, 1))).message).toMatch(/^InstanceLost: instance \d+ was lost with its state when the sandbox process restarted/);
      const again = await s.createInstance(node.id);
      expect((await s.runBatch(again, { x: new Float64Array(1) }, 1)).value[0]).toBe(4.4999985e12);
      expect(s.info.pid).not.toBe(pid);
      expect(s.info.restarts).toBe(1);
      expect(events).toEqual(['started', 'crashed', 'started']);
    } finally {
      await s.close();
    }
  }, 30_000);

  it('kills a process that stops answering (SIGSTOP) at the host deadline instead of hanging', async () => {
    const s = new Sandbox({ limits: { callTimeoutMs: 200, hostMarginMs: 500 } });
    try {
      const node = await s.load(customEmaSource);
      const h = await s.createInstance(node.id);
      process.kill(s.info.pid!, 'SIGSTOP');
      const started = performance.now();
      const e = await rejection(s.runBatch(h, { source: new Float64Array(10) }, 10));
      expect(e.message).toBe('SandboxCrashed: the sandbox process did not answer "run" within 700 ms and was killed (during "run")');
      expect(performance.now() - started).toBeLessThan(2_000);
      const fresh = await s.createInstance(node.id, { period: 1 });
      expect(Array.from((await s.runBatch(fresh, { source: new Float64Array([3]) }, 1)).value)).toEqual([3]);
    } finally {
      await s.close();
    }
  }, 30_000);

  it('kills a process whose resident memory passes the limit', async () => {
    const probe = new Sandbox();
    await probe.load(customEmaSource);
    const rssMb = Number(/VmRSS:\s*(\d+)/.exec(readFileSync(`/proc/${probe.info.pid}/status`, 'utf8'))![1]) / 1024;
    await probe.close();
    const limit = Math.ceil(rssMb + 60);
    const s = new Sandbox({ limits: { processRssMb: limit, isolateMemoryMb: 1_024, callTimeoutMs: 10_000 } });
    try {
      const node = await s.load(nodeSource({ init: 'return { a: [] as number[][] };', step: 'for (let i = 0; i < 400; i++) s.a.push(new Array(1e5).fill(i + ctx.bar));' }));
      const h = await s.createInstance(node.id);
      const e = await rejection(s.runBatch(h, { x: new Float64Array(10) }, 10));
      expect(e.message).toMatch(new RegExp(`^SandboxCrashed: the sandbox process used \\d+ MB of memory; the limit is ${limit} MB`));
    } finally {
      await s.close();
    }
  }, 60_000);

  it('rejects everything after close', async () => {
    const s = new Sandbox();
    await s.close();
    expect((await rejection(s.load(customEmaSource))).message).toBe('InvalidRequest: the sandbox is closed');
  });
});

describe('SandboxPool', () => {
  it('spreads instances over processes and routes handles to their owner', async () => {
    const pool = new SandboxPool(2);
    try {
      const node = await pool.load(customEmaSource);
      const handles = await Promise.all([1, 2, 3, 4].map(() => pool.createInstance(node.id, { period: 3 })));
      const outs = await Promise.all(handles.map((h) => pool.runBatch(h, { source: new Float64Array([1, 2, 3, 4]) }, 4)));
      for (const o of outs) expect(Array.from(o.value)).toEqual([NaN, NaN, 2, 3]);
      expect(pool.sandboxes.map((s) => s.info.pid).filter(Boolean)).toHaveLength(2);
      const stranger = await new Sandbox().createInstance('x').catch((e: SandboxError) => e);
      expect(stranger).toBeInstanceOf(SandboxError);
      await Promise.all(handles.map((h) => pool.dispose(h)));
    } finally {
      await pool.close();
    }
  }, 60_000);
});
