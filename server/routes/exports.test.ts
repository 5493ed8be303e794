import { describe, expect, it } from 'vitest';
import { CsvExportParams } from '../../nodes/output/csvExport/index.ts';
import { csvColumns, csvLines, csvNumber, csvText } from './exports.ts';

describe('CSV cells', () => {
  it('quotes only what needs quoting, doubling quotes (RFC 4180)', () => {
    expect(csvText('close')).toBe('close');
    expect(csvText('a,b')).toBe('"a,b"');
    expect(csvText('say "hi"')).toBe('"say ""hi"""');
    expect(csvText('two\nlines')).toBe('"two\nlines"');
    expect(csvText('cr\r')).toBe('"cr\r"');
    expect(csvText(' padded ')).toBe('" padded "');
    expect(csvText('')).toBe('');
  });

  it('defuses cells a spreadsheet would run as a formula', () => {
    expect(['=1+1', '+1', '-1', '@SUM(A1)', '\tx'].map(csvText)).toEqual(["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx"]);
    expect(csvText('=A1,B1')).toBe(`"'=A1,B1"`);
  });

  it('writes numbers in full precision and unknowns as empty cells', () => {
    expect([0.1 + 0.2, -2.5, 1e21, 0, null, undefined, NaN, Infinity].map(csvNumber)).toEqual(['0.30000000000000004', '-2.5', '1e+21', '0', '', '', '', '']);
  });
});

describe('CSV layout', () => {
  const params = CsvExportParams.parse({ labelA: 'close', labelC: 'rsi' });

  it('has a column for `when` and for each wired value input only, in port order', () => {
    expect(csvColumns(params, { when: false, a: true, b: false, c: true, d: false })).toEqual({ header: ['time', 'symbol', 'bar', 'close', 'rsi'], ports: ['a', 'c'] });
    expect(csvColumns(params, { when: true, a: false, b: false, c: false, d: true }).header).toEqual(['time', 'symbol', 'bar', 'when', 'd']);
  });

  it('writes a header-only file when the node never fired', () => {
    expect([...csvLines(params, { when: true, a: true }, [])]).toEqual(['time,symbol,bar,when,close\r\n']);
  });
});
