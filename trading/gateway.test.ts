import { describe, expect, it } from 'vitest';
import { syntheticBars } from '../engine/bars.ts';
import { FeedConfig, replayPoll } from './feeds.ts';
import { flattenOrder, planInstruction, sameInstruction, triggeredOrder } from './gateway.ts';
import { clientOrderId } from './order-id.ts';
import type { Instruction } from './strategy-runner.ts';

const ins = (over: Partial<Instruction> = {}): Instruction => ({ target: 10, type: 0, limit: NaN, stop: NaN, expiry: 0, stopLoss: NaN, takeProfit: NaN, trail: NaN, ...over });
const ctx = { deploymentId: 'dep', barTime: 1000, nodeId: 'order', symbol: 'BTC/USDT', position: 0, last: undefined };

describe('the order gateway plan', () => {
  it('turns a new target into one market order with a deterministic client order id', () => {
    const a = planInstruction(ins(), ctx);
    expect(a).toEqual({ kind: 'replace', cancel: true, order: { clientOrderId: clientOrderId('dep', 1000, 'order', 0), symbol: 'BTC/USDT', side: 'buy', quantity: 10, type: 'market' } });
    expect(planInstruction(ins(), ctx)).toEqual(a); // the same bar planned again (a retry) gives the same order
  });

  it('sells the difference towards a lower target, and places limits at their price', () => {
    expect(planInstruction(ins({ target: -5, type: 1, limit: 99 }), { ...ctx, position: 3 })).toMatchObject({ order: { side: 'sell', quantity: 8, type: 'limit', limitPrice: 99 } });
  });

  it('follows the instruction-change rule: NaN and unchanged instructions do nothing', () => {
    expect(planInstruction(ins({ target: NaN }), ctx)).toEqual({ kind: 'none', why: 'noInstruction' });
    expect(planInstruction(ins(), { ...ctx, last: ins() })).toEqual({ kind: 'none', why: 'unchanged' });
    expect(sameInstruction(ins({ limit: NaN }), ins({ limit: NaN }))).toBe(true);
    expect(sameInstruction(ins({ limit: 1 }), ins({ limit: NaN }))).toBe(false);
  });

  it('at the target already, only cancels what is working', () => {
    expect(planInstruction(ins({ target: 4 }), { ...ctx, position: 4 })).toEqual({ kind: 'replace', cancel: true });
  });

  it('keeps stop and stop-limit entries for the deployment to work, and sends market orders that carry exits', () => {
    // Nothing goes to the venue for a stop entry until a bar touches its stop (trading/synthetic-orders.ts).
    expect(planInstruction(ins({ type: 2, stop: 110 }), ctx)).toEqual({ kind: 'replace', cancel: true, synthetic: true });
    expect(planInstruction(ins({ type: 3, stop: 110, limit: 111 }), ctx)).toEqual({ kind: 'replace', cancel: true, synthetic: true });
    // Exits belong to the position, kept by the deployment: the entry itself is an ordinary order.
    expect(planInstruction(ins({ stopLoss: 90, takeProfit: 120 }), ctx)).toMatchObject({ kind: 'replace', order: { side: 'buy', quantity: 10, type: 'market' } });
    // At the target, a stop entry is nothing to work either.
    expect(planInstruction(ins({ type: 2, stop: 110 }), { ...ctx, position: 10 })).toEqual({ kind: 'replace', cancel: true });
  });

  it('names a triggered order by bar and level, apart from the strategy\'s own order, and marks exits protective', () => {
    const exit = triggeredOrder('dep', 1000, 'BTC/USDT', 'exit:stopLoss', { side: 'sell', quantity: 10, type: 'market' }, true);
    expect(exit).toEqual({ clientOrderId: clientOrderId('dep', 1000, 'synthetic:exit:stopLoss', 0), symbol: 'BTC/USDT', side: 'sell', quantity: 10, type: 'market', protective: true });
    expect(exit.clientOrderId).not.toBe(clientOrderId('dep', 1000, 'order', 0));
    expect(triggeredOrder('dep', 1000, 'BTC/USDT', 'exit:stopLoss', { side: 'sell', quantity: 10, type: 'market' }, true)).toEqual(exit);
    expect(triggeredOrder('dep', 1000, 'X', 'entry:stopLimit', { side: 'buy', quantity: 2, type: 'limit', limitPrice: 101 }, false)).toEqual({ clientOrderId: expect.stringMatching(/^tl/), symbol: 'X', side: 'buy', quantity: 2, type: 'limit', limitPrice: 101 });
  });

  it('flattens a long or a short, and nothing when flat', () => {
    expect(flattenOrder('d', 1, 'X', 3, 0)).toMatchObject({ side: 'sell', quantity: 3, type: 'market' });
    expect(flattenOrder('d', 1, 'X', -2, 0)).toMatchObject({ side: 'buy', quantity: 2 });
    expect(flattenOrder('d', 1, 'X', 0, 0)).toBeUndefined();
  });
});

describe('the replay feed', () => {
  const bars = syntheticBars({ seed: 1, bars: 10, startPrice: 100, drift: 0, volatility: 0.2, intervalMinutes: 60, startTime: 0 });
  const feed = FeedConfig.parse({ kind: 'replay', barsPerSecond: 2 }) as Extract<FeedConfig, { kind: 'replay' }>;

  it('releases bar i at (i + 1) / speed seconds after the start', () => {
    expect(replayPoll(bars, feed, 0, null, 499, 100)).toMatchObject({ bars: [], waitMs: 1, ended: false });
    const p = replayPoll(bars, feed, 0, null, 1000, 100);
    expect(p.bars.map((b) => b.time)).toEqual([0, 3_600_000]);
    expect(p.bars.map((b) => b.observedAt)).toEqual([500, 1000]);
    expect(p.waitMs).toBe(500);
  });

  it('continues after the cursor, catches up after an outage in batches, and ends', () => {
    const late = replayPoll(bars, feed, 0, 3_600_000, 60_000, 3);
    expect(late.bars.map((b) => b.time / 3_600_000)).toEqual([2, 3, 4]);
    expect(late.waitMs).toBe(0);
    const end = replayPoll(bars, feed, 0, 9 * 3_600_000, 60_000, 3);
    expect(end).toMatchObject({ bars: [], ended: true });
  });

  it('can start part-way through the series', () => {
    const from5 = FeedConfig.parse({ kind: 'replay', barsPerSecond: 1, startBar: 5 }) as Extract<FeedConfig, { kind: 'replay' }>;
    expect(replayPoll(bars, from5, 0, null, 1000, 10).bars.map((b) => b.time / 3_600_000)).toEqual([5]);
  });
});
