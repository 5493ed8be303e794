import type { Bars } from './bars.ts';
import { SimBroker } from './broker.ts';
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
export function traceSlots(plan: Plan, bars: Bars, slots: readonly number[], at: readonly number[]): Float64Array[] {
  const out = slots.map(() => new Float64Array(at.length));
  if (at.length === 0) return out;
  const n = bars.close.length;
  const exec = createExecutor(plan, bars, new SimBroker(plan.settings));
  let done = 0;
  for (let j = 0; j < at.length; j++) {
    const t = at[j]!;
    if (!(Number.isInteger(t) && t >= done - 1 && t < n)) throw new RangeError(`trace sample ${t} is out of order or outside 0…${n - 1}`);
    if (t >= done) {
      exec.run(done, t + 1);
      done = t + 1;
    }
    for (let k = 0; k < slots.length; k++) out[k]![j] = exec.slots[slots[k]!]!;
  }
  return out;
}
