import { describe, expect, it } from 'vitest';
import type { Trade } from '../../../engine/broker.ts';
import { csvField, csvRows, tradesCsv } from './csv-export.ts';
import { allTrades, nextSort, numberTrades, viewTrades } from './trades-view.ts';

const t = (o: Partial<Trade>): Trade => ({
  side: 'long',
  entryTime: Date.UTC(2024, 0, 1),
  exitTime: Date.UTC(2024, 0, 2),
  quantity: 10,
  entryPrice: 100,
  exitPrice: 101,
  pnl: 10,
  returnPct: 1,
  bars: 24,
  open: false,
  exitReason: 'signal',
  ...o,
});

const trades = numberTrades([
  t({ pnl: 50, returnPct: 5 }),
  t({ side: 'short', pnl: -20, returnPct: -2, exitReason: 'stopLoss' }),
  t({ pnl: 0, returnPct: 0, exitReason: 'takeProfit' }),
  t({ side: 'short', pnl: 50, returnPct: 4, exitReason: 'trailingStop' }),
  t({ pnl: -5, returnPct: -0.5, open: true, exitReason: undefined }),
]);
const ns = (list: { n: number }[]) => list.map((x) => x.n);

describe('trade list sort and filter', () => {
  it('sorts by a column both ways, keeping run order among equal values', () => {
    expect(ns(viewTrades(trades, allTrades, { key: 'pnl', dir: 'desc' }))).toEqual([1, 4, 3, 5, 2]);
    expect(ns(viewTrades(trades, allTrades, { key: 'pnl', dir: 'asc' }))).toEqual([2, 5, 3, 1, 4]);
    expect(ns(viewTrades(trades, allTrades, { key: 'exitReason', dir: 'asc' }))).toEqual([5, 1, 2, 3, 4]);
    expect(ns(viewTrades(trades, allTrades, { key: 'n', dir: 'desc' }))).toEqual([5, 4, 3, 2, 1]);
  });

  it('filters by side, by what closed the trade (open included) and by PnL sign, zero being neither', () => {
    const by = (f: Partial<typeof allTrades>) => ns(viewTrades(trades, { ...allTrades, ...f }, { key: 'n', dir: 'asc' }));
    expect(by({ side: 'short' })).toEqual([2, 4]);
    expect(by({ exit: 'stopLoss' })).toEqual([2]);
    expect(by({ exit: 'open' })).toEqual([5]);
    expect(by({ exit: 'signal' })).toEqual([1]);
    expect(by({ pnl: 'win' })).toEqual([1, 4]);
    expect(by({ pnl: 'loss' })).toEqual([2, 5]);
    expect(by({ side: 'long', pnl: 'loss' })).toEqual([5]);
  });

  it('flips the sorted column, and starts a new numeric column with the largest first', () => {
    expect(nextSort({ key: 'pnl', dir: 'desc' }, 'pnl')).toEqual({ key: 'pnl', dir: 'asc' });
    expect(nextSort({ key: 'n', dir: 'asc' }, 'returnPct')).toEqual({ key: 'returnPct', dir: 'desc' });
    expect(nextSort({ key: 'pnl', dir: 'asc' }, 'side')).toEqual({ key: 'side', dir: 'asc' });
  });
});

describe('CSV export', () => {
  it('quotes commas, quotes and line breaks, and defuses spreadsheet formulas without touching numbers', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('-1+2')).toBe("'-1+2");
    expect(csvField(-12.5)).toBe('-12.5');
    expect(csvField(NaN)).toBe('');
    expect(csvField(null)).toBe('');
    expect(csvRows(['a', 'b'], [[1, 'x,y']])).toBe('a,b\r\n1,"x,y"\r\n');
  });

  it('writes the trades shown, in the order shown, with ISO times and no exit time for an open trade', () => {
    const shown = viewTrades(trades, { ...allTrades, pnl: 'loss' }, { key: 'pnl', dir: 'asc' });
    expect(tradesCsv(shown).split('\r\n')).toEqual([
      'trade,side,entry_time,exit_time,quantity,entry_price,exit_price,pnl,return_pct,bars,exit',
      '2,short,2024-01-01T00:00:00.000Z,2024-01-02T00:00:00.000Z,10,100,101,-20,-2,24,stopLoss',
      '5,long,2024-01-01T00:00:00.000Z,,10,100,101,-5,-0.5,24,open',
      '',
    ]);
  });
});

describe('multi-symbol trades', () => {
  const multi = numberTrades([t({ symbol: 'SYN2' }), t({ symbol: 'SYN1', pnl: -3 }), t({ symbol: 'SYN3' })]);

  it('sort by symbol, alphabetically first', () => {
    expect(nextSort({ key: 'n', dir: 'asc' }, 'symbol')).toEqual({ key: 'symbol', dir: 'asc' });
    expect(viewTrades(multi, allTrades, { key: 'symbol', dir: 'asc' }).map((x) => x.symbol)).toEqual(['SYN1', 'SYN2', 'SYN3']);
  });

  it('CSV gains a symbol column only when trades name one', () => {
    expect(tradesCsv(multi).split('\r\n')[0]).toBe('trade,symbol,side,entry_time,exit_time,quantity,entry_price,exit_price,pnl,return_pct,bars,exit');
    expect(tradesCsv(multi).split('\r\n')[1]!.startsWith('1,SYN2,long,')).toBe(true);
    expect(tradesCsv(trades).split('\r\n')[0]!.startsWith('trade,side,')).toBe(true);
  });
});
