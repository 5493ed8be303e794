import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { entryTarget, holdIdle, holdWatch, signalInputs, sizingParams, wantsIn } from '../entry.ts';
import { setMarket } from '../instruction.ts';

/** Enter and exit at market, sized in units or as a percent of equity once, at entry. */
export const marketOrder = defineNode({
  type: 'order.market',
  version: 1,
  category: 'order',
  title: 'Market order',
  description: 'Go long or short at the next open when Enter fires; flat at the next open on Exit.',
  docs: {
    example: 'Enter = SMA(10) crosses above SMA(50), Exit = crosses below, 50 % of equity: a trend follower that keeps half in cash.',
    caveats: [
      'Emits an instruction at every close: the target while in, 0 (flat, at market) while out. With only Enter wired the position is held exactly while Enter is true; with Exit wired too, Enter opens and Exit closes, and Exit wins when both fire. Unknown (NaN) Enter or Exit reads false.',
      'Sized once, at the close of the entry bar (percent × equity ÷ close, or the units given), and held unchanged while in, so moving equity causes no rebalancing trades.',
      'The broker fills it at the next bar’s open, moved against you by the slippage model; with a percent size near 100 % a gap up can meet the leverage cap, which cuts the fill.',
      'Does not enter while equity (percent mode) or the close is not positive.',
      'After a protective exit (from a Bracket downstream) the unchanged target does not buy again: the next entry comes after Enter turns false and true again (level mode) or after Exit and a new Enter (latched mode).',
    ],
  },
  inputs: signalInputs,
  outputs: { order: { kind: 'order', description: 'Target position in units, at market.' } },
  params: z.object(sizingParams),
  init: (_p, wired) => ({ latched: wired.exit ? 1 : 0, target: 0 }),
  step(s, p, input, out, ctx) {
    if (!wantsIn(s.latched, s.target !== 0, input.enter, input.exit)) s.target = 0;
    else if (s.target === 0 && ctx.close > 0) s.target = entryTarget(p, ctx, ctx.close);
    setMarket(out.order, s.target);
  },
  // Sized at entry and held: only a bar whose signals open or close the position can change it.
  idle: (s, _p, input) => holdIdle(s.latched, s.target, input.enter, input.exit),
  idleWatch: (s, _p, input) => holdWatch(s.latched, s.target, input.enter),
});
