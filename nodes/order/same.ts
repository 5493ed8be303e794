import type { Order } from '../ports.ts';

const same = (a: number, b: number) => a === b || (a !== a && b !== b);

/** Every field equal, NaN equal to NaN: the broker's test for "the same instruction again". */
export function sameOrder(a: Readonly<Order>, b: Readonly<Order>): boolean {
  return (
    same(a.target, b.target) && same(a.type, b.type) && same(a.limit, b.limit) && same(a.stop, b.stop) &&
    same(a.expiry, b.expiry) && same(a.stopLoss, b.stopLoss) && same(a.takeProfit, b.takeProfit) && same(a.trail, b.trail)
  );
}

/** A blank instruction for node state (plain data). */
export function noOrder(): Order {
  return { target: NaN, type: NaN, limit: NaN, stop: NaN, expiry: NaN, stopLoss: NaN, takeProfit: NaN, trail: NaN };
}
