import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import { compareWithReference } from '../../reference.ts';
import { createRegistry } from '../../registry.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { beta } from './index.ts';

describe('indicator.beta', () => {
  it('regresses the asset’s returns on the benchmark’s', () => {
    // Benchmark returns +10 %, −10 %, +10 %; asset +20 %, −20 %, +30 %.
    const benchmark = [100, 110, 99, 108.9];
    const asset = [50, 60, 48, 62.4];
    const { value } = runNode(beta, { params: { period: 2 }, inputs: { asset, benchmark } });
    expect(value.slice(0, 2)).toEqual([NaN, NaN]);
    // (.1, −.1) vs (.2, −.2): means 0, cov .04 / var .02 = 2.
    expect(value[2]).toBeCloseTo(2, 12);
    // (−.1, .1) vs (−.2, .3): benchmark mean 0, asset mean .05: cov (−.25·−.1 + .25·.1) = .05, var .02 → 2.5.
    expect(value[3]).toBeCloseTo(2.5, 12);
  });

  it('is not symmetric: swapping the inputs gives cov/var of the other series', () => {
    const benchmark = [100, 110, 99, 108.9];
    const asset = [50, 60, 48, 62.4];
    // (−.2, .3) as benchmark: mean .05, var .125; cov .05 → 0.4.
    expect(runNode(beta, { params: { period: 2 }, inputs: { asset: benchmark, benchmark: asset } }).value[3]).toBeCloseTo(0.4, 12);
  });

  it('first value at index N (N returns), matching warmup(); a NaN in either input restarts both', () => {
    const benchmark = [10, 11, 12, 13, NaN, 20, 22, 20, 21];
    const asset = [5, 6, 7, 8, 9, 10, 12, 10, 11];
    const { value } = runNode(beta, { params: { period: 2 }, inputs: { asset, benchmark } });
    expect(firstDefined(value)).toBe(beta.warmup!(beta.params.parse({ period: 2 })));
    expect(firstDefined(value)).toBe(2);
    // The NaN at bar 4 clears everything: bar 5 is a new first price, bars 6 and 7 the first two returns.
    expect(value.slice(4, 7)).toEqual([NaN, NaN, NaN]);
    // Benchmark +10 %, −1/11; asset +20 %, −1/6: slope (.2 + 1/6)/(.1 + 1/11) = (11/30)/(21/110) = 121/63.
    expect(value[7]).toBeCloseTo(121 / 63, 12);
  });

  it('a flat benchmark reads 0; a return from a price of 0 counts as 0 (TA-Lib)', () => {
    expect(runNode(beta, { params: { period: 2 }, inputs: { asset: [1, 2, 3, 4], benchmark: [5, 5, 5, 5] } }).value.slice(2)).toEqual([0, 0]);
    // Benchmark returns 0 (from 0), 1; asset 1, 1/2: slope (1/2 − 1)/(1 − 0) = −1/2.
    expect(runNode(beta, { params: { period: 2 }, inputs: { asset: [1, 2, 3], benchmark: [0, 5, 10] } }).value[2]).toBeCloseTo(-0.5, 14);
  });

  it('takes two price edges in a compiled graph', () => {
    const close = [100, 102, 101, 105, 104, 108];
    const open = [100, 100, 103, 100, 106, 103];
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        b: { type: 'indicator.beta', params: { period: 3 } },
        t: { type: 'logic.threshold', params: { operator: '>', level: 0 } },
        order: { type: 'order.targetPercent' },
      },
      ['data.close -> b.asset', 'data.open -> b.benchmark', 'b.value -> t.value', 't.result -> order.enter'],
    );
    const run = runGraph(graph, makeBars({ close, open }), { b: 'b.value' }, createRegistry([...registry.definitions.filter((d) => d.type !== beta.type), beta]));
    expect(run.plan.warmup).toBe(3);
    expect(run.values.b).toEqual(runNode(beta, { params: { period: 3 }, inputs: { asset: close, benchmark: open } }).value);
    expect(firstDefined(run.values.b)).toBe(3);
  });
});

describe('indicator.beta against TA-Lib', () => {
  it('matches TA-Lib BETA(benchmark, asset) to 1e-9 on the reference bars, including its warm-up', () => {
    const result = compareWithReference(beta);
    expect(result.compared).toBeGreaterThan(1500);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
