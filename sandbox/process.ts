/**
 * The sandbox process: started by sandbox/client.ts through sandbox/launch.ts with an empty
 * environment, OS limits and Node's permission model (read access to this folder, the isolated-vm
 * addon and typescript only; no writes, no child processes, no workers). It talks to the host over
 * fd 3 (protocol.ts) and runs each custom node definition in its own isolated-vm isolate, each instance
 * in its own context of that isolate, so instances never share globals and stay deterministic.
 *
 * Requests are handled one at a time, in order; the host times each one and kills this process if a
 * deadline passes. Nothing here is reachable from user code: isolates only get copies of numbers and
 * strings, never a Reference or ExternalCopy.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Socket } from 'node:net';
import type IVM from 'isolated-vm';
import type TS from 'typescript';
import { SandboxError } from './errors.ts';
import { MAX_META_BYTES, MAX_SNAPSHOT_BYTES, type SandboxLimits } from './limits.ts';
import { encodeFrame, FrameReader, type Frame, type Request } from './protocol.ts';
import { createTranspiler } from './transpile.ts';

/** What the host passes as argv[2] (JSON): absolute paths it resolved, and the limits. */
export interface ChildConfig {
  addon: string;
  typescript: string;
  limits: SandboxLimits;
}

const config = JSON.parse(process.argv[2] ?? '') as ChildConfig;
const limits = config.limits;
const load = createRequire(import.meta.url);
const ivm = (load(config.addon) as { ivm: typeof IVM }).ivm;
const runtimeSource = readFileSync(new URL('./api/runtime.js', import.meta.url), 'utf8');
let transpile: ReturnType<typeof createTranspiler> | null = null;

interface Definition {
  js: string;
  isolate: IVM.Isolate | null;
  runtime: IVM.Script | null;
  module: IVM.Script | null;
  outputs: number;
  instances: Set<number>;
}
interface Instance {
  def: Definition;
  defId: string;
  context: IVM.Context;
  run: IVM.Reference<(buf: Float64Array, n: number) => Float64Array | string>;
  snapshot: IVM.Reference<() => string>;
  /** Why the instance cannot run any more (a timeout or error left its state half-updated). */
  broken: string | null;
}
const definitions = new Map<string, Definition>();
const instances = new Map<number, Instance>();

/** The isolate of a definition, recreated if a memory overrun disposed it. */
function isolateOf(def: Definition): { isolate: IVM.Isolate; runtime: IVM.Script; module: IVM.Script } {
  if (!def.isolate || def.isolate.isDisposed) {
    if (liveIsolates() >= limits.maxIsolates) evictIdle(def);
    if (liveIsolates() >= limits.maxIsolates) throw new SandboxError('InvalidRequest', `${limits.maxIsolates} node definitions have live instances in this sandbox process`);
    // A catastrophic error means V8 lost control of an isolate: end the process; the host restarts it.
    def.isolate = new ivm.Isolate({ memoryLimit: limits.isolateMemoryMb, onCatastrophicError: () => process.abort() });
    def.runtime = def.isolate.compileScriptSync(runtimeSource, { filename: 'tradeloom-node-api.js' });
    try {
      def.module = def.isolate.compileScriptSync(`(function (exports, require, module) {${def.js}\n})`, { filename: 'custom-node.js' });
    } catch (e) {
      throw new SandboxError('SourceRejected', `could not compile: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { isolate: def.isolate, runtime: def.runtime!, module: def.module! };
}

function liveIsolates(): number {
  let n = 0;
  for (const d of definitions.values()) if (d.isolate && !d.isolate.isDisposed) n++;
  return n;
}

/** Frees the isolates of definitions with no instances; their JS stays here and a new isolate is made on demand. */
function evictIdle(keep: Definition): void {
  for (const d of definitions.values()) {
    if (d !== keep && d.instances.size === 0 && d.isolate && !d.isolate.isDisposed) {
      d.isolate.dispose();
      d.isolate = d.runtime = d.module = null;
    }
  }
}

/** Turns an isolated-vm failure into the sandbox error that says what happened. */
function classify(e: unknown, def: Definition, what: string, timeoutMs = limits.callTimeoutMs): SandboxError {
  if (e instanceof SandboxError) return e;
  if (def.isolate?.isDisposed) {
    for (const id of def.instances) instances.delete(id);
    def.instances.clear();
    return new SandboxError('MemoryLimit', `${what} used more than ${limits.isolateMemoryMb} MB; its isolate was disposed`);
  }
  const message = e instanceof Error ? e.message : String(e);
  if (/timed out/i.test(message)) return new SandboxError('Timeout', `${what} ran longer than ${timeoutMs} ms and was stopped`);
  return new SandboxError('NodeError', `${what} failed: ${message.slice(0, 500)}`);
}

/** A fresh context with the node API, the seeded Math.random and the user's module evaluated. */
function makeContext(def: Definition, seed: number, timeout: number) {
  const { isolate, runtime, module } = isolateOf(def);
  const context = isolate.createContextSync();
  try {
    const bootstrap = runtime.runSync(context, { reference: true, timeout }) as IVM.Reference<(seed: number) => unknown>;
    const api = bootstrap.applySync(undefined, [seed], { result: { reference: true }, timeout }) as IVM.Reference<Record<string, unknown>>;
    const fn = (name: string) => api.getSync(name, { reference: true }) as IVM.Reference<never>;
    const moduleFn = module.runSync(context, { reference: true, timeout }) as IVM.Reference<() => void>;
    const problem = (fn('load') as IVM.Reference<(m: unknown) => string>).applySync(undefined, [moduleFn.derefInto()], { timeout });
    if (problem) throw new SandboxError('DefinitionInvalid', problem);
    return { context, fn };
  } catch (e) {
    context.release();
    throw e;
  }
}

type Reply = { header: Record<string, unknown>; payload?: Float64Array };

function onLoad(defId: string, source: unknown): Reply {
  if (definitions.has(defId)) throw new SandboxError('InvalidRequest', `definition ${defId} is already loaded`);
  if (!transpile) transpile = createTranspiler(load(config.typescript) as typeof TS);
  const { js } = transpile(source);
  const def: Definition = { js, isolate: null, runtime: null, module: null, outputs: 0, instances: new Set() };
  let context: IVM.Context | null = null;
  try {
    const made = makeContext(def, 0, limits.loadTimeoutMs);
    context = made.context;
    const meta = (made.fn('meta') as IVM.Reference<() => string>).applySync(undefined, [], { timeout: limits.loadTimeoutMs });
    if (typeof meta !== 'string') throw new SandboxError('DefinitionInvalid', 'the definition could not be read');
    if (meta.startsWith('E')) throw new SandboxError('DefinitionInvalid', meta.slice(1));
    if (meta.length > MAX_META_BYTES) throw new SandboxError('DefinitionInvalid', `the definition is ${meta.length} bytes as JSON; the limit is ${MAX_META_BYTES}`);
    def.outputs = Object.keys((JSON.parse(meta) as { outputs: object }).outputs).length;
    definitions.set(defId, def);
    return { header: { meta } };
  } catch (e) {
    // Classified before this dispose, which would make any failure read as the memory limit (a disposed
    // isolate is how that limit shows); and an isolate the limit already disposed is not disposed twice
    // (that threw "Isolate is already disposed" in place of the real reason).
    const err = classify(e, def, 'loading the node', limits.loadTimeoutMs);
    if (def.isolate && !def.isolate.isDisposed) def.isolate.dispose();
    throw err;
  } finally {
    if (context && def.isolate && !def.isolate.isDisposed) context.release();
  }
}

function onCreate(msg: { def: string; inst: number; params: unknown; seed: number; snapshot?: string }): Reply {
  const def = definitions.get(msg.def);
  if (!def) throw new SandboxError('InvalidRequest', `definition ${msg.def} is not loaded`);
  if (instances.has(msg.inst)) throw new SandboxError('InvalidRequest', `instance ${msg.inst} exists`);
  try {
    const { context, fn } = makeContext(def, msg.seed, limits.callTimeoutMs);
    const problem = (fn('create') as IVM.Reference<(p: string, s: string) => string>).applySync(undefined, [JSON.stringify(msg.params), msg.snapshot ?? ''], {
      timeout: limits.callTimeoutMs,
    });
    if (problem) {
      context.release();
      if (problem.startsWith('P')) throw new SandboxError('ParamsInvalid', problem.slice(1));
      throw new SandboxError('NodeError', `init failed: ${problem.slice(1)}`);
    }
    instances.set(msg.inst, { def, defId: msg.def, context, run: fn('run'), snapshot: fn('snapshot'), broken: null });
    def.instances.add(msg.inst);
    return { header: {} };
  } catch (e) {
    throw classify(e, def, 'creating the instance');
  }
}

function instanceOf(id: number): Instance {
  const inst = instances.get(id);
  if (!inst) throw new SandboxError('InstanceLost', `instance ${id} does not exist (disposed, or its isolate was disposed)`);
  if (inst.broken) throw new SandboxError('InstanceLost', `instance ${id} cannot run after an earlier failure: ${inst.broken}`);
  return inst;
}

/**
 * Batches run asynchronously (on isolated-vm's thread) so this process keeps reading the next batch
 * and writing the last result while the node computes: transfer and compute overlap.
 */
async function onRun(msg: { inst: number; n: number }, payload: Float64Array | null): Promise<Reply> {
  const inst = instanceOf(msg.inst);
  const n = msg.n;
  try {
    const columns = payload ?? new Float64Array(0);
    const arg = new ivm.ExternalCopy(columns).copyInto({ release: true, transferIn: true });
    const result = (await inst.run.apply(undefined, [arg as never, n], { timeout: limits.callTimeoutMs, result: { copy: true } })) as unknown;
    if (typeof result === 'string') throw new SandboxError('NodeError', result);
    if (!(result instanceof Float64Array) || result.length !== inst.def.outputs * n) throw new SandboxError('NodeError', 'the batch runner returned a malformed result');
    return { header: { n }, payload: result };
  } catch (e) {
    const err = classify(e, inst.def, 'the node');
    inst.broken = err.message;
    throw err;
  }
}

function onSnapshot(msg: { inst: number }): Reply {
  const inst = instanceOf(msg.inst);
  try {
    const snap = inst.snapshot.applySync(undefined, [], { timeout: limits.callTimeoutMs });
    if (typeof snap !== 'string') throw new SandboxError('NodeError', 'snapshot failed');
    if (snap.startsWith('E')) throw new SandboxError('NodeError', `state could not be saved: ${snap.slice(1)}`);
    if (snap.length > MAX_SNAPSHOT_BYTES) throw new SandboxError('NodeError', `state is ${snap.length} bytes as JSON; the limit is ${MAX_SNAPSHOT_BYTES}`);
    return { header: { snapshot: snap } };
  } catch (e) {
    throw classify(e, inst.def, 'saving state');
  }
}

function onDispose(msg: { inst: number }): Reply {
  const inst = instances.get(msg.inst);
  if (inst) {
    instances.delete(msg.inst);
    inst.def.instances.delete(msg.inst);
    if (inst.def.isolate && !inst.def.isolate.isDisposed) inst.context.release();
  }
  return { header: {} };
}

function onUnload(msg: { def: string }): Reply {
  const def = definitions.get(msg.def);
  if (def) {
    for (const id of def.instances) instances.delete(id);
    definitions.delete(msg.def);
    if (def.isolate && !def.isolate.isDisposed) def.isolate.dispose();
  }
  return { header: {} };
}

function handle({ header, payload }: Frame): Reply | Promise<Reply> {
  // The host is the only peer and builds these from typed code; an unknown op is still refused.
  const msg = header as Request;
  switch (msg.op) {
    case 'load':
      return onLoad(msg.def, msg.source);
    case 'create':
      return onCreate(msg);
    case 'run':
      return onRun(msg, payload);
    case 'snapshot':
      return onSnapshot(msg);
    case 'dispose':
      return onDispose(msg);
    case 'unload':
      return onUnload(msg);
    default:
      throw new SandboxError('InvalidRequest', `unknown operation ${String((msg as { op: unknown }).op)}`);
  }
}

const socket = new Socket({ fd: 3, readable: true, writable: true });
function send(header: object, payload?: Float64Array | null): void {
  for (const b of encodeFrame(header, payload)) socket.write(b);
}
// The host's frames: a batch of MAX_PORTS columns plus a header that may carry a 256 KB source.
// Requests are served strictly in order, one at a time: the host times the one at the head.
let chain: Promise<void> = Promise.resolve();
async function serve(frame: Frame): Promise<void> {
  const seq = (frame.header as { seq: number }).seq;
  try {
    const reply = await handle(frame);
    send({ seq, ok: true, ...reply.header }, reply.payload);
  } catch (e) {
    const err = e instanceof SandboxError ? e : new SandboxError('NodeError', e instanceof Error ? e.message : String(e));
    send({ seq, ok: false, code: err.code, message: err.message.slice(err.code.length + 2) });
  }
}
const reader = new FrameReader(limits.maxBatchBars * 16 * 8 + 4 * 1024 * 1024, (frame) => {
  chain = chain.then(() => serve(frame));
});
socket.on('data', (chunk: Buffer) => {
  try {
    reader.push(chunk);
  } catch {
    process.exit(65);
  }
});
// The host went away: nothing left to serve.
socket.on('end', () => process.exit(0));
socket.on('error', () => process.exit(0));
send({ op: 'ready' });
