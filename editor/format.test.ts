import { describe, expect, it } from 'vitest';
import { fmtInt, fmtLocale, fmtNumber, fmtPercent } from './format.ts';

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
  it('writes a number past 10¹⁵ in scientific notation, so it fits its box (a runaway backtest made a 52-digit return)', () => {
    expect(fmtNumber(999_999_999_999_999)).toBe('999,999,999,999,999.00');
    expect(fmtNumber(1.05e51)).toBe('1.05E51');
    expect(fmtPercent(-9.999999999999999e62, 1, true)).toBe('-1E63 %');
    expect(fmtPercent(1.05e51, 2, true)).toBe('+1.05E51 %');
  });
});
