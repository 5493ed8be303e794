import { describe, expect, it } from 'vitest';
import { compareWithReference } from '../../reference.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { tema } from './index.ts';

describe('indicator.tema', () => {
  it('is 3·E1 − 3·E2 + E3 over three chained SMA-seeded EMAs', () => {
    const { value } = runNode(tema, { params: { period: 2 }, inputs: { source: [1, 3, 5, 4, 8, 2] } });
    // k = 2/3. E1: 2, 4, 4, 20/3, 32/9 (from index 1). E2: 3, 11/3, 17/3, 115/27 (from 2). E3: 10/3, 44/9, 362/81 (from 3).
    // TEMA: 12 − 11 + 10/3 = 13/3; 20 − 17 + 44/9 = 71/9; 32/3 − 115/9 + 362/81 = 191/81.
    expect(value.slice(0, 3)).toEqual([NaN, NaN, NaN]);
    expect(value[3]).toBeCloseTo(13 / 3, 12);
    expect(value[4]).toBeCloseTo(71 / 9, 12);
    expect(value[5]).toBeCloseTo(191 / 81, 12);
  });

  it('tracks a straight line with no lag', () => {
    const ramp = Array.from({ length: 20 }, (_, i) => 50 - 3 * i);
    const { value } = runNode(tema, { params: { period: 4 }, inputs: { source: ramp } });
    for (let i = 9; i < 20; i++) expect(value[i]).toBeCloseTo(ramp[i]!, 9);
  });

  it('first value at index 3(N−1), as warmup() says', () => {
    for (const period of [1, 2, 3]) {
      const { value } = runNode(tema, { params: { period }, inputs: { source: [4, 8, 6, 2, 5, 7, 1, 3, 9, 2] } });
      expect(firstDefined(value)).toBe(3 * (period - 1));
      expect(tema.warmup!(tema.params.parse({ period }))).toBe(3 * (period - 1));
    }
  });

  it('a NaN restarts all three EMAs', () => {
    const { value } = runNode(tema, { params: { period: 2 }, inputs: { source: [9, 9, 9, 9, NaN, 1, 3, 5, 4, 8, 2] } });
    expect(value.slice(4, 8).every(Number.isNaN)).toBe(true);
    expect(value[8]).toBeCloseTo(13 / 3, 12);
    expect(value[10]).toBeCloseTo(191 / 81, 12);
  });

  it('defaults to 20 and refuses a period below 1', () => {
    expect(tema.params.parse({}).period).toBe(20);
    expect(tema.params.safeParse({ period: 0 }).success).toBe(false);
  });
});

describe('indicator.tema against TA-Lib', () => {
  it('matches TA-Lib TEMA to 1e-9 on the reference bars, including its warm-up', () => {
    const result = compareWithReference(tema);
    expect(result.compared).toBeGreaterThan(1000);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
