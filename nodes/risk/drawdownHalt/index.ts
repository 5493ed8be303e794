import { z } from 'zod';
import { bool, isTrue } from '../../bool.ts';
import { defineNode } from '../../contract.ts';
import { OrderType, type Order } from '../../ports.ts';
import { applyGate, blockCaveat, flattenCaveat, GateMode, gateState, haltActionParam, resumeCaveat, sameOrder } from '../shared/gate.ts';

/** The order a flattening halt sends: a market order for 0. */
const flat: Order = Object.freeze({ target: 0, type: OrderType.market, limit: NaN, stop: NaN, expiry: 0, stopLoss: NaN, takeProfit: NaN, trail: NaN });

/** Halts new risk (or goes flat) once equity has fallen a set percent below its running peak. */
export const drawdownHalt = defineNode({
  type: 'risk.drawdownHalt',
  version: 1,
  category: 'risk',
  title: 'Drawdown halt',
  description: 'Stop trading (or go flat) once equity falls a set percent below its peak; resume after N bars or on a reset.',
  docs: {
    example: 'Max drawdown 15 %, flatten, halt bars 20: after a 15 % fall from the high-water mark, go flat and sit out 20 bars.',
    caveats: [
      'Measured at each close: the peak is the highest equity (cash + position at the close) seen since the start or the last resume, this bar included; the halt trips on the first close where equity ≤ peak × (1 − Max drawdown %). The order decided on that bar is the first one affected (it fills at the next open).',
      blockCaveat,
      flattenCaveat,
      'It ends on the first bar where Reset is true or, when Halt bars is set, Halt bars bars after the bar it tripped on (Halt bars 5 tripping on bar 10 lets the bar-15 order through), whichever comes first. With Reset unwired and Halt bars empty it never ends. A Reset while not halted does nothing.',
      'On resuming, the peak restarts from that bar’s equity (else the old drawdown would trip it again at once).',
      resumeCaveat,
      '`blocked` is 1 on every bar the halt is in force. No warm-up: it acts from the first bar, whose equity is the first peak.',
      'On a portfolio each symbol’s lane keeps its own peak and halt, stepping on that symbol’s bars: equity is the portfolio’s, but a symbol whose data starts after a fall starts its peak there, and Halt bars count its own bars (docs/engine.md, several symbols).',
    ],
  },
  inputs: {
    order: { kind: 'order', description: 'The order to guard.' },
    reset: { kind: 'bool', description: 'Ends the halt on a bar where it is true.', optional: true },
  },
  outputs: {
    order: { kind: 'order', description: 'The order, or the halt’s hold / flat order.' },
    blocked: { kind: 'bool', description: 'True while the halt is in force.' },
  },
  params: z.object({
    maxDrawdown: z.number().gt(0).max(100).default(20).describe('Fall from the equity peak that trips the halt, in percent.'),
    action: haltActionParam,
    haltBars: z.number().int().min(1).max(1_000_000).optional().describe('Bars the halt lasts; empty to wait for Reset.'),
  }),
  warmup: () => 0,
  init: () => ({ peak: NaN, halted: 0, barsHalted: 0, gate: gateState() }),
  step(s, p, input, out, ctx) {
    const equity = ctx.equity;
    if (s.halted === 1) {
      // Counted only when Halt bars ends the halt: without it the count is never read, and a halt that
      // waits for Reset then changes no state from bar to bar (it can be idle).
      if (p.haltBars !== undefined) s.barsHalted++;
      if (isTrue(input.reset) || (p.haltBars !== undefined && s.barsHalted >= p.haltBars)) {
        s.halted = 0;
        s.peak = equity;
      }
    }
    if (s.halted === 0) {
      if (!(equity <= s.peak)) s.peak = equity;
      if (equity <= s.peak * (1 - p.maxDrawdown / 100)) {
        s.halted = 1;
        s.barsHalted = 0;
      }
    }
    const mode = s.halted === 0 ? GateMode.pass : p.action === 'flatten' ? GateMode.flatten : GateMode.block;
    applyGate(s.gate, mode, input.order, out.order, ctx);
    out.blocked = bool(s.halted === 1);
  },
  // A step changes nothing, whatever the position, when the gate has no instruction to watch and:
  // - not halted, with a peak: while the equity stays above the trip level and does not pass the peak
  //   (`idleEquity`), the order passes as it did;
  // - halted to flatten until Reset (no Halt bars), Reset not true, the flat order sent, and an
  //   instruction coming in: every bar sends the flat order again. What passes otherwise depends on the
  //   position: a missing instruction passes when flat; so does a repeat of the flat order, which must
  //   then be the flat order to the last bit (a -0 target would pass as -0, not as the flat order's 0).
  //   A halt that blocks is never idle.
  // A portfolio's breaker then costs nothing on the bars between its signals, and after it trips.
  idle: (s, p, input) => {
    if (s.gate.done !== 1) return false;
    if (s.halted === 0) return s.peak === s.peak;
    const order = input.order;
    if (p.action !== 'flatten' || p.haltBars !== undefined || isTrue(input.reset) || order.target !== order.target) return false;
    return sameOrder(flat, s.gate.sent) && (!sameOrder(order, flat) || (Object.is(order.target, 0) && Object.is(order.type, flat.type) && Object.is(order.expiry, 0)));
  },
  idleEquity: {
    low: (s, p) => (s.halted === 0 ? s.peak * (1 - p.maxDrawdown / 100) : -Infinity),
    high: (s) => (s.halted === 0 ? s.peak : Infinity),
  },
});
