/**
 * Every limit the sandbox enforces, in one place, with the value docs/sandbox.md quotes. A `Sandbox`
 * takes overrides for the ones that are per deployment (memory, time); the source limits are fixed
 * because the editor and the server must agree on them.
 */

/** Largest TypeScript source accepted, in UTF-8 bytes. Real nodes are a few KB; this refuses 50 MB pastes before any parsing. */
export const MAX_SOURCE_BYTES = 256 * 1024;

/** Deepest bracket nesting accepted. Parsers recurse per level; real code stays under 20. */
export const MAX_NESTING_DEPTH = 200;

/** Transpile budget inside the sandbox process; the host's deadline for a load adds its margin on top. */
export const TRANSPILE_TIMEOUT_MS = 2_000;

/** Largest definition metadata (title, ports, params schema) a node may declare, as JSON. */
export const MAX_META_BYTES = 64 * 1024;

/** Largest state snapshot, as JSON: state is for rolling windows, not for hoarding history. */
export const MAX_SNAPSHOT_BYTES = 4 * 1024 * 1024;

/** Most ports on each side and most params. */
export const MAX_PORTS = 16;
export const MAX_PARAMS = 32;

/** Port and param names: camelCase identifiers, which also rules out `__proto__` and `constructor`. */
export const IDENTIFIER = /^[a-z][a-zA-Z0-9]{0,63}$/;

/** What a deployment may tune; `defaultLimits` holds the values used when it does not. */
export interface SandboxLimits {
  /** Heap limit of each node definition's isolate, MB (isolated-vm: a hostile script may reach 2–3× this before it is stopped). */
  isolateMemoryMb: number;
  /** Time limit of one call into an isolate (one batch, one init), ms. */
  callTimeoutMs: number;
  /** Time limit of a load (transpile, compile, evaluate the module), ms. */
  loadTimeoutMs: number;
  /** Added to every deadline on the host side before it kills the process: IPC, copies and scheduling. */
  hostMarginMs: number;
  /** How long a fresh sandbox process may take to say it is ready, ms. */
  startTimeoutMs: number;
  /** Bars per isolate call; longer batches are split and pipelined. */
  maxBatchBars: number;
  /** Node-side heap of the sandbox process (`--max-old-space-size`), MB. */
  processHeapMb: number;
  /** Resident memory of the whole sandbox process the host tolerates before killing it, MB. */
  processRssMb: number;
  /** Isolates (loaded definitions) alive at once in one process; sizes the address-space limit. */
  maxIsolates: number;
  /** RLIMIT_CPU of the sandbox process, seconds of CPU over its life (SIGXCPU then SIGKILL ends it; it is restarted). */
  cpuSeconds: number;
}

export const defaultLimits: SandboxLimits = {
  isolateMemoryMb: 64,
  callTimeoutMs: 2_000,
  loadTimeoutMs: 5_000,
  hostMarginMs: 3_000,
  startTimeoutMs: 15_000,
  maxBatchBars: 1 << 17,
  processHeapMb: 256,
  processRssMb: 1_536,
  maxIsolates: 16,
  cpuSeconds: 3_600,
};

/**
 * RLIMIT_AS for the sandbox process, from measurements on Node 24 (x64): Node itself reserves ~1.4 GB,
 * the WebAssembly build of swc that strips types from the process's own .ts files reserves 4 GB (with
 * `--disable-wasm-trap-handler`; 8 GB without), and each isolate ~520 MB (code range and heap cage),
 * all of it address space rather than memory. So this cap only stops runaway native mappings; resident
 * memory is bounded by `processRssMb`, which the host enforces.
 */
export function addressSpaceBytes(limits: SandboxLimits): number {
  return (6_000 + limits.maxIsolates * 560 + limits.processHeapMb) * 1024 * 1024;
}
