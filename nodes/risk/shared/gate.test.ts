import { describe, expect, it } from 'vitest';
import type { StepContext } from '../../contract.ts';
import type { Order } from '../../ports.ts';
import { defaultContext } from '../../testing.ts';
import { applyGate, GateMode, gateState, noOrder, reducesRisk } from './gate.ts';

type Step = { mode: GateMode; order: Partial<Order>; ctx?: Partial<StepContext> };

/** Run the gate over bars, each with its verdict, incoming order and context; return the targets sent. */
function run(steps: Step[]): Order[] {
  const g = gateState();
  return steps.map((s, bar) => {
    const out = noOrder();
    applyGate(g, s.mode, { ...noOrder(), ...s.order }, out, { ...defaultContext, bar, time: bar * 3_600_000, ...s.ctx });
    return out;
  });
}
const { pass, block, flatten } = GateMode;
const limit10 = { target: 10, type: 1, limit: 95, expiry: 0 };

describe('risk gate helper', () => {
  it('reducesRisk: flat, or same side and no larger', () => {
    expect([reducesRisk(0, 5), reducesRisk(5, 10), reducesRisk(10, 10), reducesRisk(-3, -4)]).toEqual([true, true, true, true]);
    expect([reducesRisk(11, 10), reducesRisk(5, -5), reducesRisk(5, 0), reducesRisk(NaN, 5)]).toEqual([false, false, false, false]);
  });

  it('a limit entry still resting is cancelled by a block; once it has expired it is left alone', () => {
    const resting = run([{ mode: pass, order: limit10 }, { mode: pass, order: limit10 }, { mode: block, order: limit10 }]);
    expect(resting.map((o) => o.target)).toEqual([10, 10, 0]);
    const expired = { ...limit10, expiry: 2 };
    // Worked on bars 1 and 2, so dead from bar 2: the repeat at bar 2 passes.
    expect(run([{ mode: pass, order: expired }, { mode: pass, order: expired }, { mode: block, order: expired }]).map((o) => o.target)).toEqual([10, 10, 10]);
    const day = { ...limit10, expiry: -1 };
    // A day order worked from bar 1 (01:00) is dead on a bar of the next UTC day.
    const days = run([
      { mode: pass, order: day },
      { mode: pass, order: day },
      { mode: block, order: day, ctx: { time: 23 * 3_600_000 } },
      { mode: block, order: day, ctx: { time: 25 * 3_600_000 } },
    ]);
    expect(days.map((o) => o.target)).toEqual([10, 10, 0, 0]);
    const nextDay = run([{ mode: pass, order: day }, { mode: pass, order: day }, { mode: block, order: day, ctx: { time: 25 * 3_600_000 } }]);
    expect(nextDay.map((o) => o.target)).toEqual([10, 10, 10]);
  });

  it('a market order is done after a bar, filled or cut; a fill closed inside a bar shows in the cash', () => {
    const m = { target: 10, type: 0, expiry: 0 };
    // Cut by the leverage cap to 9 at bar 1; nothing more at bar 2, so it is done: the repeat passes.
    expect(
      run([
        { mode: pass, order: m, ctx: { position: 0 } },
        { mode: pass, order: m, ctx: { position: 9 } },
        { mode: block, order: m, ctx: { position: 9 } },
      ]).map((o) => o.target),
    ).toEqual([10, 10, 10]);
    // A limit that filled at the open and was stopped out in the same bar: position 0 again, cash moved.
    expect(
      run([
        { mode: pass, order: limit10, ctx: { cash: 1000 } },
        { mode: block, order: limit10, ctx: { cash: 990 } },
      ]).map((o) => o.target),
    ).toEqual([10, 10]);
    // A scale-in limit cancelled by a protective exit (the position moved away from its target).
    const add = { ...limit10, target: 20 };
    expect(
      run([
        { mode: pass, order: add, ctx: { position: 10 } },
        { mode: block, order: add, ctx: { position: 0 } },
      ]).map((o) => o.target),
    ).toEqual([20, 20]);
  });

  it('flatten: flat while a position or a working entry exists; a finished repeat passes once flat', () => {
    const m = { target: 10, type: 0, expiry: 0 };
    const out = run([
      { mode: pass, order: m, ctx: { position: 0 } },
      { mode: flatten, order: m, ctx: { position: 10 } },
      { mode: flatten, order: m, ctx: { position: 0 } },
      { mode: pass, order: m, ctx: { position: 0 } },
    ]);
    expect(out.map((o) => o.target)).toEqual([10, 0, 0, 10]);
    // Stopped out before the halt: nothing to close or cancel, so the repeat passes and nothing is revived later.
    const stopped = run([
      { mode: pass, order: m, ctx: { position: 0 } },
      { mode: pass, order: m, ctx: { position: 10 } },
      { mode: flatten, order: m, ctx: { position: 0 } },
      { mode: pass, order: m, ctx: { position: 0 } },
    ]);
    expect(stopped.map((o) => o.target)).toEqual([10, 10, 10, 10]);
  });
});
