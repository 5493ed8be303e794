import { describe, expect, it } from 'vitest';
import type { Bar } from '../../ports.ts';
import { compareWithReference } from '../../reference.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { cci } from './index.ts';

const bar = (high: number, low: number, close: number): Bar => ({ time: 0, open: close, high, low, close, volume: 1000 });
const nanBar: Bar = { time: 0, open: NaN, high: NaN, low: NaN, close: NaN, volume: NaN };
// Typical prices (h+l+c)/3: 1, 2, 6, 3.
const bars = [bar(3, 0, 0), bar(4, 1, 1), bar(8, 4, 6), bar(4, 2, 3)];

describe('indicator.cci', () => {
  it('divides the typical price’s distance from its mean by 0.015 mean deviations', () => {
    const { value } = runNode(cci, { params: { period: 3 }, inputs: { bars } });
    expect(value.slice(0, 2)).toEqual([NaN, NaN]);
    // TP 1, 2, 6: mean 3, mean deviation (2+1+3)/3 = 2 → (6 − 3)/(0.015·2) = 100.
    expect(value[2]).toBeCloseTo(100, 10);
    // TP 2, 6, 3: mean 11/3, deviations 5/3, 7/3, 2/3 → 14/9 → (3 − 11/3)/(0.015·14/9) = −200/7.
    expect(value[3]).toBeCloseTo(-200 / 7, 10);
  });

  it('reads 0, not NaN, when the typical price did not change over the window', () => {
    const { value } = runNode(cci, { params: { period: 3 }, inputs: { bars: [bar(9, 1, 5), ...Array.from({ length: 5 }, () => bar(5.1, 5.1, 5.1))] } });
    expect(value.slice(3)).toEqual([0, 0, 0]);
  });

  it('resumes a state saved before it counted equal typical prices, flat window included', () => {
    const flat = [bar(9, 1, 5), bar(7, 1, 2), ...Array.from({ length: 6 }, () => bar(5.1, 5.1, 5.1)), ...bars];
    const params = cci.params.parse({ period: 3 });
    const whole = runNode(cci, { params, inputs: { bars: flat } }).value;
    for (const at of [1, 3, 4, 6, 9]) {
      const s = cci.init(params, { bars: true }) as { same?: number };
      const out = { value: NaN };
      const resumed = flat.map((b, t) => {
        if (t === at) delete s.same;
        cci.step(s as never, params, { bars: b }, out, undefined as never);
        return out.value;
      });
      expect(resumed, `from bar ${at}`).toEqual(whole);
    }
  });

  it('first value at index N−1, as warmup() says; a NaN bar restarts the window', () => {
    for (const period of [2, 4]) {
      expect(firstDefined(runNode(cci, { params: { period }, inputs: { bars } }).value)).toBe(period - 1);
      expect(cci.warmup!(cci.params.parse({ period }))).toBe(period - 1);
    }
    const { value } = runNode(cci, { params: { period: 3 }, inputs: { bars: [bar(1, 1, 1), bar(9, 9, 9), nanBar, ...bars] } });
    expect(value.slice(2, 5).every(Number.isNaN)).toBe(true);
    expect(value[5]).toBeCloseTo(100, 10);
  });

  it('defaults to 20 and refuses a period below 2', () => {
    expect(cci.params.parse({}).period).toBe(20);
    expect(cci.params.safeParse({ period: 1 }).success).toBe(false);
  });
});

describe('indicator.cci against TA-Lib', () => {
  it('matches TA-Lib CCI to 1e-9 on the reference bars, flat stretch included', () => {
    const result = compareWithReference(cci);
    expect(result.compared).toBeGreaterThan(1500);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
