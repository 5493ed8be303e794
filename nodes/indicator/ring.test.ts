import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../engine/random.ts';
import { windowMeanStdev } from './stdev/index.ts';
import { ring, ringClearSummed, ringPushSummed, ringSums, ringSumsStdev } from './ring.ts';

describe('ring sums', () => {
  it('give the two-pass standard deviation of the window, across wraps, clears and a large mean', () => {
    const rand = mulberry32(7);
    for (const [size, level] of [[2, 0], [7, 0], [60, 0], [13, 1e6]] as const) {
      const r = ring(size);
      const m = ringSums();
      const stats = [0, 0];
      let worst = 0;
      for (let i = 0; i < 5_000; i++) {
        if (i % 997 === 500) {
          ringClearSummed(r, m);
          continue;
        }
        const x = level + (rand() - 0.5) * 0.01;
        ringPushSummed(r, m, x);
        if (r.count < 2) continue;
        for (const sample of [true, false]) {
          windowMeanStdev(r, sample, stats);
          const got = ringSumsStdev(r, m, sample);
          // Measured against the values' spread (0.01): where the window's values nearly coincide, the
          // σ itself is tiny and neither method has many digits of it.
          worst = Math.max(worst, Math.abs(got - stats[1]!) / 0.01);
        }
      }
      expect(worst, `window ${size} around ${level}`).toBeLessThan(1e-12);
    }
  });

  it('give a flat window a σ of 0 or a rounding hair above it, never NaN', () => {
    const r = ring(5);
    const m = ringSums();
    for (const x of [0.1, 0.2, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3]) {
      ringPushSummed(r, m, x);
      if (r.count > 1) expect(ringSumsStdev(r, m, true)).not.toBeNaN();
    }
    // Between recomputes the sums are about an older value, so exactly 0 is not promised.
    expect(ringSumsStdev(r, m, true)).toBeLessThan(1e-15);
    // Right after the head wraps (a recompute about the oldest value) it is exact.
    ringPushSummed(r, m, 0.3);
    ringPushSummed(r, m, 0.3);
    expect(r.head).toBe(0);
    expect(ringSumsStdev(r, m, true)).toBe(0);
  });

  it('start from the window alone when the sums are missing (a state saved before they existed)', () => {
    const r = ring(4);
    for (const x of [1, 2, 3]) ringPushSummed(r, ringSums(), x);
    const m = ringSums();
    ringPushSummed(r, m, 4);
    expect(ringSumsStdev(r, m, false)).toBeCloseTo(Math.sqrt(1.25), 14);
  });
});
