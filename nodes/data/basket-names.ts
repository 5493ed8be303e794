/**
 * The plain parts of a CSV basket (nodes/data/basket.ts): its limits and the symbol a dataset trades as by
 * default. No zod here, so the editor can import them without building the basket's schemas.
 */

/** Most datasets in one basket: each is a lane the executor steps every bar. */
export const maxBasketDatasets = 100;

/** Longest symbol: it names trades, chart tabs and export rows, and `?symbol=` takes at most this. */
export const maxSymbolLength = 64;

/**
 * The symbol a dataset trades as when none is given: its name without a `.csv` ending, cut to the
 * longest symbol, with control characters dropped ("spy-daily.csv" → "spy-daily").
 */
export function symbolOfName(name: string): string {
  const base = name.replace(/[\u0000-\u001f\u007f]/g, '').trim().replace(/\.csv$/i, '').trim();
  return (base || name.trim() || 'dataset').slice(0, maxSymbolLength).trim();
}
