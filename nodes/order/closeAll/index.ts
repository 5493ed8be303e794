import { z } from 'zod';
import { bool, isTrue } from '../../bool.ts';
import { defineNode } from '../../contract.ts';
import { copyOrder, setMarket } from '../instruction.ts';
import { noOrder, sameOrder } from '../same.ts';

/** Overrides the strategy with "flat" while a condition holds (a kill switch, a session filter). */
export const closeAll = defineNode({
  type: 'order.closeAll',
  version: 1,
  category: 'order',
  title: 'Close all',
  description: 'While a condition is true, go flat and cancel working orders, whatever the incoming order says.',
  docs: {
    example: 'Condition = drawdown > 10 %: a kill switch in front of the broker.',
    caveats: [
      'On every close where Condition is true it emits target 0 at market, replacing the incoming order: the broker cancels what is working and closes the position at the next open.',
      'Resume "new order" (the default): after Condition turns false the incoming order still reads flat until it changes (a new entry), so a strategy that was long is not bought back just because the condition cleared. Resume "when false" passes the incoming order again as soon as Condition is false, which re-enters an unchanged position at the next open.',
      'Unknown (NaN) Condition reads false. An incoming "no instruction" (NaN target) is not a new order.',
    ],
  },
  inputs: {
    order: { kind: 'order', description: 'The strategy’s order.' },
    condition: { kind: 'bool', description: 'Go flat while this is true.' },
  },
  outputs: {
    order: { kind: 'order', description: 'The incoming order, or flat while closing.' },
    closing: { kind: 'bool', description: 'True on bars where it holds the strategy flat.' },
  },
  params: z.object({
    resume: z.enum(['newOrder', 'whenFalse']).default('newOrder').describe('After the condition clears: wait for a new incoming order, or pass the incoming order straight away.'),
  }),
  init: () => ({ closing: 0, seen: noOrder() }),
  step(s, p, input, out) {
    const o = input.order;
    if (isTrue(input.condition)) {
      s.closing = 1;
      // The order to wait past: the incoming one as it stood on the last bar the condition held.
      copyOrder(o, s.seen);
    } else if (s.closing === 1 && (p.resume === 'whenFalse' || (o.target === o.target && !sameOrder(s.seen, o)))) {
      s.closing = 0;
    }
    if (s.closing === 1) setMarket(out.order, 0);
    else copyOrder(o, out.order);
    out.closing = bool(s.closing === 1);
  },
});
