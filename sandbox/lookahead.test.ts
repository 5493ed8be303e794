import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox, type LoadedNode } from './client.ts';
import { checkCausality, checkLookahead, type SeriesRun } from './lookahead.ts';
import { customEmaSource } from './testing/sources.ts';

const xs = Float64Array.from({ length: 200 }, (_, i) => 100 + Math.sin(i / 5) * 10);

/** A host-side computation over the whole series at once, with a chosen per-bar rule. */
const columnar =
  (rule: (x: Float64Array, i: number, n: number) => number, perBatch = false): SeriesRun =>
  async (inputs, length, batches) => {
    const x = inputs.x.subarray(0, length);
    const value = new Float64Array(length);
    let from = 0;
    for (const size of batches) {
      for (let i = from; i < from + size; i++) value[i] = perBatch ? rule(x.subarray(from, from + size), i - from, size) : rule(x, i, length);
      from += size;
    }
    return { value };
  };

describe('lookahead check', () => {
  it('passes a causal computation', async () => {
    expect(await checkCausality(columnar((x, i) => (i > 0 ? x[i] - x[i - 1] : NaN)), { x: xs }, xs.length)).toEqual([]);
  });

  it('flags a centred moving average: it reads the next bar', async () => {
    const centred = columnar((x, i, n) => (i > 0 && i < n - 1 ? (x[i - 1] + x[i] + x[i + 1]) / 3 : NaN));
    const [w] = await checkCausality(centred, { x: xs }, xs.length, [100]);
    expect(w).toMatchObject({ kind: 'future-dependence', port: 'value', bar: 100, probe: 100 });
    expect(w.message).toContain('reads data it could not have had');
  });

  it('flags a computation that normalises by the whole series (the classic full-sample z-score)', async () => {
    const zscore = columnar((x, i, n) => x[i] - x.subarray(0, n).reduce((a, b) => a + b, 0) / n);
    const warnings = await checkCausality(zscore, { x: xs }, xs.length);
    expect(warnings.map((w) => [w.kind, w.bar])).toEqual([['future-dependence', 0], ['future-dependence', 0], ['future-dependence', 0]]);
  });

  it('flags state that depends on batch boundaries', async () => {
    const restarts = columnar((x, i) => i, true);
    const [w] = await checkCausality(restarts, { x: xs }, xs.length, [50]);
    expect(w).toMatchObject({ kind: 'batch-dependence', bar: 51, probe: 50 });
  });

  describe('on a custom node in the sandbox', () => {
    let sandbox: Sandbox;
    let ema: LoadedNode;
    beforeAll(async () => {
      sandbox = new Sandbox();
      ema = await sandbox.load(customEmaSource);
    }, 60_000);
    afterAll(() => sandbox.close());

    it('finds no lookahead in the custom EMA', async () => {
      expect(await checkLookahead(sandbox, ema, { period: 10 }, { source: xs }, xs.length)).toEqual([]);
    });
  });
});
