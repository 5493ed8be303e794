import { parse } from 'csv-parse/sync';
import { allocBars, DataError, type Bars } from './bars.ts';

const aliases: Record<string, keyof Bars> = {
  time: 'time', timestamp: 'time', date: 'time', datetime: 'time', ts: 'time',
  open: 'open', o: 'open', high: 'high', h: 'high', low: 'low', l: 'low',
  close: 'close', c: 'close', adjclose: 'close', volume: 'volume', vol: 'volume', v: 'volume',
};

/** Reported problems are capped so a file full of bad rows still gets a readable message. */
const maxReported = 10;

interface CsvParseError extends Error {
  code?: string;
  lines?: number;
  column?: number;
}

/**
 * Parse an OHLCV CSV with a header row. Times may be ISO-8601 or epoch numbers (`parseTime`). Every
 * row is checked (finite numbers, positive prices, high/low bracketing open and close, strictly
 * increasing time) and the whole file is refused if any row is bad: a backtest on silently repaired
 * data would be a lie. The error lists the first bad rows by line number and column.
 */
export function parseOhlcvCsv(text: string): Bars {
  const body = text.replace(/^\uFEFF/, '');
  // A spreadsheet, image or UTF-16 file read as text: say so, rather than quote its bytes as a "header".
  const head = body.slice(0, 65_536);
  if (head.includes('\u0000') || (head.match(/[\uFFFD\u0001-\u0008\u000E-\u001F]/g)?.length ?? 0) > 8) {
    throw new DataError('the file is not CSV text: it holds binary data (a spreadsheet, an image, or text in UTF-16 or another encoding). Save it as CSV in UTF-8');
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // With `info`, each record comes with where it sits in the file; csv-parse's types miss that shape.
    records = parse(body, { skip_empty_lines: true, trim: true, relax_column_count: false, info: true }) as unknown as typeof records;
  } catch (err) {
    throw new DataError(`CSV is malformed: ${describeParseError(err as CsvParseError, body)}`);
  }
  if (records.length < 2) throw new DataError('CSV needs a header row and at least one bar');
  const headerRow = records[0]!.record;
  const header = headerRow.map((h) => aliases[h.toLowerCase().replace(/[^a-z]/g, '')]);
  const col = {} as Record<keyof Bars, number>;
  header.forEach((field, i) => {
    if (field && col[field] === undefined) col[field] = i;
  });
  const missing = (['time', 'open', 'high', 'low', 'close'] as const).filter((f) => col[f] === undefined);
  if (missing.length) {
    // A file from a locale that separates with semicolons or tabs reads as one column: say so.
    const hint = headerRow.length === 1 ? separatorHint(headerRow[0]!) : '';
    throw new DataError(`CSV header (line ${records[0]!.info.lines}) is missing column(s): ${missing.join(', ')} (found: ${headerRow.join(', ')})${hint}`);
  }

  const n = records.length - 1;
  const bars = allocBars(n);
  const problems: string[] = [];
  const report = (line: number, field: string, what: string) => {
    if (problems.length < maxReported) problems.push(`line ${line}, ${field}: ${what}`);
    else if (problems.length === maxReported) problems.push('…');
  };
  // The last good time, so one unreadable time does not also flag the next row as out of order.
  let lastTime = -Infinity;
  for (let i = 0; i < n; i++) {
    const { record: row, info } = records[i + 1]!;
    // From the parser, so blank lines and quoted line breaks do not shift the numbers.
    const line = info.lines;
    const time = parseTime(row[col.time]!);
    if (Number.isNaN(time)) report(line, 'time', describeTime(row[col.time]!));
    else if (!(time > lastTime)) report(line, 'time', 'not after the previous bar (times must strictly increase)');
    if (!Number.isNaN(time)) lastTime = time;
    bars.time[i] = time;
    for (const field of ['open', 'high', 'low', 'close'] as const) {
      const raw = row[col[field]]!;
      const v = parseNumber(raw);
      if (!Number.isFinite(v)) report(line, field, `"${raw}" is not a finite number`);
      else if (v <= 0) report(line, field, `${v} is not a positive price`);
      bars[field][i] = v;
    }
    const rawVolume = col.volume === undefined ? '0' : row[col.volume]!;
    const volume = parseNumber(rawVolume);
    if (!Number.isFinite(volume) || volume < 0) report(line, 'volume', `"${rawVolume}" is not a non-negative number`);
    bars.volume[i] = volume;
    const [o, h, l, c] = [bars.open[i]!, bars.high[i]!, bars.low[i]!, bars.close[i]!];
    if (h < Math.max(o, c, l)) report(line, 'high', `${h} is below open, low or close`);
    if (l > Math.min(o, c, h)) report(line, 'low', `${l} is above open, high or close`);
  }
  if (problems.length) throw new DataError(`CSV has bad rows — ${problems.join('; ')}`);
  return bars;
}

/**
 * A file's text by its byte-order mark, as a browser reads an upload (`FileReader.readAsText`): UTF-16
 * (little or big endian) with one, else UTF-8. A spreadsheet saved as "Unicode text" is UTF-16 with a
 * BOM; read as UTF-8 it was a NUL between every character.
 */
export function decodeText(bytes: Uint8Array): string {
  const encoding = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : 'utf-8';
  return new TextDecoder(encoding).decode(bytes);
}

/** A plain decimal number; `Number()` alone would also take "", "0x1f" and "Infinity". */
function parseNumber(raw: string): number {
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(raw) ? Number(raw) : NaN;
}

/**
 * Why a one-column header did not split: a file from a locale that separates with semicolons (and writes
 * decimal commas) or with tabs reads as one column. '' when it is not that.
 */
function separatorHint(header: string): string {
  const separator = header.includes(',') ? undefined : ['\t', ';', '|'].find((c) => header.includes(c));
  return separator ? `; the header looks ${separator === '\t' ? 'tab' : `"${separator}"`}-separated, but the file must be comma-separated, with "." as the decimal point` : '';
}

function describeParseError(err: CsvParseError, body: string): string {
  const reason = err.message.replace(/\s+(at|on) line \d+.*$/, '');
  if (err.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') {
    // The first line that is not blank: blank lines are skipped, so that one is the header.
    const header = body.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
    return `line ${err.lines}: expected as many fields as the header (${header}), found ${err.column}${separatorHint(header)}`;
  }
  if (typeof err.lines === 'number' && typeof err.column === 'number') {
    return `line ${err.lines}, column ${err.column + 1}: ${reason}`;
  }
  return err.message;
}

const isoTime = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Epoch seconds, milliseconds, microseconds or nanoseconds, a basic ISO-8601 date (`20240301`), or strict
 * extended ISO-8601 (a date, or a date and time; no zone means UTC so results never depend on the
 * server's zone). Anything else is refused rather than guessed: the engine's `Date.parse` would read
 * "01/02/2024" as 2 January and roll "2024-02-30" over into March. Times outside `timeRange` are NaN too
 * (`describeTime` says which rule a value broke).
 */
export function parseTime(raw: string): number {
  const t = readTime(raw);
  return t >= timeRange.from && t < timeRange.to ? t : NaN;
}

/** The times a bar may have: the years 1900 to 2199 (PostgreSQL and `Date` take them all). */
export const timeRange = { from: Date.UTC(1900, 0, 1), to: Date.UTC(2200, 0, 1) } as const;

/** Why `parseTime` refused `raw` (it returned NaN). */
export function describeTime(raw: string): string {
  const t = readTime(raw);
  const zone = isoTime.exec(raw)?.[8];
  if (Number.isNaN(t) && zone && Number.isNaN(zoneOffset(zone))) return `"${raw}" has the zone offset ${zone}, which is not one (offsets run from −12:00 to +14:00)`;
  if (Number.isNaN(t)) return `"${raw}" is not an ISO-8601 date or an epoch time`;
  return `"${raw}" reads as ${Number.isFinite(t) && Math.abs(t) < 8.64e15 ? new Date(t).toISOString() : 'a time beyond any calendar'}, outside the years 1900–2199`;
}

function readTime(raw: string): number {
  // Eight digits are a basic ISO-8601 date (what many exporters write for daily bars), not epoch
  // seconds: as seconds they would be a day in 1970–1973, which no bar file holds.
  const basic = /^(\d{4})(\d{2})(\d{2})$/.exec(raw);
  if (basic) return calendarTime(Number(basic[1]), Number(basic[2]), Number(basic[3]), 0, 0, 0, 0);
  if (/^-?\d+(\.\d+)?$/.test(raw)) {
    const v = Number(raw), size = Math.abs(v);
    // The unit by size: each one's range reads as 1973 to 5138 (seconds below 10¹¹, then milliseconds,
    // microseconds and nanoseconds, each three orders larger). Exchanges' trade and tick files use all four.
    return size < 1e11 ? v * 1000 : size < 1e14 ? v : size < 1e17 ? v / 1e3 : v / 1e6;
  }
  const m = isoTime.exec(raw);
  if (!m) return NaN;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((k) => Number(m[k] ?? 0)) as [number, number, number, number, number, number];
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const utc = calendarTime(year, month, day, hour, minute, second, ms);
  if (Number.isNaN(utc)) return NaN;
  const zone = m[8];
  return zone ? utc - zoneOffset(zone) * 60_000 : utc;
}

/**
 * A zone's offset from UTC in minutes (`Z`, `±HH:MM` or `±HHMM`), or NaN for one no place has: the
 * world's offsets run from −12:00 to +14:00, and `+25:00` or `+02:99` would shift every bar silently.
 */
function zoneOffset(zone: string): number {
  if (zone.toUpperCase() === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2)), minutes = Number(digits.slice(2));
  const offset = (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
  return minutes < 60 && offset >= -12 * 60 && offset <= 14 * 60 ? offset : NaN;
}

/** A UTC calendar time in ms, or NaN for an impossible one (`Date.UTC` would roll 30 February into March). */
function calendarTime(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number): number {
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59 || day < 1) return NaN;
  // Not `Date.UTC`, which reads the years 0–99 as 1900–1999.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, ms);
  return d.getUTCDate() === day ? d.getTime() : NaN;
}
