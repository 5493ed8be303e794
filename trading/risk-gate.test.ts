import { describe, expect, it } from 'vitest';
import { clientOrderId, clientOrderIdPattern } from './order-id.ts';
import {
  applyControl,
  checkOrder,
  DenialCode,
  HaltCode,
  initialRiskState,
  isReducing,
  observeEquity,
  RiskLimits,
  RiskState,
  tradingState,
  type GateContext,
  type ProposedOrder,
} from './risk-gate.ts';

const now = Date.parse('2026-11-22T12:00:00Z');
const limits = RiskLimits.parse({ maxOrderQuantity: 10, maxOrderNotional: 1000, maxPosition: 20, maxGrossExposure: 3000, throttle: { maxOrders: 3, windowMs: 60_000 } });
const fresh = () => initialRiskState(10_000, now);
let seq = 0;
const order = (over: Partial<ProposedOrder> = {}): ProposedOrder => ({ clientOrderId: `id-${seq++}`, symbol: 'BTC/USDT', side: 'buy', quantity: 1, type: 'market', ...over });
const ctx = (over: Partial<GateContext> = {}): GateContext => ({ now, reference: { price: 100, time: now - 1000 }, book: { 'BTC/USDT': { position: 0, price: 100 } }, ...over });
const withPosition = (position: number, extra: GateContext['book'] = {}) => ctx({ book: { 'BTC/USDT': { position, price: 100 }, ...extra } });
const denial = (o: ProposedOrder, c: GateContext = ctx(), s = fresh()) => {
  const r = checkOrder(s, limits, o, c);
  return r.decision.allow ? 'ALLOW' : r.decision.code;
};

describe('the pre-trade risk gate', () => {
  it('allows an ordinary order and remembers it', () => {
    const r = checkOrder(fresh(), limits, order({ clientOrderId: 'a1' }), ctx());
    expect(r.decision).toEqual({ allow: true });
    expect(r.state.recentOrderIds).toEqual(['a1']);
    expect(r.state.messages).toEqual([now]);
  });

  it.each([
    ['NaN quantity', { quantity: NaN }, DenialCode.invalidQuantity],
    ['zero quantity', { quantity: 0 }, DenialCode.invalidQuantity],
    ['negative quantity', { quantity: -1 }, DenialCode.invalidQuantity],
    ['infinite quantity', { quantity: Infinity }, DenialCode.invalidQuantity],
    ['NaN limit price', { type: 'limit' as const, limitPrice: NaN }, DenialCode.invalidPrice],
    ['missing limit price', { type: 'limit' as const }, DenialCode.invalidPrice],
    ['zero limit price', { type: 'limit' as const, limitPrice: 0 }, DenialCode.invalidPrice],
    ['negative limit price', { type: 'limit' as const, limitPrice: -100 }, DenialCode.invalidPrice],
    ['infinite limit price', { type: 'limit' as const, limitPrice: Infinity }, DenialCode.invalidPrice],
  ])('refuses %s before any limit is compared', (_, over, code) => {
    expect(denial(order(over))).toBe(code);
  });

  it.each([NaN, 0, -5, Infinity])('refuses to price against a reference of %s', (price) => {
    expect(denial(order(), ctx({ reference: { price, time: now } }))).toBe(DenialCode.invalidReference);
  });

  it('refuses a stale reference price, and accepts one just inside the age limit', () => {
    expect(denial(order(), ctx({ reference: { price: 100, time: now - limits.maxReferenceAgeMs - 1 } }))).toBe(DenialCode.staleReference);
    expect(denial(order(), ctx({ reference: { price: 100, time: now - limits.maxReferenceAgeMs } }))).toBe('ALLOW');
  });

  it('refuses a limit price outside the collar on either side, and accepts one on its edge', () => {
    expect(denial(order({ type: 'limit', limitPrice: 150 }))).toBe(DenialCode.priceCollar);
    expect(denial(order({ type: 'limit', limitPrice: 50 }))).toBe(DenialCode.priceCollar);
    expect(denial(order({ type: 'limit', limitPrice: 105.01 }))).toBe(DenialCode.priceCollar);
    expect(denial(order({ type: 'limit', limitPrice: 105 }))).toBe('ALLOW');
    expect(denial(order({ type: 'limit', limitPrice: 95 }))).toBe('ALLOW');
  });

  it('refuses a fat-fingered size (1000× the usual) and an order over the maximum notional', () => {
    expect(denial(order({ quantity: 1000 }))).toBe(DenialCode.maxOrderQuantity);
    expect(denial(order({ quantity: 10 }))).toBe('ALLOW');
    expect(denial(order({ quantity: 10.0001 }))).toBe(DenialCode.maxOrderQuantity);
    // 9 × 104 = 936 passes; 9 × 120 (a 20 % collar would let it through) is over the notional.
    const wide = RiskLimits.parse({ ...limits, priceCollarPct: 25 });
    expect(checkOrder(fresh(), wide, order({ quantity: 9, type: 'limit', limitPrice: 120 }), ctx()).decision).toMatchObject({ allow: false, code: DenialCode.maxOrderNotional });
    expect(checkOrder(fresh(), wide, order({ quantity: 9, type: 'limit', limitPrice: 104 }), ctx()).decision).toEqual({ allow: true });
  });

  it('caps the position per symbol but always lets an over-limit position shrink', () => {
    expect(denial(order({ quantity: 5 }), withPosition(16))).toBe(DenialCode.maxPosition);
    expect(denial(order({ quantity: 4 }), withPosition(16))).toBe('ALLOW');
    expect(denial(order({ side: 'sell', quantity: 5 }), withPosition(-16))).toBe(DenialCode.maxPosition);
    // 25 held (limits changed since): selling 2 still leaves 23 > 20, and is allowed.
    expect(denial(order({ side: 'sell', quantity: 2 }), withPosition(25))).toBe('ALLOW');
    // A flip from +15 to −6 stays within 20 and passes (notional 9 × 100 = 900 too).
    expect(denial(order({ side: 'sell', quantity: 9 }), withPosition(3))).toBe('ALLOW');
  });

  it('caps gross exposure across symbols', () => {
    const book = { 'ETH/USDT': { position: -10, price: 250 } }; // 2 500 of exposure elsewhere
    expect(denial(order({ quantity: 6 }), withPosition(0, book))).toBe(DenialCode.maxGrossExposure);
    expect(denial(order({ quantity: 5 }), withPosition(0, book))).toBe('ALLOW');
    // Shrinking this symbol lowers gross exposure even while the total is over the cap.
    expect(denial(order({ side: 'sell', quantity: 2 }), withPosition(10, book))).toBe('ALLOW');
  });

  it('refuses the same client order id twice', () => {
    const first = checkOrder(fresh(), limits, order({ clientOrderId: 'dup' }), ctx());
    expect(first.decision.allow).toBe(true);
    expect(denial(order({ clientOrderId: 'dup' }), ctx(), first.state)).toBe(DenialCode.duplicateOrder);
  });

  it('forgets only the oldest ids beyond its memory', () => {
    let s = fresh();
    const roomy = RiskLimits.parse({ ...limits, throttle: { maxOrders: 5000, windowMs: 1 } });
    for (let i = 0; i < 1005; i++) s = checkOrder(s, roomy, order({ clientOrderId: `m${i}` }), ctx({ now: now + i * 10 })).state;
    expect(s.recentOrderIds).toHaveLength(1000);
    expect(s.recentOrderIds[0]).toBe('m5');
    expect(checkOrder(s, roomy, order({ clientOrderId: 'm1004' }), ctx({ now: now + 20_000 })).decision).toMatchObject({ code: DenialCode.duplicateOrder });
  });

  it('throttles order messages, disables the deployment, and stays disabled until a person re-enables it', () => {
    let s = fresh();
    for (let i = 0; i < 3; i++) {
      const r = checkOrder(s, limits, order(), ctx({ now: now + i }));
      expect(r.decision.allow).toBe(true);
      s = r.state;
    }
    const tripped = checkOrder(s, limits, order(), ctx({ now: now + 3 }));
    expect(tripped.decision).toMatchObject({ allow: false, code: DenialCode.throttle });
    expect(tradingState(tripped.state)).toBe('HALTED');
    expect(tripped.state.halt?.code).toBe(HaltCode.throttle);
    // Long after the window has passed it is still disabled: the throttle is a breaker, not a rate limit.
    const later = ctx({ now: now + 3_600_000, reference: { price: 100, time: now + 3_600_000 } });
    expect(denial(order(), later, tripped.state)).toBe(DenialCode.halted);
    // Not even a reduce-only order goes while halted.
    expect(denial(order({ side: 'sell' }), { ...later, book: { 'BTC/USDT': { position: 5, price: 100 } } }, tripped.state)).toBe(DenialCode.halted);
    const again = applyControl(tripped.state, { type: 'reenable', by: 'alice', equity: 10_000 }, now + 3_600_000);
    expect(tradingState(again)).toBe('ACTIVE');
    expect(denial(order(), later, again)).toBe('ALLOW');
  });

  it('a re-enable with no halt to clear changes nothing, the drawdown peak included', () => {
    const s = observeEquity(fresh(), limits, 12_000, now);
    expect(applyControl(s, { type: 'reenable', by: 'alice', equity: 11_000 }, now)).toBe(s);
  });

  it('counts only the orders inside the throttle window', () => {
    let s = fresh();
    for (let i = 0; i < 3; i++) s = checkOrder(s, limits, order(), ctx({ now: now + i * 30_000 })).state;
    // At now + 61 s the first message (at `now`) has left the 60 s window.
    const c = ctx({ now: now + 61_000, reference: { price: 100, time: now + 60_000 } });
    expect(denial(order(), c, s)).toBe('ALLOW');
  });

  it('the kill switch allows only reducing orders and persists as plain data until released', () => {
    const killed = applyControl(fresh(), { type: 'kill', by: 'alice' }, now);
    expect(tradingState(killed)).toBe('REDUCING');
    expect(denial(order(), withPosition(0), killed)).toBe(DenialCode.reduceOnly);
    expect(denial(order({ side: 'buy', quantity: 2 }), withPosition(5), killed)).toBe(DenialCode.reduceOnly);
    expect(denial(order({ side: 'sell', quantity: 5 }), withPosition(5), killed)).toBe('ALLOW');
    expect(denial(order({ side: 'sell', quantity: 6 }), withPosition(5), killed)).toBe(DenialCode.reduceOnly); // would flip short
    expect(denial(order({ side: 'buy', quantity: 3 }), withPosition(-5), killed)).toBe('ALLOW');
    // It survives a round trip through the database (JSON) and schema validation.
    const stored = RiskState.parse(JSON.parse(JSON.stringify(killed)));
    expect(tradingState(stored)).toBe('REDUCING');
    expect(stored.killSwitch?.message).toContain('alice');
    // Re-enabling after a halt does not release the kill switch; only releasing does.
    expect(tradingState(applyControl(stored, { type: 'reenable', by: 'bob', equity: 1 }, now))).toBe('REDUCING');
    expect(tradingState(applyControl(stored, { type: 'releaseKill', by: 'bob' }, now))).toBe('ACTIVE');
  });

  it('halts on drawdown from the peak and keeps the first reason', () => {
    let s = observeEquity(fresh(), limits, 12_000, now);
    expect(s.peakEquity).toBe(12_000);
    s = observeEquity(s, limits, 9_601, now + 1); // 19.99 %
    expect(tradingState(s)).not.toBe('HALTED');
    s = observeEquity(s, limits, 9_600, now + 2); // 20 %
    expect(tradingState(s)).toBe('HALTED');
    expect(s.halt?.code).toBe(HaltCode.drawdown);
    const manual = applyControl(s, { type: 'halt', code: HaltCode.manual, message: 'x' }, now + 3);
    expect(manual.halt?.code).toBe(HaltCode.drawdown);
    // Recovering equity alone never un-halts.
    expect(tradingState(observeEquity(s, limits, 20_000, now + 4))).toBe('HALTED');
  });

  it('limits the day loss to reducing orders and lifts the limit on the next UTC day', () => {
    let s = observeEquity(fresh(), limits, 9_500, now); // 5 % below the day's start
    expect(tradingState(s)).toBe('REDUCING');
    expect(s.dailyLoss?.code).toBe(HaltCode.dailyLoss);
    expect(denial(order(), withPosition(0), s)).toBe(DenialCode.reduceOnly);
    const tomorrow = Date.parse('2026-11-23T00:00:01Z');
    s = observeEquity(s, limits, 9_500, tomorrow);
    expect(tradingState(s)).toBe('ACTIVE');
    expect(s.dayStartEquity).toBe(9_500);
  });

  it('ignores a non-finite equity rather than halting or un-halting on it', () => {
    const s = fresh();
    expect(observeEquity(s, limits, NaN, now)).toBe(s);
    expect(observeEquity(s, limits, -Infinity, now)).toBe(s);
  });

  it('halts on unknown exposure or an outage until re-enabled', () => {
    const s = applyControl(fresh(), { type: 'halt', code: HaltCode.unknownExposure, message: 'venue reports 3 BTC, the book 0' }, now);
    expect(denial(order(), ctx(), s)).toBe(DenialCode.halted);
    expect(checkOrder(s, limits, order(), ctx()).decision).toMatchObject({ message: expect.stringContaining('UNKNOWN_EXPOSURE') });
  });

  it('lets a protective exit through the kill switch, a halt and the throttle, but only if it reduces', () => {
    const exit = (over: Partial<ProposedOrder> = {}) => order({ side: 'sell', quantity: 5, protective: true, ...over });
    const killed = applyControl(fresh(), { type: 'kill', by: 'desk' }, now);
    expect(denial(exit(), withPosition(5), killed)).toBe('ALLOW');
    const halted = applyControl(fresh(), { type: 'halt', code: HaltCode.drawdown, message: 'down 25 %' }, now);
    expect(denial(exit(), withPosition(5), halted)).toBe('ALLOW');
    expect(denial(order({ side: 'sell', quantity: 5 }), withPosition(5), halted)).toBe(DenialCode.halted);
    // Unknown exposure: the book that sized the exit cannot be trusted.
    const unknown = applyControl(fresh(), { type: 'halt', code: HaltCode.unknownExposure, message: 'venue reports 3 BTC' }, now);
    expect(denial(exit(), withPosition(5), unknown)).toBe(DenialCode.halted);
    // An "exit" that grows or flips the position is refused whatever the state.
    expect(denial(exit({ quantity: 6 }), withPosition(5))).toBe(DenialCode.reduceOnly);
    expect(denial(exit({ side: 'buy' }), withPosition(5))).toBe(DenialCode.reduceOnly);
    // The throttle breaker does not trip on it (3 orders allowed per window here).
    let s = fresh();
    for (let k = 0; k < 3; k++) s = checkOrder(s, limits, order(), ctx()).state;
    expect(denial(order(), ctx(), s)).toBe(DenialCode.throttle);
    expect(denial(exit(), withPosition(5), s)).toBe('ALLOW');
    // The price checks still apply: garbage and stale prices are refused.
    expect(denial(exit(), ctx({ reference: { price: NaN, time: now }, book: { 'BTC/USDT': { position: 5, price: 100 } } }))).toBe(DenialCode.invalidReference);
    expect(denial(exit(), ctx({ reference: { price: 100, time: now - 3_600_000 }, book: { 'BTC/USDT': { position: 5, price: 100 } } }))).toBe(DenialCode.staleReference);
  });

  it('never changes the state it was given', () => {
    const s = fresh();
    const before = JSON.stringify(s);
    checkOrder(s, limits, order(), ctx());
    observeEquity(s, limits, 1, now);
    applyControl(s, { type: 'kill', by: 'x' }, now);
    expect(JSON.stringify(s)).toBe(before);
  });

  it('tells reducing orders from the rest', () => {
    expect(isReducing(0, 'sell', 1)).toBe(false);
    expect(isReducing(5, 'sell', 5)).toBe(true);
    expect(isReducing(5, 'sell', 5.5)).toBe(false);
    expect(isReducing(-5, 'buy', 1)).toBe(true);
    expect(isReducing(-5, 'sell', 1)).toBe(false);
  });

  it('rejects limits that make no sense', () => {
    expect(RiskLimits.safeParse({ ...limits, maxOrderQuantity: 0 }).success).toBe(false);
    expect(RiskLimits.safeParse({ ...limits, priceCollarPct: 150 }).success).toBe(false);
  });
});

describe('client order ids', () => {
  it('are the same for the same deployment, bar, node and sequence, and fit venue limits', () => {
    const a = clientOrderId('dep-1', 1_700_000_000_000, 'order', 0);
    expect(a).toBe(clientOrderId('dep-1', 1_700_000_000_000, 'order', 0));
    expect(a).toMatch(clientOrderIdPattern);
    expect(a.length).toBeLessThanOrEqual(36);
  });

  it('differ when any part differs', () => {
    const ids = new Set([
      clientOrderId('dep-1', 1, 'order', 0),
      clientOrderId('dep-2', 1, 'order', 0),
      clientOrderId('dep-1', 2, 'order', 0),
      clientOrderId('dep-1', 1, 'order2', 0),
      clientOrderId('dep-1', 1, 'order', 1),
    ]);
    expect(ids.size).toBe(5);
  });

  it('refuse a bar time that is not a number', () => {
    expect(() => clientOrderId('d', NaN, 'n')).toThrow(/finite/);
  });
});
