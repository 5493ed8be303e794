import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { OrderType } from '../../ports.ts';
import { entryTarget, expiryOf, holdIdle, holdWatch, setEntry, signalInputs, sizingParams, timeInForceParams, wantsIn } from '../entry.ts';
import { setMarket } from '../instruction.ts';
import { stopOffsetParam, stopPrice, stopPriceInput } from './trigger.ts';

/** Enter with a stop order: buy when price breaks above a level (sell when it breaks below). */
export const stopOrder = defineNode({
  type: 'order.stop',
  version: 1,
  category: 'order',
  title: 'Stop (breakout) order',
  description: 'Enter when price breaks through a stop level (an offset from the close, or a Price input); exit at market.',
  docs: {
    example: 'Enter = ADX > 25, Price = Donchian(20) upper: buy the breakout above the 20-bar high while the trend is strong.',
    caveats: [
      'Stop price: the Price input when wired, else the signal close moved by Offset % against you (above it for a long, below it for a short).',
      'Emits at every close. On the entry bar it fixes the stop price and the size (valued at the stop price) and then repeats that same instruction while in, so the broker keeps working it. While out it emits 0 at market, which also cancels an untriggered stop.',
      'The broker works it from the next bar: a long fills at the open (plus slippage) if the bar opens at or above the stop, else at the stop (plus slippage) if the high reaches it. Untriggered, it keeps working until Time in force ends it.',
      'An order that expires untriggered is not sent again until the next entry (Enter false then true, or Exit then Enter). Likewise after a protective exit.',
      'An entry while Price is unknown (NaN) or not positive is skipped until it is known (level mode) or lost (a one-bar Enter in latched mode).',
    ],
  },
  inputs: {
    ...signalInputs,
    price: stopPriceInput,
  },
  outputs: { order: { kind: 'order', description: 'Target position in units, by a stop order.' } },
  params: z.object({
    ...sizingParams,
    offsetPercent: stopOffsetParam,
    ...timeInForceParams,
  }),
  init: (_p, wired) => ({ latched: wired.exit ? 1 : 0, usePrice: wired.price ? 1 : 0, target: 0, stop: NaN }),
  step(s, p, input, out, ctx) {
    if (!wantsIn(s.latched, s.target !== 0, input.enter, input.exit)) s.target = 0;
    else if (s.target === 0) {
      const stop = stopPrice(p, s.usePrice, input.price, ctx.close);
      if (stop > 0 && stop < Infinity) {
        s.stop = stop;
        s.target = entryTarget(p, ctx, stop);
      }
    }
    if (s.target === 0) setMarket(out.order, 0);
    else setEntry(out.order, s.target, OrderType.stop, NaN, s.stop, expiryOf(p));
  },
  // Sized and priced at entry and held: only a bar whose signals open or close the position can change it.
  idleInputs: ['enter', 'exit'],
  idle: (s, _p, input) => holdIdle(s.latched, s.target, input.enter, input.exit),
  idleWatch: (s, _p, input) => holdWatch(s.latched, s.target, input.enter),
});
