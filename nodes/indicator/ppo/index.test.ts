import { describe, expect, it } from 'vitest';
import { compareWithReference } from '../../reference.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { ppo } from './index.ts';

describe('indicator.ppo', () => {
  it('is 100·(fast EMA − slow EMA)/slow EMA, each EMA seeded at its own first bar', () => {
    const { value } = runNode(ppo, { params: { fast: 2, slow: 3 }, inputs: { source: [4, 1, 3, 10, 4] } });
    // Fast EMA(2), k = 2/3: seed (4+1)/2 = 5/2 at index 1, then 17/6, 137/18, 281/54.
    // Slow EMA(3), k = 1/2: seed 8/3 at index 2, then 19/3, 31/6.
    // PPO: (17/6 − 8/3)/(8/3)·100 = 6.25; (23/18)/(19/3)·100 = 1150/57; (2/54)/(31/6)·100 = 200/279.
    expect(value.slice(0, 2)).toEqual([NaN, NaN]);
    expect(value[2]).toBeCloseTo(6.25, 12);
    expect(value[3]).toBeCloseTo(1150 / 57, 12);
    expect(value[4]).toBeCloseTo(200 / 279, 12);
  });

  it('reads the same on a price scaled by 100', () => {
    const x = [4, 1, 3, 10, 4, 7, 2];
    const a = runNode(ppo, { params: { fast: 2, slow: 4 }, inputs: { source: x } }).value;
    const b = runNode(ppo, { params: { fast: 2, slow: 4 }, inputs: { source: x.map((v) => v * 100) } }).value;
    for (let i = 3; i < x.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 10);
  });

  it('first value at index slow − 1, as warmup() says; swaps fast and slow like TA-Lib', () => {
    const x = [4, 8, 6, 2, 5, 7, 1, 3, 9, 2];
    for (const [fast, slow] of [[2, 3], [3, 7], [7, 3]] as const) {
      const first = Math.max(fast, slow) - 1;
      expect(firstDefined(runNode(ppo, { params: { fast, slow }, inputs: { source: x } }).value)).toBe(first);
      expect(ppo.warmup!(ppo.params.parse({ fast, slow }))).toBe(first);
    }
    expect(runNode(ppo, { params: { fast: 7, slow: 3 }, inputs: { source: x } }).value).toEqual(runNode(ppo, { params: { fast: 3, slow: 7 }, inputs: { source: x } }).value);
  });

  it('reads 0 rather than dividing by a zero slow EMA, and restarts after a NaN', () => {
    // Slow EMA seed (1 − 2 + 1)/3 = 0 → 0. Then slow 2, fast −1/2 → 1/2 → 17/6: (17/6 − 2)/2·100 = 125/3.
    const across = runNode(ppo, { params: { fast: 2, slow: 3 }, inputs: { source: [1, -2, 1, 4] } }).value;
    expect(across[2]).toBe(0);
    expect(across[3]).toBeCloseTo(125 / 3, 12);
    const { value } = runNode(ppo, { params: { fast: 2, slow: 3 }, inputs: { source: [5, 5, 5, NaN, 4, 1, 3, 10] } });
    expect(value[2]).toBe(0);
    expect(value.slice(3, 6).every(Number.isNaN)).toBe(true);
    expect(value[6]).toBeCloseTo(6.25, 12);
  });

  it('defaults to 12 and 26', () => {
    expect(ppo.params.parse({})).toEqual({ fast: 12, slow: 26 });
    expect(ppo.params.safeParse({ slow: 1 }).success).toBe(false);
  });
});

describe('indicator.ppo against TA-Lib', () => {
  it('matches TA-Lib PPO with matype 1 (EMA) to 1e-9 on the reference bars, including its warm-up', () => {
    const result = compareWithReference(ppo);
    expect(result.compared).toBeGreaterThan(1500);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
