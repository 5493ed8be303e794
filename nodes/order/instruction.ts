import { OrderType, type Order } from '../ports.ts';

/** Write a plain market instruction: reach `target` units at the next open, no protective exits. */
export function setMarket(order: Order, target: number): void {
  order.target = target;
  order.type = OrderType.market;
  order.limit = NaN;
  order.stop = NaN;
  order.expiry = 0;
  order.stopLoss = NaN;
  order.takeProfit = NaN;
  order.trail = NaN;
}

/** Copy every field of an instruction (nodes that pass orders through change only what they mean to). */
export function copyOrder(from: Readonly<Order>, to: Order): void {
  to.target = from.target;
  to.type = from.type;
  to.limit = from.limit;
  to.stop = from.stop;
  to.expiry = from.expiry;
  to.stopLoss = from.stopLoss;
  to.takeProfit = from.takeProfit;
  to.trail = from.trail;
}
