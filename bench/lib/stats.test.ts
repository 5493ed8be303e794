import { describe, expect, it } from 'vitest';
import { distribution, perSecond } from './stats.ts';

describe('distribution', () => {
  it('gives p50/p95/p99 by linear interpolation between ranks, whatever the input order', () => {
    // 1..200 shuffled deterministically: rank r (0-based) of p is p/100 × 199.
    const values = Array.from({ length: 200 }, (_, i) => ((i * 73) % 200) + 1);
    const d = distribution(values);
    expect(d.n).toBe(200);
    expect(d.min).toBe(1);
    expect(d.max).toBe(200);
    expect(d.mean).toBeCloseTo(100.5, 12);
    expect(d.p50).toBeCloseTo(100.5, 12); // rank 99.5 → between 100 and 101
    expect(d.p95).toBeCloseTo(190.05, 12); // rank 189.05
    expect(d.p99).toBeCloseTo(198.01, 12); // rank 197.01
  });

  it('lets one slow event show in p99 and max but not in p50', () => {
    const values = [...Array.from({ length: 99 }, () => 10), 1000];
    const d = distribution(values);
    expect(d.p50).toBe(10);
    expect(d.p99).toBeCloseTo(10 + 0.01 * 990, 9); // rank 98.01: 1 % of the way from 10 to 1000
    expect(d.max).toBe(1000);
  });

  it('drops NaN and answers NaN for no values', () => {
    expect(distribution([NaN, 5, NaN]).n).toBe(1);
    expect(distribution([NaN, 5, NaN]).p99).toBe(5);
    const empty = distribution([]);
    expect(empty.n).toBe(0);
    expect(empty.p50).toBeNaN();
  });
});

describe('perSecond', () => {
  it('turns a count over milliseconds into a rate', () => {
    expect(perSecond(250, 500)).toBe(500);
    expect(perSecond(1, 0)).toBeNaN();
  });
});
