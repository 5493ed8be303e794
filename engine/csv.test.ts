import { describe, expect, it } from 'vitest';
import { DataError } from './bars.ts';
import { decodeText, describeTime, parseOhlcvCsv, parseTime } from './csv.ts';

const header = 'time,open,high,low,close,volume';

function refused(text: string): string {
  try {
    parseOhlcvCsv(text);
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    return (err as Error).message;
  }
  throw new Error('expected the CSV to be refused');
}

describe('parseOhlcvCsv: good files', () => {
  it('reads ISO date-times as UTC into columns', () => {
    const bars = parseOhlcvCsv(`${header}\n2024-01-02T00:00:00Z,10,12,9,11,100\n2024-01-02 01:00,11,11.5,10.5,11.2,250.5\n`);
    expect([...bars.time]).toEqual([Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 2, 1)]);
    expect([...bars.open]).toEqual([10, 11]);
    expect([...bars.high]).toEqual([12, 11.5]);
    expect([...bars.low]).toEqual([9, 10.5]);
    expect([...bars.close]).toEqual([11, 11.2]);
    expect([...bars.volume]).toEqual([100, 250.5]);
  });

  it('reads date-only rows, zone offsets and fractional seconds', () => {
    const bars = parseOhlcvCsv(`${header}\n2024-03-01,1,1,1,1,0\n2024-03-02T09:30:00+02:00,1,1,1,1,0\n2024-03-02T09:30:00.250-0100,1,1,1,1,0\n`);
    expect([...bars.time]).toEqual([Date.UTC(2024, 2, 1), Date.UTC(2024, 2, 2, 7, 30), Date.UTC(2024, 2, 2, 10, 30, 0, 250)]);
    // The world's extremes, Kiribati and Baker Island.
    expect(parseTime('2024-03-02T14:00+14:00')).toBe(Date.UTC(2024, 2, 2));
    expect(parseTime('2024-03-02T00:00-12:00')).toBe(Date.UTC(2024, 2, 2, 12));
  });

  it('refuses a zone offset no place has, naming it, rather than shift the bar', () => {
    expect(parseTime('2024-01-05T10:00+25:00')).toBeNaN();
    expect(parseTime('2024-01-05T10:00+02:99')).toBeNaN();
    expect(parseTime('2024-01-05T10:00-1300')).toBeNaN();
    expect(describeTime('2024-01-05T10:00+02:99')).toBe('"2024-01-05T10:00+02:99" has the zone offset +02:99, which is not one (offsets run from −12:00 to +14:00)');
    expect(refused(`${header}\n2024-01-04T10:00,1,1,1,1,0\n2024-01-05T10:00+25:00,1,1,1,1,0\n`)).toContain('line 3, time: "2024-01-05T10:00+25:00" has the zone offset +25:00');
  });

  it('reads epoch seconds and epoch milliseconds', () => {
    const seconds = parseOhlcvCsv(`${header}\n1704067200,1,1,1,1,1\n1704153600,1,1,1,1,1\n`);
    expect([...seconds.time]).toEqual([Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 2)]);
    const ms = parseOhlcvCsv(`${header}\n1704067200000,1,1,1,1,1\n1704067260000,1,1,1,1,1\n`);
    expect([...ms.time]).toEqual([Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 1, 0, 1)]);
  });

  it('says when the header looks separated by semicolons or tabs', () => {
    expect(refused('time;open;high;low;close\n2024-01-01;1;1;1;1\n')).toBe(
      'CSV header (line 1) is missing column(s): time, open, high, low, close (found: time;open;high;low;close); the header looks ";"-separated, but the file must be comma-separated, with "." as the decimal point',
    );
    expect(refused('time\topen\thigh\tlow\tclose\n2024-01-01\t1\t1\t1\t1\n')).toMatch(/the header looks tab-separated, but the file must be comma-separated, with "\." as the decimal point$/);
    // A European spreadsheet's export: semicolons and decimal commas, so the rows have more fields than the header.
    expect(refused('time;open;high;low;close\n2024-01-01;10,5;11,5;9,5;10,5\n')).toBe(
      'CSV is malformed: line 2: expected as many fields as the header (time;open;high;low;close), found 5; the header looks ";"-separated, but the file must be comma-separated, with "." as the decimal point',
    );
  });

  it('names the header, not a blank first line, when a row has too many fields', () => {
    expect(refused(`\n${header}\n2024-01-01,1,1,1,1,1,9\n`)).toBe(`CSV is malformed: line 3: expected as many fields as the header (${header}), found 7`);
  });

  it('decodes a file by its byte-order mark, as a browser reads an upload', () => {
    const text = `${header}\n2024-01-01,1,1,1,1,1\n`;
    const le = new Uint8Array([0xff, 0xfe, ...[...text].flatMap((c) => [c.charCodeAt(0), 0])]);
    const be = new Uint8Array([0xfe, 0xff, ...[...text].flatMap((c) => [0, c.charCodeAt(0)])]);
    expect(decodeText(le)).toBe(text);
    expect(decodeText(be)).toBe(text);
    expect(decodeText(new TextEncoder().encode(text))).toBe(text);
    expect(parseOhlcvCsv(decodeText(le)).close[0]).toBe(1);
  });

  it('refuses a file that is not text, without quoting its bytes', () => {
    const png = String.fromCharCode(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d) + 'IHDR\u0000\u0000';
    expect(refused(png)).toBe('the file is not CSV text: it holds binary data (a spreadsheet, an image, or text in UTF-16 or another encoding). Save it as CSV in UTF-8');
    // UTF-16 read as UTF-8: every other byte is a NUL.
    expect(refused(`${header}\n`.split('').join('\u0000'))).toMatch(/^the file is not CSV text/);
  });

  it('reads daily files with basic dates (20240301) and tick files in microseconds', () => {
    const daily = parseOhlcvCsv(`${header}\n20240229,1,1,1,1,1\n20240301,1,1,1,1,1\n`);
    expect([...daily.time]).toEqual([Date.UTC(2024, 1, 29), Date.UTC(2024, 2, 1)]);
    const micros = parseOhlcvCsv(`${header}\n1704067200000000,1,1,1,1,1\n1704067200000500,1,1,1,1,1\n`);
    expect([...micros.time]).toEqual([Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 1) + 0.5]);
  });

  it('refuses a time outside the years 1900–2199, naming its line and what it read as', () => {
    expect(() => parseOhlcvCsv(`${header}\n1704067200,1,1,1,1,1\n99999999999,1,1,1,1,1\n`)).toThrow(
      'CSV has bad rows — line 3, time: "99999999999" reads as 5138-11-16T09:46:39.000Z, outside the years 1900–2199',
    );
  });

  it('strips a BOM, accepts header aliases in any order and case, and CRLF line ends', () => {
    const bars = parseOhlcvCsv('\uFEFFDate,Vol,C,L,H,O\r\n2024-01-01,5,2,1,3,1.5\r\n2024-01-02,6,2.5,2,3,2\r\n');
    expect([...bars.open]).toEqual([1.5, 2]);
    expect([...bars.high]).toEqual([3, 3]);
    expect([...bars.low]).toEqual([1, 2]);
    expect([...bars.close]).toEqual([2, 2.5]);
    expect([...bars.volume]).toEqual([5, 6]);
  });

  it('reads "Adj Close", "Timestamp" and quoted fields', () => {
    const bars = parseOhlcvCsv('Timestamp,Open,High,Low,Adj Close\n2024-01-01,1,2,1,1.5\n');
    expect([...bars.close]).toEqual([1.5]);
    const quoted = parseOhlcvCsv('"time","open","high","low","close"\n"2024-01-01","1","2","1","1.5"\n');
    expect([...quoted.close]).toEqual([1.5]);
  });

  it('without a volume column, volume is 0', () => {
    const bars = parseOhlcvCsv('time,open,high,low,close\n2024-01-01,1,2,1,1.5\n');
    expect([...bars.volume]).toEqual([0]);
  });

  it('skips blank lines and still numbers lines as in the file', () => {
    const bars = parseOhlcvCsv(`${header}\n\n2024-01-01,1,2,1,1.5,0\n   \n2024-01-02,1,2,1,1.5,0\n`);
    expect(bars.close).toHaveLength(2);
    const message = refused(`${header}\n\n2024-01-01,1,2,1,1.5,0\n\n2024-01-02,1,2,1,x,0\n`);
    expect(message).toContain('line 5, close');
  });
});

describe('parseOhlcvCsv: bad files name the line and the column', () => {
  it('NaN and non-numbers', () => {
    expect(refused(`${header}\n2024-01-01,1,2,1,1.5,0\n2024-01-02,NaN,2,1,1.5,0\n`)).toMatch(/line 3, open: "NaN" is not a finite number/);
    expect(refused(`${header}\n2024-01-01,1,2,1,0x10,0\n`)).toMatch(/line 2, close: "0x10" is not a finite number/);
    expect(refused(`${header}\n2024-01-01,1,Infinity,1,1,0\n`)).toMatch(/line 2, high: "Infinity"/);
  });

  it('an empty cell, price or volume', () => {
    expect(refused(`${header}\n2024-01-01,1,2,,1.5,0\n`)).toMatch(/line 2, low: "" is not a finite number/);
    expect(refused(`${header}\n2024-01-01,1,2,1,1.5,\n`)).toMatch(/line 2, volume: "" is not a non-negative number/);
    expect(refused(`${header}\n,1,2,1,1.5,1\n`)).toMatch(/line 2, time: "" is not/);
  });

  it('a negative or zero price, and a negative volume', () => {
    expect(refused(`${header}\n2024-01-01,1,2,-1,1.5,0\n`)).toMatch(/line 2, low: -1 is not a positive price/);
    expect(refused(`${header}\n2024-01-01,0,2,1,1.5,0\n`)).toMatch(/line 2, open: 0 is not a positive price/);
    expect(refused(`${header}\n2024-01-01,1,2,1,1.5,-3\n`)).toMatch(/line 2, volume: "-3"/);
  });

  it('high below low, and high/low not bracketing open and close', () => {
    expect(refused(`${header}\n2024-01-01,1.5,1,2,1.5,0\n`)).toMatch(/line 2, high: 1 is below open, low or close; line 2, low: 2 is above open, high or close/);
    expect(refused(`${header}\n2024-01-01,1,2,1,2.5,0\n`)).toMatch(/line 2, high: 2 is below/);
    expect(refused(`${header}\n2024-01-01,1,2,1.2,1.5,0\n`)).toMatch(/line 2, low: 1.2 is above/);
  });

  it('a duplicate or out-of-order time', () => {
    const rows = ['2024-01-01,1,2,1,1.5,0', '2024-01-02,1,2,1,1.5,0', '2024-01-02,1,2,1,1.5,0', '2023-12-31,1,2,1,1.5,0'];
    const message = refused([header, ...rows].join('\n'));
    expect(message).toContain('line 4, time: not after the previous bar');
    expect(message).toContain('line 5, time: not after the previous bar');
  });

  it('an unreadable time is reported once, not again on the next row', () => {
    const message = refused(`${header}\n2024-01-01,1,2,1,1.5,0\nsoon,1,2,1,1.5,0\n2024-01-03,1,2,1,1.5,0\n`);
    expect(message).toBe('CSV has bad rows — line 3, time: "soon" is not an ISO-8601 date or an epoch time');
  });

  it('refuses ambiguous or impossible dates instead of guessing', () => {
    expect(refused(`${header}\n01/02/2024,1,2,1,1.5,0\n`)).toMatch(/line 2, time: "01\/02\/2024"/);
    expect(refused(`${header}\n2024-02-30,1,2,1,1.5,0\n`)).toMatch(/line 2, time: "2024-02-30"/);
    expect(refused(`${header}\n2024-01-01T24:00:00Z,1,2,1,1.5,0\n`)).toMatch(/line 2, time/);
  });

  it('a missing column names the column', () => {
    const message = refused('time,open,high,close\n2024-01-01,1,2,1.5\n');
    expect(message).toBe('CSV header (line 1) is missing column(s): low (found: time, open, high, close)');
  });

  it('malformed quotes name the line and column', () => {
    expect(refused(`${header}\n2024-01-01,1,2,1,1.5,0\n2024-01-02,"1"x,2,1,1.5,0\n`)).toMatch(/^CSV is malformed: line 3, column 2: Invalid Closing Quote/);
    expect(refused(`${header}\n2024-01-01,1,2,"1,1.5,0\n`)).toMatch(/^CSV is malformed: line 2, column 4: Quote Not Closed/);
  });

  it('a row with the wrong number of fields names the line', () => {
    expect(refused(`${header}\n2024-01-01,1,2,1,1.5,0\n2024-01-02,1,2,1.5,0\n`)).toBe(`CSV is malformed: line 3: expected as many fields as the header (${header}), found 5`);
  });

  it('a header alone, or nothing', () => {
    expect(refused(header)).toBe('CSV needs a header row and at least one bar');
    expect(refused('')).toBe('CSV needs a header row and at least one bar');
  });

  it('lists at most ten problems', () => {
    const rows = Array.from({ length: 20 }, (_, i) => `2024-01-${String(i + 1).padStart(2, '0')},x,2,1,1.5,0`);
    const message = refused([header, ...rows].join('\n'));
    expect(message.match(/line \d+/g)).toHaveLength(10);
    expect(message.endsWith('; …')).toBe(true);
  });
});

describe('parseTime', () => {
  it('tells epoch seconds, milliseconds, microseconds and nanoseconds apart by size', () => {
    expect(parseTime('0')).toBe(0);
    expect(parseTime('1704067200.5')).toBe(1_704_067_200_500);
    // Seconds below 10¹¹, then each unit three orders larger; each range starts in 1973.
    expect(parseTime('4102444799')).toBe(Date.UTC(2099, 11, 31, 23, 59, 59));
    expect(parseTime('100000000000')).toBe(100_000_000_000);
    expect(parseTime('1677628800000')).toBe(Date.UTC(2023, 2, 1));
    expect(parseTime('1677628800000000')).toBe(Date.UTC(2023, 2, 1));
    expect(parseTime('1677628800123456')).toBeCloseTo(Date.UTC(2023, 2, 1) + 123.456, 6);
    expect(parseTime('1677628800000000000')).toBe(Date.UTC(2023, 2, 1));
    expect(parseTime('-1000000000')).toBe(-1_000_000_000_000);
  });

  it('reads eight digits as a basic ISO-8601 date, not as seconds in 1970', () => {
    expect(parseTime('20230301')).toBe(Date.UTC(2023, 2, 1));
    expect(parseTime('19991231')).toBe(Date.UTC(1999, 11, 31));
    expect(parseTime('20230230')).toBeNaN();
    expect(parseTime('20231301')).toBeNaN();
  });

  it('refuses times outside the years 1900–2199, and says what they read as', () => {
    for (const raw of ['99999999999', '1e3', '0050-01-01', '2200-01-01', '-3000000000', '18991231']) expect(parseTime(raw), raw).toBeNaN();
    expect(describeTime('99999999999')).toBe('"99999999999" reads as 5138-11-16T09:46:39.000Z, outside the years 1900–2199');
    expect(describeTime('0050-01-01')).toBe('"0050-01-01" reads as 0050-01-01T00:00:00.000Z, outside the years 1900–2199');
    expect(describeTime('soon')).toBe('"soon" is not an ISO-8601 date or an epoch time');
  });
});
