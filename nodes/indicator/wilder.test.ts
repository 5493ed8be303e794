import { describe, expect, it } from 'vitest';
import { wilderPart } from './wilder.ts';

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

describe("Wilder's smoothing", () => {
  it('stays within 1e-14 of TA-Lib’s (y × (N − 1) + x) / N over a million bars', () => {
    for (const period of [2, 14, 200]) {
      const rand = rng(period);
      const part = wilderPart(period);
      let ours = 1, talib = 1, worst = 0;
      for (let t = 0; t < 1_000_000; t++) {
        // Ranges and gains of a volatile market: mostly small, now and then a jump a hundred times larger.
        const x = rand() * (rand() < 0.01 ? 100 : 1);
        ours = ours + (x - ours) * part;
        talib = (talib * (period - 1) + x) / period;
        worst = Math.max(worst, Math.abs(ours - talib) / talib);
      }
      expect(worst).toBeGreaterThan(0);
      expect(worst).toBeLessThan(1e-14);
    }
  });
});
