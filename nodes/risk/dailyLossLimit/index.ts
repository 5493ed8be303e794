import { z } from 'zod';
import { bool } from '../../bool.ts';
import { defineNode } from '../../contract.ts';
import { applyGate, blockCaveat, flattenCaveat, GateMode, gateState, haltActionParam, resumeCaveat } from '../shared/gate.ts';

const dayMs = 86_400_000;

/** Stops new risk for the rest of the UTC day once the day's loss reaches a set percent. */
export const dailyLossLimit = defineNode({
  type: 'risk.dailyLossLimit',
  version: 1,
  category: 'risk',
  title: 'Daily loss limit',
  description: 'Once today’s loss reaches a set percent of the day’s starting equity, take no new risk until the next UTC day.',
  docs: {
    example: 'Max loss 2 %: an intraday strategy that is down 2 % on the day stops opening trades until midnight UTC.',
    caveats: [
      'A bar belongs to the UTC day its open time falls in. The day’s starting equity is the equity at the close of the last bar before that day (on the very first bar, that bar’s equity), so an overnight gap counts toward the new day.',
      'Measured at each close: the limit trips on the first close of the day where equity ≤ start × (1 − Max loss %). The order decided on that bar is the first one affected (it fills at the next open); it stays tripped for every later bar of that day and clears on the first bar of the next UTC day.',
      blockCaveat,
      flattenCaveat,
      resumeCaveat,
      'On daily bars each bar is its own day, so a losing day affects only the order decided at its own close.',
      '`blocked` is 1 on every bar the limit is tripped. No warm-up.',
    ],
  },
  inputs: { order: { kind: 'order', description: 'The order to guard.' } },
  outputs: {
    order: { kind: 'order', description: 'The order, or the hold / flat order while tripped.' },
    blocked: { kind: 'bool', description: 'True while today’s limit is tripped.' },
  },
  params: z.object({
    maxLossPercent: z.number().gt(0).max(100).default(2).describe('Loss from the day’s starting equity that trips the limit, in percent.'),
    action: haltActionParam,
  }),
  warmup: () => 0,
  init: () => ({ day: NaN, dayStart: NaN, prevEquity: NaN, halted: 0, gate: gateState() }),
  step(s, p, input, out, ctx) {
    const day = Math.floor(ctx.time / dayMs);
    if (day !== s.day) {
      s.day = day;
      s.dayStart = s.prevEquity === s.prevEquity ? s.prevEquity : ctx.equity;
      s.halted = 0;
    }
    s.prevEquity = ctx.equity;
    if (s.halted === 0 && ctx.equity <= s.dayStart * (1 - p.maxLossPercent / 100)) s.halted = 1;
    const mode = s.halted === 0 ? GateMode.pass : p.action === 'flatten' ? GateMode.flatten : GateMode.block;
    applyGate(s.gate, mode, input.order, out.order, ctx);
    out.blocked = bool(s.halted === 1);
  },
});
