import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { OrderType } from '../../ports.ts';
import { entryTarget, expiryOf, holdIdle, holdWatch, setEntry, signalInputs, sizingParams, timeInForceParams, wantsIn } from '../entry.ts';
import { setMarket } from '../instruction.ts';

/** Enter with a limit order: buy below (sell above) the market, or at a price from another node. */
export const limitOrder = defineNode({
  type: 'order.limit',
  version: 1,
  category: 'order',
  title: 'Limit order',
  description: 'Enter at a limit price (an offset from the close, or a Price input); exit at market.',
  docs: {
    example: 'Enter = RSI(14) < 30, Offset 1 %: buy the dip only if price falls another 1 % below the signal close.',
    caveats: [
      'Limit price: the Price input when wired, else the signal close moved by Offset % in your favour (below it for a long, above it for a short). A negative Offset gives a marketable limit that caps what you pay.',
      'Emits at every close. On the entry bar it fixes the limit price and the size (valued at the limit price) and then repeats that same instruction while in, so the broker keeps working it without resetting the expiry. While out it emits 0 at market, which also cancels an unfilled limit.',
      'The broker works it from the next bar: a long fills at the open if the bar opens at or below the limit, else at the limit if the low reaches it; it never pays slippage. Unfilled, it keeps working until Time in force ends it.',
      'An order that expires unfilled is not sent again until the next entry (Enter false then true, or Exit then Enter). Likewise after a protective exit.',
      'An entry while Price is unknown (NaN) or not positive is skipped until it is known (level mode) or lost (a one-bar Enter in latched mode).',
    ],
  },
  inputs: {
    ...signalInputs,
    price: { kind: 'price', description: 'The limit price; when unwired, the close moved by Offset %.', optional: true },
  },
  outputs: { order: { kind: 'order', description: 'Target position in units, by a limit order.' } },
  params: z.object({
    ...sizingParams,
    offsetPercent: z.number().min(-50).max(50).default(1).describe('Without a Price input: how far from the signal close the limit sits, in your favour (%).'),
    ...timeInForceParams,
  }),
  init: (_p, wired) => ({ latched: wired.exit ? 1 : 0, usePrice: wired.price ? 1 : 0, target: 0, limit: NaN }),
  step(s, p, input, out, ctx) {
    if (!wantsIn(s.latched, s.target !== 0, input.enter, input.exit)) s.target = 0;
    else if (s.target === 0) {
      const sign = p.side === 'long' ? 1 : -1;
      const limit = s.usePrice === 1 ? input.price : ctx.close * (1 - (sign * p.offsetPercent) / 100);
      if (limit > 0 && limit < Infinity) {
        s.limit = limit;
        s.target = entryTarget(p, ctx, limit);
      }
    }
    if (s.target === 0) setMarket(out.order, 0);
    else setEntry(out.order, s.target, OrderType.limit, s.limit, NaN, expiryOf(p));
  },
  // Sized and priced at entry and held: only a bar whose signals open or close the position can change it.
  idleInputs: ['enter', 'exit'],
  idle: (s, _p, input) => holdIdle(s.latched, s.target, input.enter, input.exit),
  idleWatch: (s, _p, input) => holdWatch(s.latched, s.target, input.enter),
});
