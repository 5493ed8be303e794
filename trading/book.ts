import type { Side } from './risk-gate.ts';

/**
 * A deployment's own account, rebuilt from the fills it owns: cash, signed position, average price,
 * realised PnL and fees, with the engine's accounting rules (docs/engine.md §4). Derived, never
 * edited, so a fill stored twice is impossible (the fill table's key) and a crash cannot leave the book
 * half-updated.
 */
export interface Book {
  cash: number;
  position: number;
  avgPrice: number;
  realizedPnl: number;
  fees: number;
  fills: number;
}

export interface BookFill {
  side: Side;
  quantity: number;
  price: number;
  fee: number;
}

export function emptyBook(cash: number): Book {
  return { cash, position: 0, avgPrice: 0, realizedPnl: 0, fees: 0, fills: 0 };
}

/** Apply one fill: signed accounting, so long, short and flips share one path. */
export function applyFill(book: Book, fill: BookFill): Book {
  const qty = fill.side === 'buy' ? fill.quantity : -fill.quantity;
  const before = book.position;
  const after = before + qty;
  let { avgPrice, realizedPnl } = book;
  if (before === 0 || Math.sign(before) === Math.sign(qty)) {
    avgPrice = (avgPrice * before + fill.price * qty) / after;
  } else {
    const closing = Math.min(Math.abs(qty), Math.abs(before)) * Math.sign(qty);
    realizedPnl += -closing * (fill.price - avgPrice);
    if (Math.abs(qty) > Math.abs(before)) avgPrice = fill.price; // the new side of a flip
    else if (Math.abs(after) < 1e-12) avgPrice = 0;
  }
  return {
    cash: book.cash - qty * fill.price - fill.fee,
    position: Math.abs(after) < 1e-12 ? 0 : after,
    avgPrice: Math.abs(after) < 1e-12 ? 0 : avgPrice,
    realizedPnl,
    fees: book.fees + fill.fee,
    fills: book.fills + 1,
  };
}

export function bookFromFills(initialCash: number, fills: readonly BookFill[]): Book {
  return fills.reduce(applyFill, emptyBook(initialCash));
}

export const equityOf = (book: Book, mark: number) => book.cash + book.position * (Number.isFinite(mark) ? mark : book.avgPrice);
