import { describe, expect, it } from 'vitest';
import { applyFill, bookFromFills, emptyBook, equityOf } from './book.ts';

describe('the deployment book', () => {
  it('opens, adds, reduces and closes a long with the engine accounting', () => {
    const b = bookFromFills(1000, [
      { side: 'buy', quantity: 2, price: 100, fee: 1 },
      { side: 'buy', quantity: 2, price: 110, fee: 1 },
      { side: 'sell', quantity: 1, price: 120, fee: 1 },
    ]);
    expect(b.position).toBe(3);
    expect(b.avgPrice).toBe(105);
    expect(b.realizedPnl).toBe(15);
    expect(b.fees).toBe(3);
    expect(b.cash).toBe(1000 - 200 - 220 + 120 - 3);
    expect(equityOf(b, 120)).toBe(b.cash + 360);
    const flat = applyFill(b, { side: 'sell', quantity: 3, price: 100, fee: 0 });
    expect(flat).toMatchObject({ position: 0, avgPrice: 0, realizedPnl: 0 });
  });

  it('flips from long to short at the fill price', () => {
    const b = bookFromFills(0, [
      { side: 'buy', quantity: 10, price: 50, fee: 0 },
      { side: 'sell', quantity: 15, price: 60, fee: 0 },
    ]);
    expect(b).toMatchObject({ position: -5, avgPrice: 60, realizedPnl: 100, cash: -500 + 900 });
  });

  it('tracks shorts with the same code path', () => {
    const b = bookFromFills(0, [
      { side: 'sell', quantity: 4, price: 100, fee: 0 },
      { side: 'buy', quantity: 1, price: 90, fee: 0 },
    ]);
    expect(b).toMatchObject({ position: -3, avgPrice: 100, realizedPnl: 10 });
    expect(emptyBook(5)).toMatchObject({ cash: 5, position: 0, fills: 0 });
  });
});
