import { asMarket, type Bars, type Market } from './bars.ts';
import { Account, SimBroker } from './broker.ts';
import type { Plan } from './compile.ts';
import { createExecutor } from './execute.ts';

/**
 * The value of some plan slots after chosen bars, recomputed by running the plan again over the same
 * bars (a run is deterministic, so this is what the backtest saw).
 *
 * `at` holds bar indices in ascending order; the result has one array per slot, `result[k][j]` being
 * slot `slots[k]` after bar `at[j]` closed. Sampling only the bars a chart needs lets a long run be
 * traced in one pass: the executor runs in chunks between samples and the slots are read at each.
 *
 * This is the one place charts read node outputs, so a faster path (an executor that records slots
 * itself) can replace the body without touching its callers.
 *
 * @example
 * const [sma] = traceSlots(plan, bars, [plan.nodes[1].outputSlots.value], [0, 1, 2, 3]);
 */
export function traceSlots(plan: Plan, data: Bars | Market, slots: readonly number[], at: readonly number[], lane = 0): Float64Array[] {
  if (plan.nodes.some((n) => n.def.batch)) throw new Error('this plan has custom nodes, which run asynchronously: use traceSlotsAsync');
  const t = tracer(plan, data, slots, at, lane);
  while (t.next()) t.exec.run(t.from, t.to) as void;
  return t.out;
}

/** `traceSlots` for any plan, custom (sandboxed) nodes included. */
export async function traceSlotsAsync(plan: Plan, data: Bars | Market, slots: readonly number[], at: readonly number[], lane = 0): Promise<Float64Array[]> {
  const t = tracer(plan, data, slots, at, lane);
  try {
    while (t.next()) await t.exec.run(t.from, t.to);
    return t.out;
  } finally {
    await t.exec.close();
  }
}

/**
 * Steps through the samples: each `next()` reads the samples already reached and says whether the
 * executor must run [from, to) to reach the next one. With several symbols, `lane` picks whose slots.
 */
function tracer(plan: Plan, data: Bars | Market, slots: readonly number[], at: readonly number[], lane: number) {
  const market = asMarket(data);
  const L = market.lanes.length;
  if (!(Number.isInteger(lane) && lane >= 0 && lane < L)) throw new RangeError(`symbol ${lane} is outside 0…${L - 1}`);
  const out = slots.map(() => new Float64Array(at.length));
  const n = market.lanes[0]!.close.length;
  const account = new Account(plan.settings.initialCash);
  const exec = createExecutor(plan, market, market.symbols.map((symbol) => new SimBroker(plan.settings, account, L > 1 ? symbol : undefined)));
  let done = 0;
  let j = 0;
  const state = {
    out,
    exec,
    from: 0,
    to: 0,
    /** Record every sample already reached; true when the executor must run to reach the next one. */
    next(): boolean {
      while (j < at.length) {
        const t = at[j]!;
        if (!(Number.isInteger(t) && t >= done - 1 && t < n)) throw new RangeError(`trace sample ${t} is out of order or outside 0…${n - 1}`);
        if (t >= done) {
          state.from = done;
          state.to = t + 1;
          done = t + 1;
          return true;
        }
        for (let k = 0; k < slots.length; k++) out[k]![j] = exec.slots[slots[k]! * L + lane]!;
        j++;
      }
      return false;
    },
  };
  return state;
}
