import { describe, expect, it } from 'vitest';
import { fmtInt, fmtLocale, fmtNumber } from './format.ts';

describe('fmtLocale', () => {
  it('formats exactly as toLocaleString does, per options', () => {
    const cases: [number, Intl.NumberFormatOptions | undefined][] = [
      [10_000, undefined],
      [1_250_000, { notation: 'compact' }],
      [1e12, { notation: 'compact', maximumFractionDigits: 2 }],
      [-1234.5678, { minimumFractionDigits: 2, maximumFractionDigits: 2 }],
      [0.000123456, { maximumFractionDigits: 6 }],
    ];
    for (const [n, options] of cases) expect(fmtLocale(n, options)).toBe(n.toLocaleString('en-US', options));
    // The same options again come from the cached formatter, with the same result.
    expect(fmtLocale(1_250_000, { notation: 'compact' })).toBe('1.3M');
  });
  it('keeps the shared formatters unchanged', () => {
    expect(fmtNumber(1234.5)).toBe('1,234.50');
    expect(fmtInt(9999.6)).toBe('10,000');
  });
});
