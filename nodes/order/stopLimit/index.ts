import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { OrderType } from '../../ports.ts';
import { entryTarget, expiryOf, holdIdle, holdWatch, setEntry, signalInputs, sizingParams, timeInForceParams, wantsIn } from '../entry.ts';
import { setMarket } from '../instruction.ts';
import { stopOffsetParam, stopPrice, stopPriceInput } from '../stop/trigger.ts';

/** Enter with a stop-limit order: a breakout entry that refuses to chase beyond a limit. */
export const stopLimitOrder = defineNode({
  type: 'order.stopLimit',
  version: 1,
  category: 'order',
  title: 'Stop-limit order',
  description: 'Enter when price breaks through a stop level, but pay no more than a limit beyond it; exit at market.',
  docs: {
    example: 'Enter = squeeze released, Price = Bollinger upper (through As price), Limit offset 0.5 %: buy the breakout but never more than 0.5 % above the band.',
    caveats: [
      'Stop price: the Price input when wired, else the signal close moved by Offset % against you (above it for a long). Limit price: the stop moved a further Limit offset % the same way.',
      'Emits at every close. On the entry bar it fixes both prices and the size (valued at the limit price, the most it pays) and then repeats that same instruction while in. While out it emits 0 at market, which also cancels it.',
      'The broker works it from the next bar. A bar that opens through the stop triggers it at the open, and it is a limit for the whole bar: it fills at the open if that is within the limit, else at the limit if the bar reaches it. A stop touched inside the bar fills at the stop if the stop is within the limit; otherwise it rests as a limit from the next bar. Limit fills pay no slippage.',
      'An order that expires unfilled is not sent again until the next entry (Enter false then true, or Exit then Enter). Likewise after a protective exit.',
      'An entry while Price is unknown (NaN) or not positive is skipped until it is known (level mode) or lost (a one-bar Enter in latched mode).',
    ],
  },
  inputs: {
    ...signalInputs,
    price: stopPriceInput,
  },
  outputs: { order: { kind: 'order', description: 'Target position in units, by a stop-limit order.' } },
  params: z.object({
    ...sizingParams,
    offsetPercent: stopOffsetParam,
    limitOffsetPercent: z.number().min(0).max(50).default(0.5).describe('How far beyond the stop the limit sits (% of the stop): the most a long pays above it.'),
    ...timeInForceParams,
  }),
  init: (_p, wired) => ({ latched: wired.exit ? 1 : 0, usePrice: wired.price ? 1 : 0, target: 0, stop: NaN, limit: NaN }),
  step(s, p, input, out, ctx) {
    if (!wantsIn(s.latched, s.target !== 0, input.enter, input.exit)) s.target = 0;
    else if (s.target === 0) {
      const stop = stopPrice(p, s.usePrice, input.price, ctx.close);
      if (stop > 0 && stop < Infinity) {
        const sign = p.side === 'long' ? 1 : -1;
        s.stop = stop;
        s.limit = stop * (1 + (sign * p.limitOffsetPercent) / 100);
        s.target = entryTarget(p, ctx, s.limit);
      }
    }
    if (s.target === 0) setMarket(out.order, 0);
    else setEntry(out.order, s.target, OrderType.stopLimit, s.limit, s.stop, expiryOf(p));
  },
  // Sized and priced at entry and held: only a bar whose signals open or close the position can change it.
  idleInputs: ['enter', 'exit'],
  idle: (s, _p, input) => holdIdle(s.latched, s.target, input.enter, input.exit),
  idleWatch: (s, _p, input) => holdWatch(s.latched, s.target, input.enter),
});
