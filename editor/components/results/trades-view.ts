import type { ExitReason, Trade } from '../../../engine/broker.ts';

/** A trade with its 1-based number in the run, which stays with it through sorting and filtering. */
export interface NumberedTrade extends Trade {
  n: number;
}

export type TradeSortKey = 'n' | 'symbol' | 'side' | 'entryTime' | 'exitTime' | 'quantity' | 'entryPrice' | 'exitPrice' | 'pnl' | 'returnPct' | 'bars' | 'exitReason';
export interface TradeSort {
  key: TradeSortKey;
  dir: 'asc' | 'desc';
}

/** What closed a trade, or `open` for one still held at the end. */
export type TradeOutcome = ExitReason | 'open';

export interface TradeFilter {
  side: 'all' | 'long' | 'short';
  exit: 'all' | TradeOutcome;
  pnl: 'all' | 'win' | 'loss';
}

export const allTrades: TradeFilter = { side: 'all', exit: 'all', pnl: 'all' };

export const outcomeLabel: Record<TradeOutcome, string> = {
  signal: 'Signal',
  stopLoss: 'Stop-loss',
  takeProfit: 'Take-profit',
  trailingStop: 'Trailing stop',
  open: 'Open',
};

export const outcomeOf = (t: Trade): TradeOutcome => (t.open ? 'open' : (t.exitReason ?? 'signal'));

const sortValue = (t: NumberedTrade, key: TradeSortKey): number | string => (key === 'exitReason' ? outcomeLabel[outcomeOf(t)] : key === 'symbol' ? (t.symbol ?? '') : t[key]);

export function numberTrades(trades: readonly Trade[]): NumberedTrade[] {
  return trades.map((t, i) => ({ ...t, n: i + 1 }));
}

/** A PnL of exactly 0 is neither a win nor a loss, matching the win rate (wins are PnL > 0). */
export function matchesFilter(t: Trade, f: TradeFilter): boolean {
  if (f.side !== 'all' && t.side !== f.side) return false;
  if (f.exit !== 'all' && outcomeOf(t) !== f.exit) return false;
  if (f.pnl === 'win' && !(t.pnl > 0)) return false;
  if (f.pnl === 'loss' && !(t.pnl < 0)) return false;
  return true;
}

/** Filter, then sort stably (ties keep run order), so a re-sort never shuffles equal rows. */
export function viewTrades(trades: readonly NumberedTrade[], filter: TradeFilter, sort: TradeSort): NumberedTrade[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  return trades
    .filter((t) => matchesFilter(t, filter))
    .sort((a, b) => {
      const x = sortValue(a, sort.key);
      const y = sortValue(b, sort.key);
      const c = typeof x === 'string' || typeof y === 'string' ? String(x).localeCompare(String(y)) : (x as number) - (y as number);
      return c !== 0 && !Number.isNaN(c) ? sign * c : a.n - b.n;
    });
}

/** Clicking the sorted column flips it; another column starts descending for numbers (largest first), ascending otherwise. */
export function nextSort(current: TradeSort, key: TradeSortKey): TradeSort {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  const textual = key === 'symbol' || key === 'side' || key === 'exitReason' || key === 'n' || key === 'entryTime' || key === 'exitTime';
  return { key, dir: textual ? 'asc' : 'desc' };
}
