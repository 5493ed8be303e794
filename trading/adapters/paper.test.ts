import { describe, expect, it } from 'vitest';
import { BacktestSettings } from '../../engine/graph.ts';
import { initialPaperState, PaperBroker, PaperState } from './paper.ts';

const settings = BacktestSettings.parse({ commissionBps: 10, slippageBps: 5 });
const bar = (time: number, open: number, high = open, low = open, close = open, volume = 1000) => ({ time, open, high, low, close, volume });

describe('the paper broker', () => {
  it('fills a market order at the next bar open with the strategy cost model', async () => {
    const paper = new PaperBroker(settings, initialPaperState(10_000, 0));
    await paper.placeOrder({ clientOrderId: 'a', symbol: 'BTC/USDT', side: 'buy', quantity: 10, type: 'market' });
    expect((await paper.openOrders('BTC/USDT')).length).toBe(1);
    const fills = paper.onBar('BTC/USDT', bar(60_000, 100, 103, 99, 102));
    const price = 100 * (1 + 5 / 1e4);
    expect(fills).toEqual([expect.objectContaining({ clientOrderId: 'a', quantity: 10, price, fee: 10 * price * 10 / 1e4, time: 60_000 })]);
    expect(paper.state.positions['BTC/USDT']).toBe(10);
    expect(paper.state.cash).toBeCloseTo(10_000 - 10 * price - fills[0]!.fee, 9);
    expect(await paper.fetchOrder('BTC/USDT', 'a')).toMatchObject({ status: 'closed', filled: 10, averagePrice: price });
    expect(await paper.balances()).toMatchObject({ BTC: 10, USDT: paper.state.cash });
  });

  it('rests a limit order until a bar reaches it, and fills it at the limit without slippage', async () => {
    const paper = new PaperBroker(settings, initialPaperState(10_000, 0));
    await paper.placeOrder({ clientOrderId: 'l', symbol: 'X', side: 'buy', quantity: 5, type: 'limit', limitPrice: 95 });
    expect(paper.onBar('X', bar(1, 100, 101, 96, 99))).toEqual([]);
    expect(paper.onBar('X', bar(2, 99, 99, 94, 97))).toEqual([expect.objectContaining({ price: 95, quantity: 5 })]);
  });

  it('is idempotent by client order id and cancels only working orders', async () => {
    const paper = new PaperBroker(settings, initialPaperState(10_000, 0));
    const a = await paper.placeOrder({ clientOrderId: 'same', symbol: 'X', side: 'buy', quantity: 1, type: 'limit', limitPrice: 50 });
    const b = await paper.placeOrder({ clientOrderId: 'same', symbol: 'X', side: 'buy', quantity: 1, type: 'limit', limitPrice: 50 });
    expect(b.venueOrderId).toBe(a.venueOrderId);
    expect(paper.state.orders).toHaveLength(1);
    expect(await paper.cancelOrder('X', 'same')).toMatchObject({ status: 'canceled' });
    expect(await paper.cancelOrder('X', 'same')).toBeUndefined();
    expect(paper.onBar('X', bar(1, 40))).toEqual([]);
  });

  it('leaves the rest working under a participation cap, and survives a JSON round trip in between', async () => {
    const capped = BacktestSettings.parse({ ...settings, maxParticipation: 10 });
    let paper = new PaperBroker(capped, initialPaperState(100_000, 0));
    await paper.placeOrder({ clientOrderId: 'p', symbol: 'X', side: 'buy', quantity: 150, type: 'market' });
    expect(paper.onBar('X', bar(1, 100, 100, 100, 100, 1000)).map((f) => f.quantity)).toEqual([100]);
    paper = new PaperBroker(capped, PaperState.parse(JSON.parse(JSON.stringify(paper.state))));
    expect(paper.onBar('X', bar(2, 100, 100, 100, 100, 1000)).map((f) => f.quantity)).toEqual([50]);
    expect(paper.state.positions.X).toBe(150);
    expect((await paper.fillsSince('X', 2)).length).toBe(1);
  });

  it('works a bar in phases: orders that fill at the open, then those that fill inside the bar', async () => {
    const paper = new PaperBroker(settings, initialPaperState(10_000, 0));
    await paper.placeOrder({ clientOrderId: 'm', symbol: 'X', side: 'buy', quantity: 1, type: 'market' });
    await paper.placeOrder({ clientOrderId: 'gap', symbol: 'X', side: 'buy', quantity: 1, type: 'limit', limitPrice: 101 });
    await paper.placeOrder({ clientOrderId: 'in', symbol: 'X', side: 'buy', quantity: 1, type: 'limit', limitPrice: 98 });
    const b = bar(1, 100, 102, 97, 99);
    expect(paper.onBar('X', b, 'open').map((f) => [f.clientOrderId, f.price])).toEqual([['m', 100 * (1 + 5 / 1e4)], ['gap', 100]]);
    expect(paper.onBar('X', b, 'inside').map((f) => [f.clientOrderId, f.price])).toEqual([['in', 98]]);
  });

  it('fills an order triggered by a bar on that bar at the backtest price, once, and works the rest from the next bar', async () => {
    const paper = new PaperBroker(settings, initialPaperState(10_000, 0));
    paper.state.positions.X = 10;
    const b = bar(5, 100, 101, 94, 96);
    // A stop-loss at 95 touched inside the bar: at the level, with slippage; a take-profit at 100.5: at the level, without.
    const stop = paper.placeTriggered({ clientOrderId: 'sl', symbol: 'X', side: 'sell', quantity: 4, type: 'market' }, b, { type: 'stop', stop: 95 });
    expect(stop.fills.map((f) => f.price)).toEqual([95 * (1 - 5 / 1e4)]);
    expect(stop.order).toMatchObject({ status: 'closed', filled: 4 });
    const take = paper.placeTriggered({ clientOrderId: 'tp', symbol: 'X', side: 'sell', quantity: 6, type: 'market' }, b, { type: 'limit', limit: 100.5 });
    expect(take.fills.map((f) => f.price)).toEqual([100.5]);
    expect(paper.state.positions.X).toBe(0);
    // Idempotent: the same id again fills nothing.
    expect(paper.placeTriggered({ clientOrderId: 'sl', symbol: 'X', side: 'sell', quantity: 4, type: 'market' }, b, { type: 'stop', stop: 95 }).fills).toEqual([]);
    // A stop-limit triggered inside the bar beyond its limit rests as a limit, not worked again on this bar.
    const sl = paper.placeTriggered({ clientOrderId: 'stl', symbol: 'X', side: 'buy', quantity: 2, type: 'limit', limitPrice: 99 }, b, { type: 'stopLimit', stop: 100.8, limit: 99 });
    expect(sl.fills).toEqual([]);
    expect(paper.onBar('X', b, 'inside')).toEqual([]);
    expect(paper.onBar('X', bar(6, 99.5, 100, 98.5)).map((f) => [f.clientOrderId, f.price])).toEqual([['stl', 99]]);
  });

  it('refuses garbage quantities and prices', async () => {
    const paper = new PaperBroker(settings, initialPaperState(1000, 0));
    await expect(paper.placeOrder({ clientOrderId: 'n', symbol: 'X', side: 'buy', quantity: NaN, type: 'market' })).rejects.toMatchObject({ kind: 'rejected' });
    await expect(paper.placeOrder({ clientOrderId: 'm', symbol: 'X', side: 'buy', quantity: 1, type: 'limit', limitPrice: -1 })).rejects.toMatchObject({ kind: 'rejected' });
  });
});
