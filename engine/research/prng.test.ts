import { describe, expect, it } from 'vitest';
import { mulberry32, randomInt, sampleDistinct, shuffleInPlace, streamSeed } from './prng.ts';

describe('seeded randomness', () => {
  it('repeats for a seed and differs between seeds', () => {
    const a = mulberry32(7), b = mulberry32(7), c = mulberry32(8);
    const xs = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(xs);
    expect(Array.from({ length: 5 }, c)).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it('derives distinct, stable stream seeds per index', () => {
    const seeds = new Set(Array.from({ length: 10_000 }, (_, i) => streamSeed(42, i)));
    expect(seeds.size).toBe(10_000);
    expect(streamSeed(42, 517)).toBe(streamSeed(42, 517));
    expect(streamSeed(42, 517)).not.toBe(streamSeed(43, 517));
  });

  it('draws integers uniformly over the range', () => {
    const r = mulberry32(1);
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) counts[randomInt(r, 10)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });

  it('samples k distinct sorted indices, or all of them when k ≥ n', () => {
    const s = sampleDistinct(1_000_000, 500, mulberry32(3));
    expect(s).toHaveLength(500);
    expect(new Set(s).size).toBe(500);
    expect([...s].sort((a, b) => a - b)).toEqual(s);
    expect(s.every((i) => i >= 0 && i < 1_000_000)).toBe(true);
    expect(sampleDistinct(1_000_000, 500, mulberry32(3))).toEqual(s);
    expect(sampleDistinct(5, 9, mulberry32(3))).toEqual([0, 1, 2, 3, 4]);
  });

  it('shuffles into a permutation', () => {
    const xs = Array.from({ length: 50 }, (_, i) => i);
    shuffleInPlace(xs, mulberry32(9));
    expect(xs).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect([...xs].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
