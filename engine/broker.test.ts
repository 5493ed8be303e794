import { describe, expect, it } from 'vitest';
import { orderFields, type Order } from '../nodes/ports.ts';
import { SimBroker } from './broker.ts';
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
