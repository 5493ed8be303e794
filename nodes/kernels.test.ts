import { describe, expect, it } from 'vitest';
import { registry } from './index.ts';

/**
 * Every node with a kernel: the kernel over random runs of bars must leave exactly the outputs and the
 * state that `step` bar by bar leaves, NaN gaps included, whatever the split into runs.
 */
const withKernel = registry.definitions.filter((d) => d.kernel);

/** A seeded random walk with NaN gaps and repeated values (ties matter to comparisons). */
function series(seed: number, n: number): Float64Array {
  let x = seed >>> 0 || 1;
  const rand = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const out = new Float64Array(n);
  let v = 100;
  for (let t = 0; t < n; t++) {
    v += (rand() - 0.5) * 2;
    out[t] = rand() < 0.02 ? NaN : rand() < 0.05 ? Math.round(v) : v;
  }
  return out;
}

/** Params to try: the defaults, and each integer param (a period) set small so warm-up and resets show. */
function paramSets(def: (typeof withKernel)[number]): Record<string, unknown>[] {
  const defaults = def.params.parse({}) as Record<string, unknown>;
  const sets: Record<string, unknown>[] = [defaults];
  for (const [key, value] of Object.entries(defaults)) {
    if (typeof value === 'number' && Number.isInteger(value) && value > 2) sets.push({ ...defaults, [key]: 3 });
  }
  const op = (def.params.shape as Record<string, { options?: string[] }>).operator;
  for (const operator of (op?.options as string[] | undefined) ?? []) sets.push({ ...defaults, operator, level: 100 });
  return sets;
}

describe('node kernels equal their step', () => {
  it('covers the nodes that have one', () => {
    expect(withKernel.map((d) => d.type).sort()).toEqual(['indicator.ema', 'indicator.rsi', 'indicator.sma', 'logic.compare', 'logic.crossover', 'logic.threshold']);
  });

  for (const def of withKernel) {
    it(`${def.type}: outputs and state, for every params set and run split`, () => {
      const n = 3000;
      const ins = Object.keys(def.inputs);
      const outs = Object.keys(def.outputs);
      for (const [q, raw] of paramSets(def).entries()) {
        const params = def.params.parse(raw);
        const wired = Object.fromEntries(ins.map((p) => [p, true]));
        const inputs = Object.fromEntries(ins.map((p, k) => [p, series(17 + q * 31 + k, n)]));

        // Reference: step bar by bar.
        const stepState = def.init(params, wired);
        const input: Record<string, number> = {};
        const out: Record<string, number> = Object.fromEntries(outs.map((p) => [p, NaN]));
        const expected = Object.fromEntries(outs.map((p) => [p, new Float64Array(n)]));
        for (let t = 0; t < n; t++) {
          for (const p of ins) input[p] = inputs[p]![t]!;
          def.step(stepState, params, input as never, out as never, undefined as never);
          for (const p of outs) expected[p]![t] = out[p]!;
        }

        // Kernel over uneven runs: 1 bar, 7 bars, 1000 bars…
        const kernelState = def.init(params, wired);
        const got = Object.fromEntries(outs.map((p) => [p, new Float64Array(n).fill(-12345)]));
        const cuts = [0, 1, 8, 9, 1009, 1500, 2999, n];
        for (let c = 0; c + 1 < cuts.length; c++) def.kernel!(kernelState, params, inputs as never, got as never, cuts[c]!, cuts[c + 1]!);

        for (const p of outs) expect([...got[p]!].map(String), `${def.type} ${JSON.stringify(raw)} ${p}`).toEqual([...expected[p]!].map(String));
        expect(kernelState).toEqual(stepState);
      }
    });
  }
});
