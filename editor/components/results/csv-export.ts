import { outcomeOf, type NumberedTrade } from './trades-view.ts';

/**
 * One CSV field per RFC 4180: quoted when it holds a comma, quote, CR or LF, with quotes doubled. A
 * text field that a spreadsheet would run as a formula (starting with = + - @ or a tab) is prefixed
 * with a single quote; numbers are written as numbers, so negative PnL stays a number.
 */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRows(header: readonly string[], rows: readonly (readonly (string | number | boolean | null | undefined)[])[]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : '');

/** The trades shown, in the order shown, with full precision and UTC ISO times. */
export function tradesCsv(trades: readonly NumberedTrade[]): string {
  // A multi-symbol run's trades name their symbol; a one-symbol run's file keeps its columns.
  const symbols = trades.some((t) => t.symbol !== undefined);
  return csvRows(
    ['trade', ...(symbols ? ['symbol'] : []), 'side', 'entry_time', 'exit_time', 'quantity', 'entry_price', 'exit_price', 'pnl', 'return_pct', 'bars', 'exit'],
    trades.map((t) => [t.n, ...(symbols ? [t.symbol ?? ''] : []), t.side, iso(t.entryTime), t.open ? '' : iso(t.exitTime), t.quantity, t.entryPrice, t.exitPrice, t.pnl, t.returnPct, t.bars, outcomeOf(t)]),
  );
}

/** Hand text to the browser as a file download. */
export function downloadText(filename: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoke after the click has been handled; revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
