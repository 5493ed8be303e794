import { z } from 'zod';
import { isTrue } from '../../bool.ts';
import { defineNode } from '../../contract.ts';
import { holdIdle, holdWatch } from '../entry.ts';
import { setMarket } from '../instruction.ts';

/**
 * Holds a position worth a percent of equity while the entry condition says so. The quantity is sized
 * once, when the position is opened, so the strategy does not churn small rebalancing trades as equity
 * moves.
 */
export const targetPercent = defineNode({
  type: 'order.targetPercent',
  version: 1,
  category: 'order',
  title: 'Target % of equity',
  description: 'Go long (or short) a percent of equity on entry; flat on exit.',
  docs: {
    example: 'Enter = SMA(10) crosses above SMA(50), Exit = crosses below, 100 %: an all-in trend follower.',
    caveats: [
      'With only Enter wired, the position is held exactly while Enter is true.',
      'With Exit wired too, Enter opens and Exit closes; if both fire on one bar, Exit wins.',
      'Sized at the close of the signal bar, filled at the next open: the fill price differs from the close.',
    ],
  },
  inputs: {
    enter: { kind: 'bool', description: 'Open the position (or hold it, when Exit is not wired).' },
    exit: { kind: 'bool', description: 'Close the position.', optional: true },
  },
  outputs: { order: { kind: 'order', description: 'Target position in units of the symbol.' } },
  params: z.object({
    percent: z.number().gt(0).max(1000).default(100).describe('Position size as a percent of equity (over 100 uses leverage).'),
    side: z.enum(['long', 'short']).default('long').describe('Direction of the position.'),
  }),
  // The mode comes from the wiring, not the exit value: an exit that is still warming up (NaN) must
  // read as "do not exit", not switch the node into hold-while-enter mode.
  init: (_p, wired) => ({ target: 0, latched: wired.exit ? 1 : 0 }),
  step(s, p, input, out, ctx) {
    const wantIn = s.latched === 1 ? (isTrue(input.exit) ? false : isTrue(input.enter) || s.target !== 0) : isTrue(input.enter);
    if (!wantIn) s.target = 0;
    else if (s.target === 0 && ctx.close > 0 && ctx.equity > 0) {
      s.target = ((p.side === 'long' ? 1 : -1) * (p.percent / 100) * ctx.equity) / ctx.close;
    }
    setMarket(out.order, s.target);
  },
  // Unchanged while the signals agree with what is held, the entry nodes' rule: flat with Exit true is
  // idle too (the step would write the 0 it holds), which the old test here did not see.
  idle: (s, _p, input) => holdIdle(s.latched, s.target, input.enter, input.exit),
  idleWatch: (s, _p, input) => holdWatch(s.latched, s.target, input.enter),
});
