import { describe, expect, it } from 'vitest';
import { OrderType, orderFields, type Order } from '../nodes/ports.ts';
import { isGoodBar, type Bars } from './bars.ts';
import { SimBroker, type Fill } from './broker.ts';
import { BacktestSettings } from './graph.ts';

/** 10 bps of slippage and 10 bps of commission keep the hand arithmetic readable. */
const settings = BacktestSettings.parse({ initialCash: 10_000, commissionBps: 10, slippageBps: 10 });
const day = 86_400_000;

/** Hand the broker an instruction as the generated loop does: the order fields in a slot array. */
function instruct(broker: SimBroker, bar: number, order: Partial<Order>): void {
  const slots = new Float64Array(orderFields.map((f) => order[f] ?? (f === 'type' || f === 'expiry' ? 0 : NaN)));
  broker.instruct(bar, slots, 0);
}

/** A market instruction at bar−1's close, worked at bar's open (a flat bar at `open`). */
function order(broker: SimBroker, target: number, bar: number, open: number): void {
  instruct(broker, bar - 1, { target });
  broker.onBar(bar, bar * day, open, open, open, open, 1e9);
}

describe('SimBroker fills', () => {
  it('buys at the open moved up by the slippage and pays commission in bps of the notional', () => {
    const b = new SimBroker(settings);
    order(b, 10, 1, 100);
    // 100 · (1 + 0.001) = 100.1; commission 10 · 100.1 · 0.001 = 1.001
    expect(b.fills).toEqual([{ time: day, quantity: 10, price: 100.1, commission: expect.closeTo(1.001, 12) }]);
    expect(b.cash).toBeCloseTo(10_000 - 1001 - 1.001, 9);
    expect(b.position).toBe(10);
    expect(b.avgPrice).toBeCloseTo(100.1, 12);
    expect(b.commissionPaid).toBeCloseTo(1.001, 12);
    // Marked at a close of 105: cash + 10 · 105, and 10 · (105 − 100.1) unrealised.
    expect(b.equity(105)).toBeCloseTo(8997.999 + 1050, 9);
    expect(b.unrealizedPnl(105)).toBeCloseTo(49, 9);
  });

  it('sells at the open moved down by the slippage', () => {
    const b = new SimBroker(settings);
    order(b, -10, 1, 100);
    expect(b.fills[0]!.price).toBeCloseTo(99.9, 12);
    expect(b.cash).toBeCloseTo(10_000 + 999 - 0.999, 9);
    expect(b.position).toBe(-10);
  });

  it('fills nothing without an instruction, when already there, on dust, or on a bad bar (the order keeps working)', () => {
    const b = new SimBroker(settings);
    b.onBar(0, 0, 100, 100, 100, 100, 1e9);
    order(b, 10, 1, 100);
    order(b, 10, 2, 100);
    order(b, 10 * (1 + 1e-13), 3, 100);
    order(b, 0, 4, 0);
    order(b, 0, 5, NaN);
    expect(b.fills).toHaveLength(1);
    expect(b.position).toBe(10);
    expect(b.workingTarget).toBe(0);
  });

  it('takes fractional quantities', () => {
    const b = new SimBroker(BacktestSettings.parse({ initialCash: 1000, commissionBps: 0, slippageBps: 0 }));
    order(b, 0.0025, 1, 40_000);
    expect(b.position).toBe(0.0025);
    expect(b.cash).toBeCloseTo(1000 - 100, 9);
    order(b, 0.001, 2, 42_000);
    // Sold 0.0015 at 42 000: +63 cash, 0.0015 · 2 000 = 3 realised.
    expect(b.position).toBe(0.001);
    expect(b.cash).toBeCloseTo(963, 9);
    expect(b.realizedPnl).toBeCloseTo(3, 9);
  });
});

describe('SimBroker accounting and trades', () => {
  it('long round trip: realised PnL, trade record net of both commissions', () => {
    const b = new SimBroker(settings);
    order(b, 10, 1, 100);
    order(b, 0, 4, 110);
    // Exit 110 · 0.999 = 109.89; gross 10 · (109.89 − 100.1) = 97.9; fees 1.001 + 1.0989.
    expect(b.position).toBe(0);
    expect(b.avgPrice).toBe(0);
    expect(b.realizedPnl).toBeCloseTo(97.9, 9);
    expect(b.trades).toHaveLength(1);
    const t = b.trades[0]!;
    expect(t).toMatchObject({ side: 'long', entryTime: day, exitTime: 4 * day, quantity: 10, bars: 3, open: false });
    expect(t.entryPrice).toBeCloseTo(100.1, 12);
    expect(t.exitPrice).toBeCloseTo(109.89, 12);
    expect(t.pnl).toBeCloseTo(97.9 - 1.001 - 1.0989, 9);
    expect(t.returnPct).toBeCloseTo(((97.9 - 2.0999) / 1001) * 100, 9);
    // Flat again: the cash moved by exactly the trade's net PnL.
    expect(b.cash - settings.initialCash).toBeCloseTo(t.pnl, 9);
  });

  it('short round trip profits when the price falls', () => {
    const b = new SimBroker(settings);
    order(b, -10, 1, 100);
    order(b, 0, 3, 90);
    // Short at 99.9, cover at 90.09: 10 · 9.81 = 98.1 gross; fees 0.999 + 0.9009.
    const t = b.trades[0]!;
    expect(t.side).toBe('short');
    expect(t.entryPrice).toBeCloseTo(99.9, 12);
    expect(t.exitPrice).toBeCloseTo(90.09, 12);
    expect(b.realizedPnl).toBeCloseTo(98.1, 9);
    expect(t.pnl).toBeCloseTo(98.1 - 0.999 - 0.9009, 9);
    expect(b.cash - settings.initialCash).toBeCloseTo(t.pnl, 9);
  });

  it('a flip closes one trade and opens the next, splitting the fill’s commission between them', () => {
    const b = new SimBroker(settings);
    order(b, 10, 1, 100);
    order(b, -5, 2, 120);
    // One sell of 15 at 119.88, commission 15 · 119.88 · 0.001 = 1.7982: 10/15 to the long, 5/15 to the short.
    expect(b.fills.map((f) => f.quantity)).toEqual([10, -15]);
    expect(b.fills[1]!.commission).toBeCloseTo(1.7982, 12);
    expect(b.trades).toHaveLength(1);
    expect(b.trades[0]).toMatchObject({ side: 'long', quantity: 10, bars: 1, open: false });
    expect(b.trades[0]!.pnl).toBeCloseTo(10 * (119.88 - 100.1) - 1.001 - 1.1988, 9);
    expect(b.position).toBe(-5);
    expect(b.avgPrice).toBeCloseTo(119.88, 12);
    // Still open at the end: marked at a last close of 110 on bar 5, held bars 2..5.
    const open = b.openTradeAt(5 * day, 5, 110)!;
    expect(open).toMatchObject({ side: 'short', entryTime: 2 * day, exitTime: 5 * day, quantity: 5, exitPrice: 110, bars: 4, open: true });
    expect(open.entryPrice).toBeCloseTo(119.88, 12);
    expect(open.pnl).toBeCloseTo(5 * (119.88 - 110) - 0.5994, 9);
    // Reporting the open trade changes nothing.
    expect(b.trades).toHaveLength(1);
    expect(b.position).toBe(-5);
  });

  it('partial reduce keeps the average price; adding re-averages it; the trade spans all of it', () => {
    const b = new SimBroker(settings);
    order(b, 10, 1, 100); // buy 10 at 100.1
    order(b, 4, 2, 110); // sell 6 at 109.89: realise 6 · 9.79 = 58.74
    expect(b.position).toBe(4);
    expect(b.avgPrice).toBeCloseTo(100.1, 12);
    expect(b.realizedPnl).toBeCloseTo(58.74, 9);
    expect(b.trades).toHaveLength(0);
    order(b, 8, 3, 90); // buy 4 at 90.09: average (4 · 100.1 + 4 · 90.09) / 8
    expect(b.avgPrice).toBeCloseTo(95.095, 12);
    order(b, 0, 6, 100); // sell 8 at 99.9: realise 8 · (99.9 − 95.095) = 38.44
    expect(b.realizedPnl).toBeCloseTo(58.74 + 38.44, 9);
    expect(b.trades).toHaveLength(1);
    const t = b.trades[0]!;
    const fees = 1.001 + 0.65934 + 0.36036 + 0.7992;
    expect(t.quantity).toBe(10);
    expect(t.bars).toBe(5);
    expect(t.entryPrice).toBeCloseTo((1001 + 360.36) / 14, 9);
    expect(t.exitPrice).toBeCloseTo((659.34 + 799.2) / 14, 9);
    expect(t.pnl).toBeCloseTo(97.18 - fees, 9);
    expect(b.commissionPaid).toBeCloseTo(fees, 9);
    expect(b.cash - settings.initialCash).toBeCloseTo(t.pnl, 9);
  });

  it('a short that grows re-averages with signed quantities', () => {
    const b = new SimBroker(BacktestSettings.parse({ initialCash: 10_000, commissionBps: 0, slippageBps: 0 }));
    order(b, -10, 1, 100);
    order(b, -15, 2, 90);
    expect(b.avgPrice).toBeCloseTo((1000 + 450) / 15, 12);
    expect(b.unrealizedPnl(80)).toBeCloseTo(-15 * (80 - 1450 / 15), 9);
  });

  it('a flip from short to long, and flat-to-flat trades are counted one each', () => {
    const b = new SimBroker(BacktestSettings.parse({ initialCash: 10_000, commissionBps: 0, slippageBps: 0 }));
    order(b, -2, 1, 50);
    order(b, 3, 2, 40); // short closes +20, long opens 3 at 40
    order(b, 0, 3, 45); // long closes +15
    expect(b.trades.map((t) => [t.side, t.pnl, t.quantity])).toEqual([
      ['short', 20, 2],
      ['long', 15, 3],
    ]);
    expect(b.cash).toBe(10_035);
    expect(b.openTradeAt(3 * day, 3, 45)).toBeUndefined();
  });

  it('float noise on a flip leaves the exact target, so the next bar does not trade dust', () => {
    const b = new SimBroker(BacktestSettings.parse({ initialCash: 1e9, commissionBps: 1, slippageBps: 1 }));
    order(b, 1_234_567.891, 1, 0.1);
    order(b, -987_654.321, 2, 0.1);
    expect(b.position).toBe(-987_654.321);
    order(b, -987_654.321, 3, 0.1);
    expect(b.fills).toHaveLength(2);
  });
});

// ——— The order model: one rule per test, numbers worked by hand ———

/** No costs, so fill prices read straight off the bar. */
const free = BacktestSettings.parse({ initialCash: 100_000, commissionBps: 0, slippageBps: 0 });
/** 10 bps of slippage and no commission: market and stop fills move by 0.1 %, limit fills do not. */
const slip = BacktestSettings.parse({ initialCash: 100_000, commissionBps: 0, slippageBps: 10 });

/** Work bar `i` with explicit prices (and a day apart unless `time` is given). */
function bar(b: SimBroker, i: number, open: number, high: number, low: number, close: number, volume = 1e9, time = i * day): void {
  b.onBar(i, time, open, high, low, close, volume);
}

/** Each fill as [quantity, price, reason], prices rounded to 9 places so slipped prices compare exactly. */
function fills(b: SimBroker): [number, number, string][] {
  return b.fills.map((f) => [Math.round(f.quantity * 1e9) / 1e9, Math.round(f.price * 1e9) / 1e9, f.reason ?? 'signal']);
}

const limit = OrderType.limit, stop = OrderType.stop, stopLimit = OrderType.stopLimit;

describe('SimBroker market orders', () => {
  it('fill at the next open, not the close, moved by the slippage', () => {
    const b = new SimBroker(slip);
    instruct(b, 0, { target: 10 });
    bar(b, 1, 100, 105, 95, 102);
    // 100 · 1.001 = 100.1: the close (102) and the range play no part.
    expect(fills(b)).toEqual([[10, 100.1, 'signal']]);
    instruct(b, 1, { target: -5 });
    bar(b, 2, 110, 111, 100, 101);
    // One sell of 15 at 110 · 0.999 = 109.89.
    expect(fills(b)[1]).toEqual([-15, 109.89, 'signal']);
  });
});

describe('SimBroker limit orders', () => {
  it('buy: a gap below the limit fills at the open, without slippage', () => {
    const b = new SimBroker(slip);
    instruct(b, 0, { target: 10, type: limit, limit: 100 });
    bar(b, 1, 98, 101, 97, 99);
    expect(fills(b)).toEqual([[10, 98, 'signal']]);
  });

  it('buy: touched inside the bar fills at the limit, without slippage', () => {
    const b = new SimBroker(slip);
    instruct(b, 0, { target: 10, type: limit, limit: 100 });
    bar(b, 1, 102, 103, 99, 101);
    expect(fills(b)).toEqual([[10, 100, 'signal']]);
  });

  it('buy: not reached keeps working, then fills when a later bar reaches it', () => {
    const b = new SimBroker(slip);
    instruct(b, 0, { target: 10, type: limit, limit: 100 });
    bar(b, 1, 102, 104, 100.01, 103);
    expect(b.fills).toEqual([]);
    expect(b.workingTarget).toBe(10);
    bar(b, 2, 101, 101, 99.5, 100);
    expect(fills(b)).toEqual([[10, 100, 'signal']]);
    expect(b.workingTarget).toBeNaN();
  });

  it('sell: a gap above the limit fills at the open; touched fills at the limit; not reached keeps working', () => {
    const gap = new SimBroker(slip);
    instruct(gap, 0, { target: -10, type: limit, limit: 110 });
    bar(gap, 1, 112, 113, 109, 111);
    expect(fills(gap)).toEqual([[-10, 112, 'signal']]);

    const touch = new SimBroker(slip);
    instruct(touch, 0, { target: -10, type: limit, limit: 110 });
    bar(touch, 1, 108, 111, 107, 109);
    expect(fills(touch)).toEqual([[-10, 110, 'signal']]);

    const miss = new SimBroker(slip);
    instruct(miss, 0, { target: -10, type: limit, limit: 110 });
    bar(miss, 1, 105, 109.99, 104, 108);
    expect(miss.fills).toEqual([]);
    expect(miss.workingTarget).toBe(-10);
  });

  it('a limit exit (sell from a long) follows the same rules', () => {
    const b = new SimBroker(free);
    instruct(b, 0, { target: 10 });
    bar(b, 1, 100, 100, 100, 100);
    instruct(b, 1, { target: 0, type: limit, limit: 105 });
    bar(b, 2, 101, 104, 100, 103);
    bar(b, 3, 103, 106, 102, 104);
    expect(fills(b)).toEqual([[10, 100, 'signal'], [-10, 105, 'signal']]);
    expect(b.trades[0]).toMatchObject({ entryPrice: 100, exitPrice: 105, pnl: 50, bars: 2 });
    expect(b.trades[0]!.exitReason).toBeUndefined();
  });
});

describe('SimBroker stop orders', () => {
  it('buy: a gap above the stop fills at the open plus slippage', () => {
    const b = new SimBroker(slip);
    instruct(b, 0, { target: 10, type: stop, stop: 105 });
    bar(b, 1, 107, 108, 106, 107);
    expect(fills(b)).toEqual([[10, 107.107, 'signal']]);
  });

  it('buy: touched inside the bar fills at the stop plus slippage; not reached keeps working', () => {
    const b = new SimBroker(slip);
    instruct(b, 0, { target: 10, type: stop, stop: 105 });
    bar(b, 1, 101, 104.99, 99, 104);
    expect(b.fills).toEqual([]);
    bar(b, 2, 102, 106, 101, 105.5);
    // 105 · 1.001
    expect(fills(b)).toEqual([[10, 105.105, 'signal']]);
  });

  it('sell: a gap below the stop fills at the open less slippage; touched at the stop less slippage', () => {
    const gap = new SimBroker(slip);
    instruct(gap, 0, { target: -10, type: stop, stop: 95 });
    bar(gap, 1, 93, 94, 92, 93);
    // 93 · 0.999
    expect(fills(gap)).toEqual([[-10, 92.907, 'signal']]);

    const touch = new SimBroker(slip);
    instruct(touch, 0, { target: -10, type: stop, stop: 95 });
    bar(touch, 1, 98, 99, 94, 96);
    // 95 · 0.999
    expect(fills(touch)).toEqual([[-10, 94.905, 'signal']]);
  });
});

describe('SimBroker stop-limit orders', () => {
  it('triggered at the open by a gap, then a limit for the whole bar: fills at the limit when the bar comes back to it', () => {
    const b = new SimBroker(slip);
    instruct(b, 0, { target: 10, type: stopLimit, stop: 105, limit: 106 });
    // Opens at 108, through the stop and above the limit; the low 105.5 comes back under 106.
    bar(b, 1, 108, 109, 105.5, 107);
    expect(fills(b)).toEqual([[10, 106, 'signal']]);
  });

  it('triggered at the open inside the limit fills at the open, without slippage', () => {
    const b = new SimBroker(slip);
    instruct(b, 0, { target: 10, type: stopLimit, stop: 105, limit: 106 });
    bar(b, 1, 105.5, 107, 105, 106);
    expect(fills(b)).toEqual([[10, 105.5, 'signal']]);
  });

  it('triggered inside the bar with the stop within the limit fills at the stop, without slippage', () => {
    const b = new SimBroker(slip);
    instruct(b, 0, { target: 10, type: stopLimit, stop: 105, limit: 106 });
    bar(b, 1, 102, 107, 101, 106);
    expect(fills(b)).toEqual([[10, 105, 'signal']]);
  });

  it('triggered inside the bar beyond the limit rests as a limit from the next bar', () => {
    const b = new SimBroker(slip);
    // Buy when 105 trades, but pay at most 104.
    instruct(b, 0, { target: 10, type: stopLimit, stop: 105, limit: 104 });
    // Not triggered: the low reaching the limit means nothing yet.
    bar(b, 1, 103, 104.5, 100, 103);
    expect(b.fills).toEqual([]);
    // Triggered at 105 inside the bar; whether the low of 101 came after the trigger is unknown: no fill.
    bar(b, 2, 102, 107, 101, 106);
    expect(b.fills).toEqual([]);
    expect(b.workingTarget).toBe(10);
    // Now a plain limit at 104, although the price stays above the stop.
    bar(b, 3, 106, 106, 103.5, 105.5);
    expect(fills(b)).toEqual([[10, 104, 'signal']]);
  });

  it('sell side mirrors it: triggered at 95 within a limit of 94 fills at 95', () => {
    const b = new SimBroker(slip);
    instruct(b, 0, { target: -10, type: stopLimit, stop: 95, limit: 94 });
    bar(b, 1, 98, 99, 93, 94);
    expect(fills(b)).toEqual([[-10, 95, 'signal']]);
  });
});

describe('SimBroker expiry', () => {
  it('n bars: worked on the next n bars, then cancelled', () => {
    const b = new SimBroker(free);
    instruct(b, 0, { target: 10, type: limit, limit: 90, expiry: 2 });
    bar(b, 1, 100, 101, 95, 100);
    bar(b, 2, 100, 101, 95, 100);
    expect(b.workingTarget).toBeNaN();
    bar(b, 3, 100, 101, 89, 100);
    expect(b.fills).toEqual([]);
    // Reached on its last bar, it fills.
    const last = new SimBroker(free);
    instruct(last, 0, { target: 10, type: limit, limit: 90, expiry: 2 });
    bar(last, 1, 100, 101, 95, 100);
    bar(last, 2, 100, 101, 89, 100);
    expect(fills(last)).toEqual([[10, 90, 'signal']]);
  });

  it('good-till-cancelled (0): still working 50 bars later', () => {
    const b = new SimBroker(free);
    instruct(b, 0, { target: 10, type: limit, limit: 90, expiry: 0 });
    for (let i = 1; i <= 50; i++) bar(b, i, 100, 101, 95, 100);
    expect(b.workingTarget).toBe(10);
    bar(b, 51, 100, 101, 89, 100);
    expect(fills(b)).toEqual([[10, 90, 'signal']]);
  });

  it('day (−1): valid through the UTC day of its first eligible bar', () => {
    const hour = 3_600_000;
    const d = Date.UTC(2024, 0, 1);
    // Decided at the close of the 09:00 bar: worked on 10:00 … 23:00 of that day, gone at midnight.
    const b = new SimBroker(free);
    instruct(b, 0, { target: 10, type: limit, limit: 90, expiry: -1 });
    for (let h = 10; h <= 23; h++) bar(b, h, 100, 101, 95, 100, 1e9, d + h * hour);
    expect(b.workingTarget).toBe(10);
    bar(b, 24, 100, 101, 89, 100, 1e9, d + 24 * hour);
    expect(b.fills).toEqual([]);
    expect(b.workingTarget).toBeNaN();
    // Reached at 23:00, it fills.
    const late = new SimBroker(free);
    instruct(late, 0, { target: 10, type: limit, limit: 90, expiry: -1 });
    bar(late, 1, 100, 101, 95, 100, 1e9, d + 22 * hour);
    bar(late, 2, 100, 101, 89, 100, 1e9, d + 23 * hour);
    expect(fills(late)).toEqual([[10, 90, 'signal']]);
    // Decided at the close of the last bar of a day, its first eligible bar is the next day's: valid all that day.
    const overnight = new SimBroker(free);
    instruct(overnight, 0, { target: 10, type: limit, limit: 90, expiry: -1 });
    bar(overnight, 1, 100, 101, 95, 100, 1e9, d + 24 * hour);
    bar(overnight, 2, 100, 101, 89, 100, 1e9, d + 47 * hour);
    expect(fills(overnight)).toEqual([[10, 90, 'signal']]);
  });
});

describe('SimBroker instruction changes', () => {
  it('an unchanged instruction repeated every bar neither resets the expiry nor resubmits', () => {
    const b = new SimBroker(free);
    const o = { target: 10, type: limit, limit: 90, expiry: 2 };
    instruct(b, 0, o);
    bar(b, 1, 100, 101, 95, 100);
    instruct(b, 1, o);
    bar(b, 2, 100, 101, 95, 100);
    instruct(b, 2, o);
    // Expired after bar 2: the repeat at bar 2's close is not a new order.
    bar(b, 3, 100, 101, 89, 100);
    expect(b.fills).toEqual([]);
  });

  it('an unchanged stop-limit keeps its triggered state across repeats', () => {
    const b = new SimBroker(free);
    const o = { target: 10, type: stopLimit, stop: 105, limit: 104 };
    instruct(b, 0, o);
    bar(b, 1, 102, 107, 101, 106); // triggered beyond the limit
    instruct(b, 1, o);
    bar(b, 2, 106, 106, 103.5, 105);
    expect(fills(b)).toEqual([[10, 104, 'signal']]);
  });

  it('a changed instruction replaces the working order', () => {
    const b = new SimBroker(free);
    instruct(b, 0, { target: 10, type: limit, limit: 100 });
    instruct(b, 1, { target: 10, type: limit, limit: 95 });
    // The old 100 would fill here; the new 95 does not.
    bar(b, 2, 101, 102, 97, 98);
    expect(b.fills).toEqual([]);
    bar(b, 3, 98, 99, 94, 96);
    expect(fills(b)).toEqual([[10, 95, 'signal']]);
    // A change to the position already held cancels what is working.
    instruct(b, 3, { target: 20, type: limit, limit: 80 });
    expect(b.workingTarget).toBe(20);
    instruct(b, 4, { target: 10 });
    expect(b.workingTarget).toBeNaN();
    bar(b, 5, 80, 81, 70, 75);
    expect(b.fills).toHaveLength(1);
  });

  it('a NaN target is no instruction: the working order keeps working and the next equal instruction is not new', () => {
    const b = new SimBroker(free);
    instruct(b, 0, { target: 10, type: limit, limit: 100, expiry: 2 });
    instruct(b, 1, { target: NaN, type: OrderType.market });
    expect(b.workingTarget).toBe(10);
    bar(b, 1, 101, 102, 100.5, 101);
    instruct(b, 1, { target: 10, type: limit, limit: 100, expiry: 2 });
    bar(b, 2, 101, 102, 100.5, 101);
    expect(b.workingTarget).toBeNaN();
    bar(b, 3, 101, 102, 99, 101);
    expect(b.fills).toEqual([]);
  });
});

describe('SimBroker trade log', () => {
  it('gives the same records read after every bar as read once at the end, past its first buffer', () => {
    // Long and short round trips, some closed by a stop-loss or a take-profit, in a named symbol's broker.
    const drive = (b: SimBroker, readEachBar: boolean) => {
      for (let i = 0; i < 60; i++) {
        const t = 1 + 3 * i;
        instruct(b, t - 1, i % 3 === 0 ? { target: 0 } : { target: i % 2 ? 10 : -5, stopLoss: i % 2 ? 95 : 105, takeProfit: i % 2 ? 110 : 90 });
        bar(b, t, 100, 101, 99, 100);
        if (readEachBar) void b.trades.length;
        // Every fourth trip runs into its stop-loss or take-profit.
        if (i % 4 === 1) bar(b, t + 1, 100, 111, 99, 108);
        else bar(b, t + 1, 100, 101, 99, 100);
        if (readEachBar) void b.trades.length;
      }
    };
    const eager = new SimBroker(slip, undefined, 'BTC/USDT');
    const lazy = new SimBroker(slip, undefined, 'BTC/USDT');
    drive(eager, true);
    drive(lazy, false);
    expect(lazy.trades.length).toBeGreaterThan(16);
    expect(lazy.trades).toEqual(eager.trades);
    // Fields in the same order as a record built at the close (the stored JSON keeps it).
    expect(JSON.stringify(lazy.trades)).toBe(JSON.stringify(eager.trades));
    expect(Object.keys(lazy.trades.find((t) => t.exitReason)!)).toEqual(['side', 'entryTime', 'exitTime', 'quantity', 'entryPrice', 'exitPrice', 'pnl', 'returnPct', 'bars', 'open', 'symbol', 'exitReason']);
    expect(new Set(lazy.trades.map((t) => t.exitReason ?? 'signal'))).toEqual(new Set(['signal', 'takeProfit']));
    expect(new Set(lazy.trades.map((t) => t.side))).toEqual(new Set(['long', 'short']));
    // One record against its fills: long 10 bought at 100.1 (slipped), sold at the take-profit of 110.
    const tp = lazy.trades.find((t) => t.exitReason === 'takeProfit')!;
    expect(tp).toMatchObject({ side: 'long', quantity: 10, exitPrice: 110, bars: 1, open: false, symbol: 'BTC/USDT' });
    expect(tp.entryPrice).toBeCloseTo(100.1, 9);
    expect(tp.pnl).toBeCloseTo(10 * (110 - 100.1), 9);
    expect(tp.returnPct).toBeCloseTo(((110 - 100.1) / 100.1) * 100, 9);
  });
});

describe('SimBroker brackets', () => {
  /** Long 10 bought at bar 1's open of 100 (100.1 with slippage) with the given exits. */
  function long(exits: Partial<Order>, settings = slip): SimBroker {
    const b = new SimBroker(settings);
    instruct(b, 0, { target: 10, ...exits });
    bar(b, 1, 100, 102, 99, 101);
    return b;
  }

  it('stop-loss closes the whole position at the stop less slippage; the trade and the fill say why', () => {
    const b = long({ stopLoss: 95, takeProfit: 110 });
    bar(b, 2, 100, 101, 94, 96);
    // 95 · 0.999 = 94.905
    expect(fills(b)).toEqual([[10, 100.1, 'signal'], [-10, 94.905, 'stopLoss']]);
    expect(b.position).toBe(0);
    expect(b.trades).toEqual([expect.objectContaining({ side: 'long', exitReason: 'stopLoss', bars: 1 })]);
    expect(b.trades[0]!.pnl).toBeCloseTo(10 * (94.905 - 100.1), 9);
  });

  it('take-profit closes the whole position at the target, without slippage', () => {
    const b = long({ stopLoss: 95, takeProfit: 110 });
    bar(b, 2, 105, 111, 104, 108);
    expect(fills(b)[1]).toEqual([-10, 110, 'takeProfit']);
    expect(b.trades[0]!.exitReason).toBe('takeProfit');
  });

  it('one cancels the other: after the stop, the take-profit is gone', () => {
    const b = long({ stopLoss: 95, takeProfit: 110 });
    bar(b, 2, 100, 101, 94, 96);
    bar(b, 3, 100, 120, 99, 115);
    expect(b.fills).toHaveLength(2);
    expect(b.position).toBe(0);
  });

  it('when both lie inside one bar the stop is taken first', () => {
    const b = long({ stopLoss: 95, takeProfit: 110 });
    bar(b, 2, 100, 111, 94, 105);
    expect(fills(b)[1]).toEqual([-10, 94.905, 'stopLoss']);
  });

  it('a gap through the stop fills at the open less slippage; a gap through the target at the open comes before an intrabar stop', () => {
    const gapDown = long({ stopLoss: 95, takeProfit: 110 });
    bar(gapDown, 2, 90, 92, 88, 91);
    // 90 · 0.999
    expect(fills(gapDown)[1]).toEqual([-10, 89.91, 'stopLoss']);

    const gapUp = long({ stopLoss: 95, takeProfit: 110 });
    // Opens at 112, above the target: sold there before the bar falls to 94.
    bar(gapUp, 2, 112, 113, 94, 96);
    expect(fills(gapUp)[1]).toEqual([-10, 112, 'takeProfit']);
  });

  it('a short bracket: the stop above buys back plus slippage, the target below without', () => {
    const s = new SimBroker(slip);
    instruct(s, 0, { target: -10, stopLoss: 105, takeProfit: 90 });
    bar(s, 1, 100, 101, 99, 100);
    bar(s, 2, 101, 106, 99, 104);
    expect(fills(s)).toEqual([[-10, 99.9, 'signal'], [10, 105.105, 'stopLoss']]);

    const t = new SimBroker(slip);
    instruct(t, 0, { target: -10, stopLoss: 105, takeProfit: 90 });
    bar(t, 1, 100, 101, 99, 100);
    bar(t, 2, 95, 96, 89, 90);
    expect(fills(t)[1]).toEqual([10, 90, 'takeProfit']);
  });

  it('on the entry bar: exits act when the entry filled at the open, not after an entry inside the bar', () => {
    // Market entry at the open of 100: the whole bar came after it, so its low of 94 stops it out.
    const open = new SimBroker(slip);
    instruct(open, 0, { target: 10, stopLoss: 95 });
    bar(open, 1, 100, 101, 94, 96);
    expect(fills(open)).toEqual([[10, 100.1, 'signal'], [-10, 94.905, 'stopLoss']]);

    // Limit entry at 100 inside a bar that also reaches 94: OHLC cannot say the low came after the fill.
    const inside = new SimBroker(slip);
    instruct(inside, 0, { target: 10, type: limit, limit: 100, stopLoss: 95 });
    bar(inside, 1, 102, 103, 94, 96);
    expect(fills(inside)).toEqual([[10, 100, 'signal']]);
    bar(inside, 2, 96, 97, 94, 95);
    expect(fills(inside)[1]).toEqual([-10, 94.905, 'stopLoss']);
  });

  it('exits inside a bar come before the strategy’s own order inside that bar', () => {
    const b = long({ stopLoss: 95 }, free);
    // Add 10 more at a limit of 96, keeping the stop: the stop (95) is taken first and cancels the add.
    instruct(b, 1, { target: 20, type: limit, limit: 96, stopLoss: 95 });
    bar(b, 2, 100, 100, 94, 95);
    expect(fills(b)).toEqual([[10, 100, 'signal'], [-10, 95, 'stopLoss']]);
    expect(b.workingTarget).toBeNaN();
  });

  it('exits guard the side the instruction asked for, not the old side of a pending flip', () => {
    const b = long({ stopLoss: 95 }, free);
    // Go short at a limit of 110 with a stop at 115 for the short. The long is now unprotected (its 95 was
    // replaced), and the short's 115 must not act on the long (a sell stop at 115 would fire at any open).
    instruct(b, 1, { target: -10, type: limit, limit: 110, stopLoss: 115 });
    bar(b, 2, 100, 105, 94, 100);
    expect(b.position).toBe(10);
    bar(b, 3, 108, 111, 107, 109);
    expect(b.position).toBe(-10);
    bar(b, 4, 112, 116, 111, 115);
    expect(fills(b)).toEqual([[10, 100, 'signal'], [-20, 110, 'signal'], [10, 115, 'stopLoss']]);
  });

  it('after a protective exit the unchanged instruction does not re-enter; a new one does', () => {
    const o = { target: 10, stopLoss: 95 };
    const b = long(o, free);
    instruct(b, 1, o);
    bar(b, 2, 100, 101, 94, 96);
    instruct(b, 2, o);
    bar(b, 3, 96, 97, 95.5, 96);
    expect(b.position).toBe(0);
    instruct(b, 3, { target: 10, stopLoss: 90 });
    bar(b, 4, 97, 98, 96, 97);
    expect(fills(b)).toEqual([[10, 100, 'signal'], [-10, 95, 'stopLoss'], [10, 97, 'signal']]);
  });
});

describe('SimBroker trailing anchor over skipped calm bars', () => {
  // The executor skips onBarAt on calm bars (no trail, price inside the exits' band); a trail set later
  // must still hang from the best high since entry, as if every bar had been worked.
  const n = 40;
  const bars: Bars = { time: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n).fill(1e9) };
  for (let t = 0; t < n; t++) {
    const c = t < 20 ? 100 + t : 120 - (t - 20) * 0.5;
    bars.time[t] = t * 60_000;
    bars.open[t] = c;
    bars.close[t] = c;
    bars.high[t] = c + (t === 12 ? 12 : 1);
    bars.low[t] = c - 1;
  }
  bars.close[15] = NaN; // a bad bar: never folded in, whether worked or skipped
  const good = (t: number) => isGoodBar(bars, t);
  const order = (target: number, trail: number) => Float64Array.from([target, 0, NaN, NaN, 0, NaN, NaN, trail]);

  function run(skip: boolean): Fill[] {
    const b = new SimBroker(BacktestSettings.parse({ initialCash: 10_000, commissionBps: 0, slippageBps: 0 }));
    for (let t = 0; t < n; t++) {
      if (good(t)) {
        b.calm();
        const calm = b.calmLow < Math.min(bars.open[t]!, bars.low[t]!) && Math.max(bars.open[t]!, bars.high[t]!) < b.calmHigh;
        if (!(skip && calm) && b.working()) b.onBarAt(t, bars, t);
      }
      // Long from bar 1, two more units bought at bar 18's open (a bar worked after skipped ones, before
      // any trail), and a 5 % trailing stop added at the close of bar 25.
      if (t === 0) b.instruct(t, order(10, NaN), 0);
      if (t === 17) b.instruct(t, order(12, NaN), 0);
      if (t === 25) b.instruct(t, order(12, 0.05), 0);
    }
    return b.fills;
  }

  it('hangs a trail set later from the best high since entry (bar 12), skipped bars included', () => {
    const worked = run(false);
    const skipped = run(true);
    expect(skipped).toEqual(worked);
    // The anchor is bar 12's high (112 + 12 = 124; no later bar reaches it): the stop at 124 × 0.95 =
    // 117.8 is already through at bar 26's open (117), where it fills.
    expect(worked.map((f) => [f.quantity, f.time / 60_000, f.reason ?? 'signal'])).toEqual([[10, 1, 'signal'], [2, 18, 'signal'], [-12, 26, 'trailingStop']]);
    expect(worked[2]!.price).toBe(117);
  });
});

describe('SimBroker trailing stops', () => {
  it('long: hangs from the best high of closed bars since entry, never loosens', () => {
    const b = new SimBroker(free);
    instruct(b, 0, { target: 10, trail: 0.1 });
    // Entry at the open of 100: the anchor starts at 100, so the stop on this bar is 90 (the low 95 is safe).
    bar(b, 1, 100, 110, 95, 108);
    // Anchor 110 → stop 99; the low of 100 holds.
    bar(b, 2, 108, 120, 100, 118);
    // Anchor 120 → stop 108; a lower high (116) does not lower it.
    bar(b, 3, 115, 116, 109, 110);
    expect(b.position).toBe(10);
    bar(b, 4, 109, 109, 107, 108);
    expect(fills(b)).toEqual([[10, 100, 'signal'], [-10, 108, 'trailingStop']]);
    expect(b.trades[0]!.exitReason).toBe('trailingStop');
  });

  it('short: hangs from the best low, and the stop buys back', () => {
    const b = new SimBroker(free);
    instruct(b, 0, { target: -10, trail: 0.1 });
    bar(b, 1, 100, 104, 90, 92); // stop 110 on this bar; anchor → 90
    bar(b, 2, 92, 98, 85, 88); // stop 99; anchor → 85
    bar(b, 3, 88, 94, 87, 93); // stop 93.5
    expect(fills(b)).toEqual([[-10, 100, 'signal'], [10, 93.5, 'trailingStop']]);
  });

  it('the tighter of the stop-loss and the trailing stop acts', () => {
    const b = new SimBroker(free);
    instruct(b, 0, { target: 10, stopLoss: 95, trail: 0.1 });
    // Trailing 90 is looser than 95: the stop-loss acts.
    bar(b, 1, 100, 100, 94, 96);
    expect(fills(b)[1]).toEqual([-10, 95, 'stopLoss']);
    const c = new SimBroker(free);
    instruct(c, 0, { target: 10, stopLoss: 95, trail: 0.1 });
    bar(c, 1, 100, 120, 99, 118);
    // Anchor 120 → trailing 108, tighter than 95.
    bar(c, 2, 110, 111, 94, 100);
    expect(fills(c)[1]).toEqual([-10, 108, 'trailingStop']);
  });

  it('after an entry inside a bar, that bar’s extremes do not move the anchor', () => {
    const b = new SimBroker(free);
    instruct(b, 0, { target: 10, type: limit, limit: 100, trail: 0.1 });
    // Filled at 100; the high of 130 may have come before the fill, so the anchor stays 100.
    bar(b, 1, 102, 130, 99, 101);
    // Stop 90: the low of 91 holds (an anchor of 130 would have stopped out at 117). Anchor → 102.
    bar(b, 2, 101, 102, 91, 95);
    expect(b.position).toBe(10);
    // Stop 91.8.
    bar(b, 3, 95, 96, 91.5, 92);
    expect(fills(b)).toEqual([[10, 100, 'signal'], [-10, 91.8, 'trailingStop']]);
  });
});

describe('SimBroker costs', () => {
  it('commission adds the bps, per-unit and fixed parts, and is never below the minimum', () => {
    const parts = BacktestSettings.parse({ initialCash: 1_000_000, commissionBps: 10, commissionPerShare: 0.01, commissionFixed: 1, slippageBps: 0 });
    const b = new SimBroker(parts);
    order(b, 10, 1, 100);
    // 10 · 100 · 0.001 + 10 · 0.01 + 1 = 1 + 0.1 + 1
    expect(b.fills[0]!.commission).toBeCloseTo(2.1, 12);
    expect(b.cash).toBeCloseTo(1_000_000 - 1000 - 2.1, 9);

    const floor = new SimBroker({ ...parts, commissionMinimum: 5 });
    order(floor, 10, 1, 100);
    order(floor, 1010, 2, 100);
    // 2.1 is raised to 5; 1000 units: 100 + 10 + 1 = 111 is above it.
    expect(floor.fills.map((f) => f.commission)).toEqual([5, expect.closeTo(111, 9)]);
  });

  it('ticks slippage: ticks × tick size against the trader, never below one tick', () => {
    const ticks = BacktestSettings.parse({ initialCash: 100_000, commissionBps: 0, slippageModel: 'ticks', slippageTicks: 2, tickSize: 0.05 });
    const b = new SimBroker(ticks);
    order(b, 10, 1, 100);
    order(b, -10, 2, 100);
    expect(fills(b)).toEqual([[10, 100.1, 'signal'], [-20, 99.9, 'signal']]);
    const low = new SimBroker(ticks);
    order(low, -10, 1, 0.05);
    expect(low.fills[0]!.price).toBe(0.05);
  });

  it('volatility slippage: multiple × sample stdev of the last 20 close-to-close returns, known before the bar', () => {
    const vol = BacktestSettings.parse({ initialCash: 100_000, commissionBps: 0, slippageModel: 'volatility', slippageVolatility: 0.5 });
    // No returns yet: no slippage.
    const first = new SimBroker(vol);
    order(first, 10, 0, 100);
    expect(first.fills[0]!.price).toBe(100);
    // Closes 100, 110, 99: returns +0.1 and −0.1, sample sd √0.02; the fill at bar 3 ignores bar 3's own close.
    const b = new SimBroker(vol);
    bar(b, 0, 100, 100, 100, 100);
    bar(b, 1, 100, 110, 100, 110);
    bar(b, 2, 110, 110, 99, 99);
    instruct(b, 2, { target: 10 });
    bar(b, 3, 100, 300, 100, 300);
    expect(b.fills[0]!.price).toBeCloseTo(100 * (1 + 0.5 * Math.sqrt(0.02)), 9);
  });

  it('volatility slippage: a return older than 20 bars drops out', () => {
    const vol = BacktestSettings.parse({ initialCash: 100_000, commissionBps: 0, slippageModel: 'volatility', slippageVolatility: 1 });
    const b = new SimBroker(vol);
    // One +50 % return, then 20 returns alternating +1 %, −1 %: only the 20 count.
    const closes = [100, 150];
    for (let i = 0; i < 20; i++) closes.push(closes.at(-1)! * (i % 2 === 0 ? 1.01 : 0.99));
    closes.forEach((c, i) => bar(b, i, c, c, c, c));
    instruct(b, 21, { target: 10 });
    bar(b, 22, 100, 100, 100, 100);
    // Mean 0, Σr² = 20 · 0.0001, sd = 0.01 · √(20/19).
    expect(b.fills[0]!.price).toBeCloseTo(100 * (1 + 0.01 * Math.sqrt(20 / 19)), 9);
  });
});

describe('SimBroker participation cap', () => {
  const capped = BacktestSettings.parse({ initialCash: 100_000, commissionBps: 0, slippageBps: 0, maxParticipation: 10 });

  it('cuts each bar’s fill to the percent of its volume; the rest fills on later bars', () => {
    const b = new SimBroker(capped);
    instruct(b, 0, { target: 12 });
    bar(b, 1, 100, 101, 99, 100, 50); // 10 % of 50 = 5
    expect(b.workingTarget).toBe(12);
    bar(b, 2, 102, 103, 101, 102, 50); // 5 more
    bar(b, 3, 104, 105, 103, 104, 100); // room for 10, 2 needed
    expect(fills(b)).toEqual([[5, 100, 'signal'], [5, 102, 'signal'], [2, 104, 'signal']]);
    expect(b.workingTarget).toBeNaN();
    // A bar with no volume fills nothing.
    instruct(b, 3, { target: 0 });
    bar(b, 4, 100, 100, 100, 100, 0);
    expect(b.position).toBe(12);
  });

  it('a limit’s rest fills only on bars that reach the limit; a triggered stop’s rest works on as a market order', () => {
    const l = new SimBroker(capped);
    instruct(l, 0, { target: 12, type: limit, limit: 100 });
    bar(l, 1, 101, 102, 99, 101, 50);
    bar(l, 2, 102, 103, 101, 102, 50);
    bar(l, 3, 100.5, 101, 98, 100, 50);
    expect(fills(l)).toEqual([[5, 100, 'signal'], [5, 100, 'signal']]);

    const s = new SimBroker(capped);
    instruct(s, 0, { target: 12, type: stop, stop: 105 });
    bar(s, 1, 102, 106, 101, 104, 50);
    // Back under the stop, but the order was triggered: the rest buys at the open.
    bar(s, 2, 103, 104, 100, 101, 50);
    expect(fills(s)).toEqual([[5, 105, 'signal'], [5, 103, 'signal']]);
  });

  it('a protective exit is capped too and finishes on later bars', () => {
    const b = new SimBroker(capped);
    instruct(b, 0, { target: 10, stopLoss: 95 });
    bar(b, 1, 100, 100, 100, 100, 100);
    bar(b, 2, 96, 96, 94, 95, 60); // 6 at the stop
    bar(b, 3, 93, 94, 92, 93, 60); // the rest at the open, gapped below the stop
    expect(fills(b)).toEqual([[10, 100, 'signal'], [-6, 95, 'stopLoss'], [-4, 93, 'stopLoss']]);
    expect(b.trades[0]!.exitReason).toBe('stopLoss');
  });

  it('the rest of a triggered stop exit goes at the next open even if price is back above the stop', () => {
    const b = new SimBroker(capped);
    instruct(b, 0, { target: 10, stopLoss: 95 });
    bar(b, 1, 100, 100, 100, 100, 100);
    bar(b, 2, 96, 96, 94, 95, 60); // 6 at the stop
    bar(b, 3, 97, 98, 96, 97, 60); // the rest at the open, 97
    expect(fills(b)).toEqual([[10, 100, 'signal'], [-6, 95, 'stopLoss'], [-4, 97, 'stopLoss']]);
  });

  it('a take-profit cut by the cap finishes only at its level or better', () => {
    const b = new SimBroker(capped);
    instruct(b, 0, { target: 10, takeProfit: 110 });
    bar(b, 1, 100, 100, 100, 100, 100);
    bar(b, 2, 108, 111, 107, 109, 60); // 6 at 110
    bar(b, 3, 109, 109.5, 105, 106, 60); // below 110: nothing
    bar(b, 4, 109, 112, 108, 111, 60); // the rest at 110
    expect(fills(b)).toEqual([[10, 100, 'signal'], [-6, 110, 'takeProfit'], [-4, 110, 'takeProfit']]);
  });
});

describe('SimBroker leverage cap', () => {
  it('cuts growth to maxLeverage × equity ÷ (price · (1 + commission)) and cancels the rest of the entry', () => {
    const b = new SimBroker(BacktestSettings.parse({ initialCash: 1000, commissionBps: 10, slippageBps: 0, maxLeverage: 1 }));
    const o = { target: 15 };
    instruct(b, 0, o);
    bar(b, 1, 100, 100, 100, 100);
    // 1000 / 100.1 = 9.99…: cash is spent exactly, commission included.
    expect(b.position).toBeCloseTo(1000 / 100.1, 12);
    expect(b.cash).toBeCloseTo(0, 9);
    expect(b.leverageCuts).toBe(1);
    expect(b.workingTarget).toBeNaN();
    // Repeating the instruction does not chase the rest with dust trades.
    instruct(b, 1, o);
    bar(b, 2, 101, 101, 101, 101);
    expect(b.fills).toHaveLength(1);
  });

  it('never forces a reduction: growth beyond the cap from an over-levered position trades nothing; a reduction passes', () => {
    const b = new SimBroker(BacktestSettings.parse({ initialCash: 1000, commissionBps: 0, slippageBps: 0, maxLeverage: 2 }));
    order(b, 20, 1, 100); // cash −1000
    // At 60 equity is −1000 + 1200 = 200: room for 2 · 200 / 60 = 6.67 units, far below the 20 held.
    order(b, 25, 2, 60);
    expect(b.position).toBe(20);
    expect(b.leverageCuts).toBe(1);
    order(b, 15, 3, 60);
    expect(fills(b)).toEqual([[20, 100, 'signal'], [-5, 60, 'signal']]);
    expect(b.leverageCuts).toBe(1);
  });

  it('a flip still closes: the new side is cut to the cap, to nothing when equity is gone', () => {
    const b = new SimBroker(BacktestSettings.parse({ initialCash: 1000, commissionBps: 0, slippageBps: 0, maxLeverage: 1 }));
    order(b, 10, 1, 100); // cash 0
    order(b, -15, 2, 100); // equity 1000 → at most 10 short
    expect(b.position).toBe(-10);
    const broke = new SimBroker(BacktestSettings.parse({ initialCash: 1000, commissionBps: 0, slippageBps: 0, maxLeverage: 2 }));
    order(broke, 20, 1, 100); // cash −1000
    order(broke, -10, 2, 45); // equity −100: the long closes, no short opens
    expect(fills(broke)).toEqual([[20, 100, 'signal'], [-20, 45, 'signal']]);
    expect(broke.position).toBe(0);
    expect(broke.leverageCuts).toBe(1);
  });
});

describe('SimBroker over whole columns (onBarAt, as the executor calls it)', () => {
  // The tests above work one bar at a time (`onBar`, a one-row table), where row 0 is every bar: these
  // read rows of a longer table, so a time or volume taken from the wrong row shows.
  const hour = 3_600_000;
  const d = Date.UTC(2024, 0, 1);
  /** Hourly bars from 10:00 on 1 January: open 100, high 101, low 95 (89 on row 20), close 100. */
  function table(volume: (i: number) => number): Bars {
    const col = (f: (i: number) => number) => Float64Array.from({ length: 30 }, (_, i) => f(i));
    return { time: col((i) => d + (10 + i) * hour), open: col(() => 100), high: col(() => 101), low: col((i) => (i === 20 ? 89 : 95)), close: col(() => 100), volume: col(volume) };
  }

  it('a day order ends with its own day, read from the row worked; a good-till-cancelled one fills at that row’s time', () => {
    const bars = table(() => 1e9);
    const day = new SimBroker(free);
    const gtc = new SimBroker(free);
    instruct(day, 0, { target: 10, type: limit, limit: 90, expiry: -1 });
    instruct(gtc, 0, { target: 10, type: limit, limit: 90, expiry: 0 });
    for (let t = 1; t < 30; t++) {
      day.onBarAt(t, bars, t);
      gtc.onBarAt(t, bars, t);
    }
    // Row 14 is midnight: the day order was gone before row 20 reached its limit.
    expect(day.fills).toEqual([]);
    expect(day.workingTarget).toBeNaN();
    expect(gtc.fills).toEqual([{ time: d + 30 * hour, quantity: 10, price: 90, commission: 0 }]);
  });

  it('the participation cap reads the volume of the row worked', () => {
    const bars = table((i) => (i === 5 ? 50 : i === 6 ? 30 : 1e9));
    const b = new SimBroker(BacktestSettings.parse({ initialCash: 100_000, commissionBps: 0, slippageBps: 0, maxParticipation: 10 }));
    instruct(b, 4, { target: 12 });
    for (let t = 5; t < 8; t++) b.onBarAt(t, bars, t);
    expect(b.fills.map((f) => [f.time, f.quantity])).toEqual([[d + 15 * hour, 5], [d + 16 * hour, 3], [d + 17 * hour, 4]]);
  });

  it('without fill records (a backtest), trades carry the times of the rows they filled on, read when the trades are', () => {
    const bars = table(() => 1e9);
    const b = new SimBroker(free, undefined, undefined, { recordFills: false });
    // In at row 3, out at row 8 (a closed trade), in again at row 12 (open at the end).
    instruct(b, 2, { target: 10 });
    for (let t = 3; t < 8; t++) b.onBarAt(t, bars, t);
    instruct(b, 7, { target: 0 });
    for (let t = 8; t < 12; t++) b.onBarAt(t, bars, t);
    instruct(b, 11, { target: -5 });
    for (let t = 12; t < 15; t++) b.onBarAt(t, bars, t);
    expect(b.fills).toEqual([]);
    expect(b.trades.map((x) => [x.side, x.entryTime, x.exitTime, x.bars])).toEqual([['long', d + 13 * hour, d + 18 * hour, 5]]);
    const open = b.openTradeAt(d + 24 * hour, 14, 100)!;
    expect([open.side, open.entryTime, open.exitTime, open.bars]).toEqual(['short', d + 22 * hour, d + 24 * hour, 3]);
    // Then bars one at a time (loose prices: a row that is refilled every bar): those times are read at once.
    instruct(b, 14, { target: 0 });
    b.onBar(15, d + 99 * hour, 100, 101, 95, 100, 1e9);
    expect(b.trades.map((x) => [x.side, x.entryTime, x.exitTime])).toEqual([['long', d + 13 * hour, d + 18 * hour], ['short', d + 22 * hour, d + 99 * hour]]);
  });
});
