/**
 * The host side of the custom-node sandbox: `Sandbox` supervises one sandbox process, `SandboxPool`
 * spreads instances over several. Everything that comes back is validated here (zod for headers and
 * definitions, exact lengths for batches) and handed out as null-prototype objects of fresh
 * Float64Arrays.
 *
 * Guarantees:
 * - every call settles: each request has a host deadline (the isolate's own limit plus a margin), and a
 *   process that misses one is killed; calls in flight then reject with `SandboxCrashed: …`;
 * - a dead process is restarted at once; loaded definitions are re-sent to the new process on demand,
 *   instances (their state lived in the dead process) reject with `InstanceLost: …`;
 * - the process's resident memory is watched from here and capped at `processRssMb`.
 *
 * @example
 * const sandbox = new Sandbox();
 * const node = await sandbox.load(source);
 * const h = await sandbox.createInstance(node.id, { period: 20 }, { seed: 1 });
 * const { value } = await sandbox.runBatch(h, { source: closes }, closes.length);
 * await sandbox.dispose(h);
 * await sandbox.close();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { z } from 'zod';
import { CustomNodeMeta, InstanceSnapshot, paramsSchemaOf, type CustomPortSpec } from './api/schema.ts';
import { isSandboxErrorCode, SandboxError, sandboxErrorCodes } from './errors.ts';
import { planLaunch, type LaunchPlan } from './launch.ts';
import { defaultLimits, type SandboxLimits } from './limits.ts';
import { encodeFrame, FrameReader, type Frame } from './protocol.ts';
import { checkSourceShape } from './transpile.ts';

export { SandboxError } from './errors.ts';
export type { SandboxErrorCode } from './errors.ts';
export type { SandboxLimits } from './limits.ts';
export type { CustomNodeMeta, CustomPortSpec, InstanceSnapshot } from './api/schema.ts';

/** A loaded custom node: its validated description, its params schema and defaults. */
export interface LoadedNode extends Omit<CustomNodeMeta, 'defaults'> {
  /** Content address of the source (sha256): the same source always gets the same id. */
  readonly id: string;
  /** zod schema of the params, built from `params` (the JSON Schema); validates and fills defaults. */
  readonly paramsSchema: z.ZodObject<Record<string, z.ZodType>>;
  /** The params with every default applied. */
  readonly defaults: Record<string, unknown>;
}

/** An instance of a loaded node, with its state inside the sandbox. Opaque; only the sandbox that made it can use it. */
export interface InstanceHandle {
  readonly instance: number;
  readonly node: string;
}

export interface SandboxOptions {
  limits?: Partial<SandboxLimits>;
  /** Crashes, restarts and missing OS layers, for the caller's log. */
  onEvent?: (event: SandboxEvent) => void;
}
export type SandboxEvent =
  | { type: 'started'; pid: number; generation: number; missingLayers: string[] }
  | { type: 'crashed'; pid: number; generation: number; reason: string };

export type BatchOutputs = Record<string, Float64Array>;

const ReplyOk = z.looseObject({ seq: z.number().int(), ok: z.literal(true) });
const ReplyErr = z.strictObject({ seq: z.number().int(), ok: z.literal(false), code: z.enum(sandboxErrorCodes), message: z.string().max(4_000) });
const Reply = z.union([ReplyOk, ReplyErr]);
const Ready = z.strictObject({ op: z.literal('ready') });
const LoadReply = z.looseObject({ meta: z.string() });
const RunReply = z.looseObject({ n: z.number().int().nonnegative() });
const SnapshotReply = z.looseObject({ snapshot: z.string() });

interface Pending {
  seq: number;
  op: string;
  budgetMs: number;
  resolve: (f: Frame) => void;
  reject: (e: Error) => void;
}
interface NodeRecord {
  source: string;
  node: LoadedNode;
  inputs: string[];
  outputs: string[];
}
interface InstanceRecord {
  node: NodeRecord;
  generation: number;
}

/** Which sandbox made a handle: handles are plain frozen objects, so the pool can route them. */
const owners = new WeakMap<InstanceHandle, Sandbox>();

/** One supervised sandbox process. Starts on first use; safe to call concurrently (requests queue in order). */
export class Sandbox {
  readonly limits: SandboxLimits;
  #onEvent: (e: SandboxEvent) => void;
  #plan: LaunchPlan | null = null;
  #proc: ChildProcess | null = null;
  #socket: Socket | null = null;
  #starting: Promise<void> | null = null;
  /** Bumped when a process dies, so handles made before are known to be lost. */
  #generation = 1;
  #restarts = 0;
  #lastStart = 0;
  #closed = false;
  #queue: Pending[] = [];
  #timer: NodeJS.Timeout | null = null;
  #watchdog: NodeJS.Timeout | null = null;
  #stderrTail = '';
  #seq = 0;
  #nextInstance = 0;
  #nodes = new Map<string, NodeRecord>();
  #loadedIn = new Set<string>();
  #loading = new Map<string, Promise<void>>();
  #pendingLoads = new Map<string, Promise<LoadedNode>>();
  #instances = new Map<number, InstanceRecord>();

  constructor(options: SandboxOptions = {}) {
    this.limits = { ...defaultLimits, ...options.limits };
    this.#onEvent = options.onEvent ?? (() => {});
  }

  /** The current process, its restarts, and which OS layers are in force. */
  get info(): { pid: number | null; generation: number; restarts: number; layers: LaunchPlan['layers'] | null; missingLayers: string[] } {
    return { pid: this.#proc?.pid ?? null, generation: this.#generation, restarts: this.#restarts, layers: this.#plan?.layers ?? null, missingLayers: this.#plan?.missing ?? [] };
  }

  /**
   * Transpile, validate and register a node's TypeScript source. Rejects with `SourceRejected` (size,
   * nesting, imports, syntax or type errors), `DefinitionInvalid`, `Timeout` or `MemoryLimit`.
   */
  async load(source: string): Promise<LoadedNode> {
    checkSourceShape(source); // a 50 MB paste stops here, before it is copied anywhere
    const id = createHash('sha256').update(source).digest('hex');
    const known = this.#nodes.get(id);
    if (known) return known.node;
    // Concurrent loads of one source share the first one's work.
    let pending = this.#pendingLoads.get(id);
    if (!pending) {
      pending = this.#loadInto(id, source).then((meta) => this.#register(id, source, meta));
      this.#pendingLoads.set(id, pending);
      const forget = () => void this.#pendingLoads.delete(id);
      pending.then(forget, forget);
    }
    return pending;
  }

  /** Make an instance: params are validated (defaults applied) here, then `init` runs in the sandbox. */
  async createInstance(nodeId: string, params: unknown = {}, options: { seed?: number; snapshot?: InstanceSnapshot } = {}): Promise<InstanceHandle> {
    const record = this.#nodes.get(nodeId);
    if (!record) throw new SandboxError('InvalidRequest', `node ${nodeId.slice(0, 12)}… is not loaded in this sandbox`);
    const parsed = record.node.paramsSchema.safeParse(params);
    if (!parsed.success) throw new SandboxError('ParamsInvalid', parsed.error.issues.map((i) => `params.${i.path.join('.')}: ${i.message}`).join('; '));
    const seed = options.seed ?? 0;
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new SandboxError('InvalidRequest', 'seed must be an integer in [0, 2^32)');
    if (options.snapshot) {
      const snap = InstanceSnapshot.parse(options.snapshot);
      if (snap.node !== nodeId) throw new SandboxError('InvalidRequest', 'the snapshot belongs to another node');
    }
    await this.#ensureLoaded(nodeId);
    const instance = ++this.#nextInstance;
    const generation = this.#generation;
    await this.#request({ op: 'create', def: nodeId, inst: instance, params: parsed.data, seed, snapshot: options.snapshot?.json }, null, this.limits.callTimeoutMs);
    this.#instances.set(instance, { node: record, generation });
    const handle: InstanceHandle = Object.freeze({ instance, node: nodeId });
    owners.set(handle, this);
    return handle;
  }

  /**
   * Run `length` bars through the instance. `inputs` holds one Float64Array per input port (at least
   * `length` long; bool inputs as 1/0/NaN). Resolves to one new Float64Array per output port (bool
   * outputs as 1/0/NaN), in a null-prototype object. State stays in the sandbox between batches.
   */
  async runBatch(handle: InstanceHandle, inputs: Readonly<Record<string, Float64Array>>, length: number): Promise<BatchOutputs> {
    const { node } = this.#live(handle);
    if (!Number.isInteger(length) || length < 0) throw new SandboxError('InvalidRequest', 'length must be a non-negative integer');
    const given = Object.keys(inputs);
    for (const port of given) if (!node.inputs.includes(port)) throw new SandboxError('InvalidRequest', `unknown input port "${port}"`);
    for (const port of node.inputs) {
      const col = Object.hasOwn(inputs, port) ? inputs[port] : undefined;
      if (!(col instanceof Float64Array)) throw new SandboxError('InvalidRequest', `input "${port}" must be a Float64Array`);
      if (col.length < length) throw new SandboxError('InvalidRequest', `input "${port}" has ${col.length} values; ${length} requested`);
    }
    const out: BatchOutputs = Object.create(null);
    for (const port of node.outputs) out[port] = new Float64Array(length);
    // All chunks are sent at once: the process computes one while the next is in transit.
    const chunks: Promise<void>[] = [];
    for (let from = 0; from < length; from += this.limits.maxBatchBars) {
      const n = Math.min(this.limits.maxBatchBars, length - from);
      // One input port goes out as a view of the caller's array (the socket copies it); more are packed.
      let packed: Float64Array | null = null;
      if (node.inputs.length === 1) packed = inputs[node.inputs[0]].subarray(from, from + n);
      else if (node.inputs.length > 1) {
        const cols = new Float64Array(node.inputs.length * n);
        node.inputs.forEach((port, k) => cols.set(inputs[port].subarray(from, from + n), k * n));
        packed = cols;
      }
      chunks.push(
        this.#request({ op: 'run', inst: handle.instance, n }, packed, this.limits.callTimeoutMs).then((frame) => {
          const reply = RunReply.parse(frame.header);
          const expected = node.outputs.length * n;
          if (reply.n !== n || (frame.payload?.length ?? 0) !== expected) {
            this.#kill('the sandbox process returned a batch of the wrong size');
            throw new SandboxError('SandboxCrashed', 'the sandbox process returned a batch of the wrong size');
          }
          node.outputs.forEach((port, k) => out[port].set(frame.payload!.subarray(k * n, (k + 1) * n), from));
        }),
      );
    }
    const settled = await Promise.allSettled(chunks);
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    return out;
  }

  /** The instance's state, bar counter and random generator, to restore later with `createInstance(…, { snapshot })`. */
  async snapshot(handle: InstanceHandle): Promise<InstanceSnapshot> {
    this.#live(handle);
    const frame = await this.#request({ op: 'snapshot', inst: handle.instance }, null, this.limits.callTimeoutMs);
    return { node: handle.node, json: SnapshotReply.parse(frame.header).snapshot };
  }

  /** Free the instance. Idempotent; a handle lost in a restart is simply forgotten. */
  async dispose(handle: InstanceHandle): Promise<void> {
    const record = this.#instances.get(handle.instance);
    if (!record || owners.get(handle) !== this) return;
    this.#instances.delete(handle.instance);
    if (record.generation === this.#generation && this.#proc) await this.#request({ op: 'dispose', inst: handle.instance }, null, this.limits.callTimeoutMs);
  }

  /** Forget a node and free its isolate, with every instance of it. */
  async unload(nodeId: string): Promise<void> {
    if (!this.#nodes.delete(nodeId)) return;
    for (const [id, r] of this.#instances) if (r.node.node.id === nodeId) this.#instances.delete(id);
    if (this.#loadedIn.delete(nodeId) && this.#proc) await this.#request({ op: 'unload', def: nodeId }, null, this.limits.callTimeoutMs);
  }

  /** Stop the process for good. Calls in flight reject. */
  async close(): Promise<void> {
    this.#closed = true;
    const proc = this.#proc;
    this.#kill('the sandbox was closed');
    if (proc && proc.exitCode === null && proc.signalCode === null) await new Promise((r) => proc.once('exit', r));
  }

  /** Kill the process as if it had crashed (tests and operators); it restarts at once. */
  kill(): void {
    this.#kill('killed on request');
  }

  // ---- internals ----

  #live(handle: InstanceHandle): InstanceRecord {
    if (owners.get(handle) !== this) throw new SandboxError('InvalidRequest', 'this handle belongs to another sandbox');
    const record = this.#instances.get(handle.instance);
    if (!record) throw new SandboxError('InstanceLost', `instance ${handle.instance} was disposed`);
    if (record.generation !== this.#generation) {
      this.#instances.delete(handle.instance);
      throw new SandboxError('InstanceLost', `instance ${handle.instance} was lost with its state when the sandbox process restarted`);
    }
    return record;
  }

  #register(id: string, source: string, metaJson: string): LoadedNode {
    let meta: CustomNodeMeta;
    try {
      const parsed = CustomNodeMeta.safeParse(JSON.parse(metaJson));
      if (!parsed.success) throw new SandboxError('DefinitionInvalid', parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || 'definition'}: ${i.message}`).join('; '));
      meta = parsed.data;
    } catch (e) {
      void this.#request({ op: 'unload', def: id }, null, this.limits.callTimeoutMs).catch(() => {});
      this.#loadedIn.delete(id);
      throw e instanceof SandboxError ? e : new SandboxError('DefinitionInvalid', 'the definition is not valid JSON');
    }
    const paramsSchema = paramsSchemaOf(meta.params);
    const defaults = paramsSchema.safeParse({});
    if (!defaults.success) throw new SandboxError('DefinitionInvalid', 'the params defaults do not satisfy their own schema');
    const node: LoadedNode = Object.freeze({
      id,
      type: meta.type,
      title: meta.title,
      description: meta.description,
      inputs: nullProto(meta.inputs),
      outputs: nullProto(meta.outputs),
      params: meta.params,
      paramsSchema,
      defaults: defaults.data,
    });
    this.#nodes.set(id, { source, node, inputs: Object.keys(meta.inputs), outputs: Object.keys(meta.outputs) });
    return node;
  }

  async #loadInto(id: string, source: string): Promise<string> {
    const frame = await this.#request({ op: 'load', def: id, source }, null, this.limits.loadTimeoutMs);
    this.#loadedIn.add(id);
    return LoadReply.parse(frame.header).meta;
  }

  /** After a restart the new process has no definitions: re-send the source once. */
  async #ensureLoaded(id: string): Promise<void> {
    await this.#ensureStarted();
    if (this.#loadedIn.has(id)) return;
    let p = this.#loading.get(id);
    if (!p) {
      p = this.#loadInto(id, this.#nodes.get(id)!.source).then(
        () => void this.#loading.delete(id),
        (e: unknown) => {
          this.#loading.delete(id);
          throw e;
        },
      );
      this.#loading.set(id, p);
    }
    await p;
  }

  async #ensureStarted(): Promise<void> {
    if (this.#closed) throw new SandboxError('InvalidRequest', 'the sandbox is closed');
    if (!this.#proc && !this.#starting) this.#starting = this.#start();
    if (this.#starting) await this.#starting;
  }

  #start(): Promise<void> {
    const plan = (this.#plan ??= planLaunch(this.limits));
    // A crash loop must not become a busy loop.
    const wait = Math.max(0, this.#lastStart + 1_000 - Date.now());
    return new Promise<void>((resolve, reject) => {
      setTimeout(() => {
        this.#lastStart = Date.now();
        const proc = spawn(plan.command, plan.args, { env: {}, cwd: '/', stdio: ['ignore', 'ignore', 'pipe', 'pipe'], windowsHide: true });
        const generation = this.#generation;
        this.#loadedIn.clear();
        this.#stderrTail = '';
        this.#proc = proc;
        const socket = proc.stdio[3] as Socket;
        this.#socket = socket;
        let ready = false;
        let failed = false;
        const startTimer = setTimeout(() => fail(`the sandbox process did not start within ${this.limits.startTimeoutMs} ms`), this.limits.startTimeoutMs);
        // A process that never became ready is not restarted in a loop: the next call tries again.
        const fail = (why: string) => {
          if (failed || ready) return;
          failed = true;
          clearTimeout(startTimer);
          if (this.#proc === proc) {
            this.#proc = null;
            this.#socket = null;
          }
          proc.kill('SIGKILL');
          this.#starting = null;
          reject(new SandboxError('SandboxCrashed', why));
        };
        proc.stderr!.on('data', (d: Buffer) => {
          this.#stderrTail = (this.#stderrTail + d.toString('utf8')).slice(-4_000);
        });
        proc.on('error', (e) => fail(`could not start the sandbox process: ${e.message}`));
        proc.on('exit', (code, signal) => {
          if (!ready) fail(`the sandbox process exited during start (${signal ?? `exit ${code}`})${this.#hint()}`);
          else this.#onExit(proc, generation, signal ?? `exit code ${code}`);
        });
        const reader = new FrameReader(this.limits.maxBatchBars * 16 * 8 + 32 * 1024 * 1024, (frame) => {
          if (!ready) {
            if (!Ready.safeParse(frame.header).success) throw new Error('expected the ready message');
            ready = true;
            clearTimeout(startTimer);
            this.#starting = null;
            this.#watch(proc);
            this.#onEvent({ type: 'started', pid: proc.pid!, generation, missingLayers: plan.missing });
            resolve();
            return;
          }
          this.#onFrame(frame);
        });
        socket.on('data', (chunk: Buffer) => {
          try {
            reader.push(chunk);
          } catch (e) {
            this.#kill(`protocol error from the sandbox process: ${e instanceof Error ? e.message : String(e)}`);
          }
        });
        socket.on('error', () => {}); // the exit handler reports the crash
      }, wait);
    });
  }

  #hint(): string {
    const line = this.#stderrTail.split('\n').find((l) => /fatal|error|out of memory/i.test(l));
    return line ? `: ${line.trim().slice(0, 200)}` : '';
  }

  /** Resident memory is checked from outside: an isolate's heap limit is a guideline, this one is not. */
  #watch(proc: ChildProcess): void {
    const path = `/proc/${proc.pid}/status`;
    this.#watchdog = setInterval(() => {
      readFile(path, 'utf8').then(
        (status) => {
          const kb = Number(/VmRSS:\s*(\d+)/.exec(status)?.[1] ?? 0);
          if (this.#proc === proc && kb > this.limits.processRssMb * 1024) this.#kill(`the sandbox process used ${Math.round(kb / 1024)} MB of memory; the limit is ${this.limits.processRssMb} MB`);
        },
        () => {},
      );
    }, 250);
    this.#watchdog.unref();
  }

  #request(header: Record<string, unknown>, payload: Float64Array | null, isolateBudgetMs: number): Promise<Frame> {
    return this.#ensureStarted().then(
      () =>
        new Promise<Frame>((resolve, reject) => {
          if (!this.#socket) {
            reject(new SandboxError('SandboxCrashed', `the sandbox process is restarting (during "${String(header.op)}")`));
            return;
          }
          const seq = ++this.#seq;
          const pending: Pending = { seq, op: String(header.op), budgetMs: isolateBudgetMs + this.limits.hostMarginMs, resolve, reject };
          this.#queue.push(pending);
          for (const b of encodeFrame({ ...header, seq }, payload)) this.#socket!.write(b);
          if (this.#queue.length === 1) this.#arm();
        }),
    );
  }

  /** The deadline runs for the request at the head of the queue: the process serves them in order. */
  #arm(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const head = this.#queue[0];
    if (!head) return;
    this.#timer = setTimeout(() => this.#kill(`the sandbox process did not answer "${head.op}" within ${head.budgetMs} ms and was killed`), head.budgetMs);
  }

  #onFrame(frame: Frame): void {
    const parsed = Reply.safeParse(frame.header);
    const head = this.#queue[0];
    if (!parsed.success || !head || parsed.data.seq !== head.seq) {
      this.#kill('protocol error: an unexpected reply from the sandbox process');
      return;
    }
    this.#queue.shift();
    this.#arm();
    const reply = parsed.data;
    if (reply.ok) head.resolve(frame);
    else head.reject(new SandboxError(isSandboxErrorCode(reply.code) ? reply.code : 'NodeError', reply.message));
  }

  #kill(reason: string): void {
    const proc = this.#proc;
    if (!proc) return;
    this.#failAll(proc, reason);
    proc.kill('SIGKILL');
  }

  #onExit(proc: ChildProcess, generation: number, how: string): void {
    if (this.#proc !== proc) return;
    this.#failAll(proc, `the sandbox process exited (${how})${this.#hint()}`);
    this.#onEvent({ type: 'crashed', pid: proc.pid ?? 0, generation, reason: how });
  }

  /** Reject everything in flight, forget the process, and start a new one unless closed. */
  #failAll(proc: ChildProcess, reason: string): void {
    if (this.#proc !== proc) return;
    this.#proc = null;
    this.#socket = null;
    this.#starting = null;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#watchdog) clearInterval(this.#watchdog);
    this.#timer = this.#watchdog = null;
    const queue = this.#queue;
    this.#queue = [];
    for (const p of queue) p.reject(new SandboxError('SandboxCrashed', `${reason} (during "${p.op}")`));
    this.#loadedIn.clear();
    this.#generation++;
    if (!this.#closed) {
      this.#restarts++;
      this.#starting = this.#start();
      this.#starting.catch(() => {}); // a failed restart is retried by the next call
    }
  }
}

function nullProto<T>(o: Record<string, T>): Record<string, T> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, o));
}

/**
 * Several sandbox processes: a node is loaded where an instance of it is placed, and each new instance
 * goes to the process with the fewest live instances. One process per core is the usual size.
 */
export class SandboxPool {
  readonly sandboxes: readonly Sandbox[];
  #sources = new Map<string, string>();
  #live = new Map<Sandbox, number>();

  constructor(size = 1, options: SandboxOptions = {}) {
    if (!Number.isInteger(size) || size < 1) throw new Error('a sandbox pool needs at least one process');
    this.sandboxes = Array.from({ length: size }, () => new Sandbox(options));
  }

  async load(source: string): Promise<LoadedNode> {
    const node = await this.sandboxes[0].load(source);
    this.#sources.set(node.id, source);
    return node;
  }

  async createInstance(nodeId: string, params?: unknown, options?: { seed?: number; snapshot?: InstanceSnapshot }): Promise<InstanceHandle> {
    const source = this.#sources.get(nodeId);
    if (source === undefined) throw new SandboxError('InvalidRequest', `node ${nodeId.slice(0, 12)}… is not loaded in this pool`);
    const target = [...this.sandboxes].sort((a, b) => (this.#live.get(a) ?? 0) - (this.#live.get(b) ?? 0))[0];
    // Counted before the await, so concurrent creations spread out.
    this.#live.set(target, (this.#live.get(target) ?? 0) + 1);
    try {
      await target.load(source);
      return await target.createInstance(nodeId, params, options);
    } catch (e) {
      this.#live.set(target, (this.#live.get(target) ?? 1) - 1);
      throw e;
    }
  }

  runBatch(handle: InstanceHandle, inputs: Readonly<Record<string, Float64Array>>, length: number): Promise<BatchOutputs> {
    return this.#owner(handle).runBatch(handle, inputs, length);
  }

  snapshot(handle: InstanceHandle): Promise<InstanceSnapshot> {
    return this.#owner(handle).snapshot(handle);
  }

  async dispose(handle: InstanceHandle): Promise<void> {
    const owner = this.#owner(handle);
    this.#live.set(owner, Math.max(0, (this.#live.get(owner) ?? 0) - 1));
    await owner.dispose(handle);
  }

  async unload(nodeId: string): Promise<void> {
    this.#sources.delete(nodeId);
    await Promise.all(this.sandboxes.map((s) => s.unload(nodeId)));
  }

  async close(): Promise<void> {
    await Promise.all(this.sandboxes.map((s) => s.close()));
  }

  #owner(handle: InstanceHandle): Sandbox {
    const owner = owners.get(handle);
    if (!owner || !this.sandboxes.includes(owner)) throw new SandboxError('InvalidRequest', 'this handle does not belong to this pool');
    return owner;
  }
}
