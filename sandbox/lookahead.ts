/**
 * The lookahead check: does a node's output at bar k depend on anything after bar k? A custom node's
 * step sees one closed bar at a time, so the node itself cannot peek; what this checks empirically is
 * the whole pipeline the user relies on (runner, batching, state, the engine's wiring when it passes a
 * graph-level `run`). It runs the series once, then again with every bar after k perturbed, truncated
 * after k, and split into batches at k, and compares the outputs up to k bit for bit.
 */
import type { InstanceHandle, LoadedNode, Sandbox, SandboxPool } from './client.ts';

export interface LookaheadWarning {
  kind: 'future-dependence' | 'batch-dependence';
  port: string;
  /** The first bar whose output changed. */
  bar: number;
  /** The bar after which inputs were perturbed or cut. */
  probe: number;
  message: string;
}

/** Runs a fresh copy of the computation over `length` bars, in batches of the given sizes (summing to `length`). */
export type SeriesRun = (inputs: Readonly<Record<string, Float64Array>>, length: number, batches: readonly number[]) => Promise<Record<string, Float64Array>>;

/**
 * The generic check over any causal computation. `probes` are the bars k to test (default: a quarter,
 * half and three quarters of the series).
 */
export async function checkCausality(run: SeriesRun, inputs: Readonly<Record<string, Float64Array>>, length: number, probes?: readonly number[]): Promise<LookaheadWarning[]> {
  const ks = (probes ?? [0.25, 0.5, 0.75].map((f) => Math.floor(length * f))).filter((k) => k >= 0 && k < length - 1);
  const reference = await run(inputs, length, [length]);
  const warnings: LookaheadWarning[] = [];
  for (const k of ks) {
    const perturbed = await run(perturbAfter(inputs, k, length), length, [length]);
    const firstFuture = firstDifference(reference, perturbed, k);
    if (firstFuture) {
      warnings.push({ kind: 'future-dependence', probe: k, ...firstFuture, message: `output "${firstFuture.port}" at bar ${firstFuture.bar} changed when only bars after ${k} changed: the node reads data it could not have had at that bar's close` });
      continue;
    }
    const truncated = await run(inputs, k + 1, [k + 1]);
    const firstCut = firstDifference(reference, truncated, k);
    if (firstCut) {
      warnings.push({ kind: 'future-dependence', probe: k, ...firstCut, message: `output "${firstCut.port}" at bar ${firstCut.bar} differs when the series ends at bar ${k}: it depends on how much data follows` });
      continue;
    }
    const split = await run(inputs, length, [k + 1, length - k - 1]);
    const firstSplit = firstDifference(reference, split, length - 1);
    if (firstSplit) {
      warnings.push({ kind: 'batch-dependence', probe: k, ...firstSplit, message: `output "${firstSplit.port}" at bar ${firstSplit.bar} differs when the batch is split after bar ${k}: results would depend on how the engine batches` });
    }
  }
  return warnings;
}

/**
 * The check for a loaded custom node: each run uses a fresh instance with the same params and seed.
 *
 * @example
 * const warnings = await checkLookahead(sandbox, node, { period: 20 }, { source: closes }, closes.length);
 */
export async function checkLookahead(
  sandbox: Sandbox | SandboxPool,
  node: LoadedNode,
  params: unknown,
  inputs: Readonly<Record<string, Float64Array>>,
  length: number,
  options: { seed?: number; probes?: readonly number[] } = {},
): Promise<LookaheadWarning[]> {
  const run: SeriesRun = async (series, n, batches) => {
    const handle: InstanceHandle = await sandbox.createInstance(node.id, params, { seed: options.seed ?? 0 });
    try {
      const out: Record<string, Float64Array> = Object.create(null);
      for (const port of Object.keys(node.outputs)) out[port] = new Float64Array(n);
      let from = 0;
      for (const size of batches) {
        const slice: Record<string, Float64Array> = Object.create(null);
        for (const port of Object.keys(series)) slice[port] = series[port].subarray(from, from + size);
        const part = await sandbox.runBatch(handle, slice, size);
        for (const port of Object.keys(part)) out[port].set(part[port], from);
        from += size;
      }
      return out;
    } finally {
      await sandbox.dispose(handle);
    }
  };
  return checkCausality(run, inputs, length, options.probes);
}

/** Every value after bar k changed (and bools flipped), so any dependence on the future shows. */
function perturbAfter(inputs: Readonly<Record<string, Float64Array>>, k: number, length: number): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = Object.create(null);
  for (const port of Object.keys(inputs)) {
    const col = inputs[port].slice(0, length);
    for (let i = k + 1; i < length; i++) {
      const x = col[i];
      col[i] = x === 0 ? 1 : x === 1 ? 0 : Number.isNaN(x) ? 1 : x * 1.37 + 11;
    }
    out[port] = col;
  }
  return out;
}

/** The first port and bar ≤ upTo where the two runs differ (NaN equals NaN; -0 differs from 0). */
function firstDifference(a: Record<string, Float64Array>, b: Record<string, Float64Array>, upTo: number): { port: string; bar: number } | null {
  for (const port of Object.keys(a)) {
    for (let i = 0; i <= upTo; i++) if (!Object.is(a[port][i], b[port][i])) return { port, bar: i };
  }
  return null;
}
