/** Number and time formatting shared by the results views. Times are epoch milliseconds, shown in UTC. */

const numberFormats = new Map<string, Intl.NumberFormat>();

/**
 * `n.toLocaleString('en-US', options)`, with one `Intl.NumberFormat` per distinct options. `toLocaleString`
 * builds a new formatter on every call, which costs far more than formatting: measured, the range hints of
 * one settings form took ~35 ms of a page load that way.
 */
export function fmtLocale(n: number, options?: Intl.NumberFormatOptions): string {
  const key = options ? JSON.stringify(options) : '';
  let format = numberFormats.get(key);
  if (!format) numberFormats.set(key, (format = new Intl.NumberFormat('en-US', options)));
  return format.format(n);
}

/** From here on a number is written as 1.05E51: its digits are noise, and fifty of them burst any box. */
const scientificFrom = 1e15;

export function fmtNumber(n: number | null | undefined, digits = 2): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  if (Math.abs(n) >= scientificFrom) return fmtLocale(n, { notation: 'scientific', maximumFractionDigits: 2 });
  return fmtLocale(n, { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function fmtPercent(n: number | null | undefined, digits = 2, signed = false): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const text = `${fmtNumber(n, digits)} %`;
  return signed && n > 0 ? `+${text}` : text;
}

export function fmtMoney(n: number | null | undefined, digits = 2): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const sign = n < 0 ? '−' : '';
  return `${sign}${fmtNumber(Math.abs(n), digits)}`;
}

export function fmtPrice(n: number): string {
  if (!Number.isFinite(n)) return '—';
  const abs = Math.abs(n);
  return fmtNumber(n, abs >= 1000 ? 2 : abs >= 1 ? 4 : 6);
}

export function fmtQty(n: number): string {
  if (!Number.isFinite(n)) return '—';
  const abs = Math.abs(n);
  return fmtLocale(n, { maximumFractionDigits: abs >= 100 ? 2 : abs >= 1 ? 4 : 6 });
}

export function toMillis(t: number | string): number {
  return typeof t === 'number' ? t : Date.parse(t);
}

/** `2024-01-03 14:00` in UTC. */
export function fmtTime(t: number | string | null | undefined): string {
  if (t === null || t === undefined) return '—';
  const ms = toMillis(t);
  if (!Number.isFinite(ms)) return '—';
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

export function fmtDate(t: number | string): string {
  const ms = toMillis(t);
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : '—';
}

/** "3 min ago", "yesterday"-style age of a timestamp, for lists. */
export function fmtAgo(t: number | string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - toMillis(t)) / 1000));
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  if (s < 7 * 86_400) return `${Math.round(s / 86_400)} d ago`;
  return fmtDate(t);
}

export function fmtInt(n: number): string {
  return Number.isFinite(n) ? fmtLocale(Math.round(n)) : '—';
}
