import { z } from 'zod';
import { bool } from '../../bool.ts';
import { defineNode } from '../../contract.ts';
import { copyOrder } from '../../order/instruction.ts';

/**
 * Caps gross exposure, |position| × price, as a percent of equity: checked on every new target, and
 * watched while the position is held, trimming it back when price moves push it too far over the cap.
 */
export const maxGrossExposure = defineNode({
  type: 'risk.maxGrossExposure',
  version: 1,
  category: 'risk',
  title: 'Max gross exposure',
  description: 'Keeps |position| × price within a percent of equity; trims the position when it drifts too far above.',
  docs: {
    example: 'Max 100 %, tolerance 10: a short that a rally has grown to 111 % of equity is cut back to 100 %.',
    caveats: [
      'A new target (when the incoming target changes) is capped at Max % × equity ÷ close at that bar, keeping its sign; the capped value is then held while the target stays the same. An exit (target 0) always passes.',
      'While a position is held it is watched every bar: when |position| × close exceeds (Max + Tolerance) % of equity, the target is cut to Max % × equity ÷ close at that close (a market order filled at the next open) and held there until the incoming target changes. The tolerance band keeps it from trading dust every bar. With equity ≤ 0 the cap is 0, so it orders flat.',
      'It only ever shrinks a target toward 0, never grows or flips one; a reduction that is still above the cap is cut further.',
      'Only the target is changed; the order type, prices, expiry and protective exits pass through.',
      '`limited` is 1 while the output target differs from the incoming one. NaN (no instruction) passes through with `limited` 0, and the watch is not applied then. No warm-up.',
      'On a portfolio it caps each symbol’s own position against portfolio equity, not the sum over symbols: three symbols at a 100 % cap may hold 300 %. Cap the total with Weights’ gross and the maxLeverage setting.',
    ],
  },
  inputs: { order: { kind: 'order', description: 'The order to check.' } },
  outputs: {
    order: { kind: 'order', description: 'The order, its target capped.' },
    limited: { kind: 'bool', description: 'True while the cap cut the target.' },
  },
  params: z.object({
    maxPercent: z.number().gt(0).max(1000).default(100).describe('Largest |position| × price as a percent of equity.'),
    tolerance: z.number().min(0).max(1000).default(10).describe('Percentage points above the cap a held position may drift to before it is trimmed.'),
  }),
  warmup: () => 0,
  init: () => ({ target: NaN, capped: NaN }),
  step(s, p, input, out, ctx) {
    const target = input.order.target;
    copyOrder(input.order, out.order);
    if (target !== target) {
      s.target = s.capped = NaN;
      out.limited = 0;
      return;
    }
    const price = ctx.close;
    const equity = ctx.equity;
    const capUnits = price > 0 && equity > 0 ? ((p.maxPercent / 100) * equity) / price : 0;
    if (target !== s.target) {
      s.target = target;
      s.capped = Math.sign(target) * Math.min(Math.abs(target), capUnits) + 0;
    } else {
      const position = ctx.position;
      const over = equity > 0 ? Math.abs(position) * price > ((p.maxPercent + p.tolerance) / 100) * equity : position !== 0;
      if (over && position * s.capped > 0 && Math.abs(s.capped) > capUnits) s.capped = Math.sign(s.capped) * capUnits + 0;
    }
    out.order.target = s.capped;
    out.limited = bool(s.capped !== target);
  },
  // A new target is capped again, and a held one is watched every bar; but a target held at 0 (flat, or
  // capped to nothing) can never be trimmed, and no instruction (NaN) is not watched. Compared with the
  // target in the state, because the order may come from a node that is not bar-by-bar (Target position).
  idle: (s, _p, input) => {
    const t = input.order.target;
    return t !== t ? s.target !== s.target : t === s.target && s.capped === 0;
  },
});
