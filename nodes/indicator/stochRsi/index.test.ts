import { describe, expect, it } from 'vitest';
import { compareWithReference } from '../../reference.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { stochRsi } from './index.ts';

describe('indicator.stochRsi', () => {
  it('places RSI in its own recent range, then averages that into d', () => {
    const { k, d } = runNode(stochRsi, { params: { rsiPeriod: 2, kPeriod: 3, dPeriod: 2 }, inputs: { source: [10, 12, 11, 14, 12, 13, 13, 13] } });
    // RSI(2), Wilder: changes +2, −1, +3, −2, +1, 0, 0 → 200/3, 800/9, 800/17, 64, 64, 64 (from index 2).
    // k over 3 RSI values: index 4: 800/17 is the lowest → 0; index 5: (64 − 800/17)/(800/9 − 800/17) = 40.5 %;
    // index 6: 64 is the highest of 800/17, 64, 64 → 100; index 7: RSI did not move (64, 64, 64) → 50.
    // d = SMA(2) of k: 20.25, 70.25, 75. Both start at index 2 + 2 + 1 = 5.
    expect(k.slice(0, 5).every(Number.isNaN)).toBe(true);
    expect(d.slice(0, 5).every(Number.isNaN)).toBe(true);
    expect(k[5]).toBeCloseTo(40.5, 10);
    expect(d[5]).toBeCloseTo(20.25, 10);
    expect(k[6]).toBeCloseTo(100, 10);
    expect(d[6]).toBeCloseTo(70.25, 10);
    expect(k[7]).toBe(50);
    expect(d[7]).toBeCloseTo(75, 10);
  });

  it('reads 50 on a flat price, not a division by RSI’s zero range', () => {
    const source = [10, 11, 10.5, 12, ...Array.from({ length: 30 }, () => 11.5)];
    const { k, d } = runNode(stochRsi, { params: { rsiPeriod: 3, kPeriod: 4, dPeriod: 3 }, inputs: { source } });
    // The price stops moving at index 4, so RSI is constant from there (up to rounding): every 4-value window from index 7 is flat.
    expect(firstDefined(k)).toBe(8);
    expect(k.slice(8)).toEqual(Array.from({ length: source.length - 8 }, () => 50));
    expect(d.slice(9)).toEqual(Array.from({ length: source.length - 9 }, () => 50));
  });

  it('first values at index rsiPeriod + (kPeriod−1) + (dPeriod−1), as warmup() says', () => {
    const source = Array.from({ length: 60 }, (_, i) => 100 + 10 * Math.sin(i / 4) + Math.cos(i));
    for (const [rsiPeriod, kPeriod, dPeriod] of [[14, 14, 3], [14, 5, 3], [2, 1, 1]] as const) {
      const params = { rsiPeriod, kPeriod, dPeriod };
      const out = runNode(stochRsi, { params, inputs: { source } });
      const first = rsiPeriod + kPeriod + dPeriod - 2;
      expect(firstDefined(out.k!)).toBe(first);
      expect(firstDefined(out.d!)).toBe(first);
      expect(stochRsi.warmup!(stochRsi.params.parse(params))).toBe(first);
    }
  });

  it('a NaN restarts the warm-up, RSI included', () => {
    const { k, d } = runNode(stochRsi, { params: { rsiPeriod: 2, kPeriod: 3, dPeriod: 2 }, inputs: { source: [50, 1, 90, 5, 70, 3, NaN, 10, 12, 11, 14, 12, 13, 13] } });
    expect(k.slice(6, 12).every(Number.isNaN)).toBe(true);
    expect(k[12]).toBeCloseTo(40.5, 10);
    expect(d[13]).toBeCloseTo(70.25, 10);
  });

  it('defaults to 14, 14, 3', () => {
    expect(stochRsi.params.parse({})).toEqual({ rsiPeriod: 14, kPeriod: 14, dPeriod: 3 });
    expect(stochRsi.params.safeParse({ rsiPeriod: 1 }).success).toBe(false);
  });
});

describe('indicator.stochRsi against TA-Lib', () => {
  it('matches TA-Lib STOCHRSI (fastk, fastd) to 1e-9 on the reference bars (flat RSI reads 50, see ref_momentum.stochrsi)', () => {
    const result = compareWithReference(stochRsi);
    expect(result.compared).toBeGreaterThan(3000);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
