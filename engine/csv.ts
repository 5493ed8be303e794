import { parse } from 'csv-parse/sync';
import { allocBars, DataError, type Bars } from './bars.ts';

const aliases: Record<string, keyof Bars> = {
  time: 'time', timestamp: 'time', date: 'time', datetime: 'time', ts: 'time',
  open: 'open', o: 'open', high: 'high', h: 'high', low: 'low', l: 'low',
  close: 'close', c: 'close', adjclose: 'close', volume: 'volume', vol: 'volume', v: 'volume',
};

/** Reported problems are capped so a file full of bad rows still gets a readable message. */
const maxReported = 10;

/**
 * Parse an OHLCV CSV with a header row. Times may be ISO-8601 or epoch seconds/milliseconds. Every
 * row is checked (finite numbers, positive prices, high/low bracketing open and close, strictly
 * increasing time) and the whole file is refused if any row is bad: a backtest on silently repaired
 * data would be a lie. The error lists the first bad rows by line number and column.
 */
export function parseOhlcvCsv(text: string): Bars {
  let rows: string[][];
  try {
    rows = parse(text.replace(/^\uFEFF/, ''), { skip_empty_lines: true, trim: true, relax_column_count: false });
  } catch (err) {
    throw new DataError(`CSV is malformed: ${(err as Error).message}`);
  }
  if (rows.length < 2) throw new DataError('CSV needs a header row and at least one bar');
  const header = rows[0]!.map((h) => aliases[h.toLowerCase().replace(/[^a-z]/g, '')]);
  const col = {} as Record<keyof Bars, number>;
  header.forEach((field, i) => {
    if (field && col[field] === undefined) col[field] = i;
  });
  const missing = (['time', 'open', 'high', 'low', 'close'] as const).filter((f) => col[f] === undefined);
  if (missing.length) throw new DataError(`CSV header is missing column(s): ${missing.join(', ')} (found: ${rows[0]!.join(', ')})`);

  const n = rows.length - 1;
  const bars = allocBars(n);
  const problems: string[] = [];
  const report = (line: number, field: string, what: string) => {
    if (problems.length < maxReported) problems.push(`line ${line}, ${field}: ${what}`);
    else if (problems.length === maxReported) problems.push('…');
  };
  for (let i = 0; i < n; i++) {
    const row = rows[i + 1]!;
    const line = i + 2;
    const time = parseTime(row[col.time]!);
    if (Number.isNaN(time)) report(line, 'time', `"${row[col.time]}" is not a date or epoch time`);
    else if (i > 0 && !(time > bars.time[i - 1]!)) report(line, 'time', 'not after the previous bar (times must strictly increase)');
    bars.time[i] = time;
    for (const field of ['open', 'high', 'low', 'close'] as const) {
      const v = Number(row[col[field]]);
      if (!Number.isFinite(v) || row[col[field]] === '') report(line, field, `"${row[col[field]]}" is not a finite number`);
      else if (v <= 0) report(line, field, `${v} is not a positive price`);
      bars[field][i] = v;
    }
    const volume = col.volume === undefined ? 0 : Number(row[col.volume]);
    if (!Number.isFinite(volume) || volume < 0) report(line, 'volume', `"${row[col.volume]}" is not a non-negative number`);
    bars.volume[i] = volume;
    const [o, h, l, c] = [bars.open[i]!, bars.high[i]!, bars.low[i]!, bars.close[i]!];
    if (h < Math.max(o, c, l)) report(line, 'high', `${h} is below open, low or close`);
    if (l > Math.min(o, c, h)) report(line, 'low', `${l} is above open, high or close`);
  }
  if (problems.length) throw new DataError(`CSV has bad rows — ${problems.join('; ')}`);
  return bars;
}

function parseTime(raw: string): number {
  if (/^-?\d+(\.\d+)?$/.test(raw)) {
    const v = Number(raw);
    // Ten-digit-ish values are epoch seconds; millisecond stamps are three orders larger.
    return Math.abs(v) < 1e11 ? v * 1000 : v;
  }
  // A date or date-time without a zone is read as UTC, so results never depend on the server's zone.
  let iso = raw.replace(/^(\d{4}-\d{2}-\d{2})[ T]?/, '$1T');
  if (iso.endsWith('T')) iso += '00:00:00';
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(iso)) iso += 'Z';
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? NaN : ms;
}
