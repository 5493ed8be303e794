/** A uniform draw in [0, 1). */
export type Random = () => number;

/**
 * mulberry32: tiny, fast, and statistically fine for synthetic prices and for sampling (not for
 * cryptography). The same seed always gives the same sequence.
 */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
