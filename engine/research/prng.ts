/**
 * Seeded randomness for research runs. Every random choice (which parameter combinations a random
 * search tries, how Monte Carlo paths resample) derives from a user-visible seed, so a run gives the same
 * answer on any worker, on a retry, and when the work is split into different batches.
 */

import type { Random } from '../random.ts';

export { mulberry32, type Random } from '../random.ts';

/**
 * The seed of stream `index` under `seed` (murmur3's finaliser over both). Streams are independent of
 * how work is batched: path 517 resamples the same way whether one activity or ten computed it.
 */
export function streamSeed(seed: number, index: number): number {
  let h = (seed >>> 0) ^ Math.imul(index >>> 0, 0x9e3779b1);
  h ^= Math.floor(index / 4294967296) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** An integer in [0, n); uses 53 random bits so n up to 2^53 stays unbiased in practice. */
export function randomInt(random: Random, n: number): number {
  const hi = Math.floor(random() * 2 ** 21);
  const lo = Math.floor(random() * 2 ** 32);
  return Math.floor(((hi * 2 ** 32 + lo) / 2 ** 53) * n);
}

/** Fisher–Yates, in place. */
export function shuffleInPlace<T>(items: T[] | Float64Array, random: Random): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(random, i + 1);
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
}

/**
 * `k` distinct integers from [0, n), ascending (Floyd's algorithm: O(k) draws however large n is). When
 * k ≥ n it returns every integer.
 */
export function sampleDistinct(n: number, k: number, random: Random): number[] {
  if (k >= n) return Array.from({ length: n }, (_, i) => i);
  const chosen = new Set<number>();
  for (let j = n - k; j < n; j++) {
    const t = randomInt(random, j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }
  return [...chosen].sort((a, b) => a - b);
}
