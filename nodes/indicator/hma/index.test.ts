import { describe, expect, it } from 'vitest';
import { compareWithReference } from '../../reference.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { hma } from './index.ts';

describe('indicator.hma', () => {
  it('is WMA(2·WMA(x, N/2) − WMA(x, N), √N)', () => {
    const { value } = runNode(hma, { params: { period: 4 }, inputs: { source: [1, 2, 3, 4, 10, 6] } });
    // N = 4: WMA(2) = (a + 2b)/3, WMA(4) = (a + 2b + 3c + 4d)/10, outer WMA(2).
    // Index 3: 2·11/3 − 3 = 13/3. Index 4: 2·8 − 6 = 10. Index 5: 2·22/3 − 6.5 = 49/6.
    // HMA: (13/3 + 2·10)/3 = 73/9, (10 + 2·49/6)/3 = 79/9.
    expect(value.slice(0, 4).every(Number.isNaN)).toBe(true);
    expect(value[4]).toBeCloseTo(73 / 9, 12);
    expect(value[5]).toBeCloseTo(79 / 9, 12);
  });

  it('rounds the half and the root down (HMA(9) uses 4 and 3)', () => {
    const x = [5, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7];
    const w = (xs: number[]) => xs.reduce((a, v, i) => a + (i + 1) * v, 0) / ((xs.length * (xs.length + 1)) / 2);
    const raw = (t: number) => 2 * w(x.slice(t - 3, t + 1)) - w(x.slice(t - 8, t + 1));
    const { value } = runNode(hma, { params: { period: 9 }, inputs: { source: x } });
    expect(firstDefined(value)).toBe(10);
    for (let t = 10; t < x.length; t++) expect(value[t]).toBeCloseTo(w([raw(t - 2), raw(t - 1), raw(t)]), 12);
  });

  it('first value at index (N−1) + (⌊√N⌋−1), as warmup() says', () => {
    const x = Array.from({ length: 40 }, (_, i) => Math.sin(i) * 10 + 50);
    for (const [period, first] of [[2, 1], [4, 4], [9, 10], [16, 18], [20, 22]] as const) {
      expect(firstDefined(runNode(hma, { params: { period }, inputs: { source: x } }).value)).toBe(first);
      expect(hma.warmup!(hma.params.parse({ period }))).toBe(first);
    }
  });

  it('a NaN restarts all three averages', () => {
    const { value } = runNode(hma, { params: { period: 4 }, inputs: { source: [7, 7, 7, 7, 7, NaN, 1, 2, 3, 4, 10, 6] } });
    expect(value[4]).toBe(7);
    expect(value.slice(5, 10).every(Number.isNaN)).toBe(true);
    expect(value[10]).toBeCloseTo(73 / 9, 12);
  });

  it('defaults to 20 and refuses a period below 2', () => {
    expect(hma.params.parse({}).period).toBe(20);
    expect(hma.params.safeParse({ period: 1 }).success).toBe(false);
  });
});

describe('indicator.hma against the published formula', () => {
  it('matches bench/reference/ref_momentum.hma to 1e-9 on the reference bars', () => {
    const result = compareWithReference(hma);
    expect(result.compared).toBeGreaterThan(1500);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
