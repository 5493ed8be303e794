import type { PortSpec, StepContext } from '../nodes/contract.ts';
import { compoundFields, type PortKind } from '../nodes/ports.ts';
import type { Bars } from './bars.ts';
import type { SimBroker } from './broker.ts';
import type { Plan } from './compile.ts';

export interface Executor {
  /** Run bars [from, to). */
  run(from: number, to: number): void;
  /** Bars that ended with a position held, and bars skipped for bad prices, so far. */
  readonly stats: { exposed: number; skipped: number };
  /** Equity marked at each bar's close. */
  readonly equity: Float64Array;
  /** Every output's value after the last bar run, by the plan's slot numbers (inspection and tests). */
  readonly slots: Float64Array;
  /** Each plan node's plain-data state, in plan order (snapshots for long runs). */
  readonly states: readonly unknown[];
}

/**
 * Compile a plan into one monomorphic loop. Each node's step becomes its own call site on its own
 * variable, so V8 sees a single target per site and can inline it; no per-node dispatch happens per
 * bar (DESIGN.md §2). The generated source holds only slot numbers, node indices and port names that
 * `defineNode` has checked are plain identifiers: never a user-supplied string.
 */
export function createExecutor(plan: Plan, bars: Bars, broker: SimBroker): Executor {
  const slots = new Float64Array(plan.slotCount).fill(NaN);
  const equity = new Float64Array(bars.close.length);
  const ctx: StepContext = { bar: 0, time: 0, open: NaN, high: NaN, low: NaN, close: NaN, volume: NaN, equity: 0, cash: 0, position: 0 };
  const steps = plan.nodes.map((n) => n.def.step);
  const states = plan.nodes.map((n) => n.def.init(n.params, n.wired));
  const params = plan.nodes.map((n) => Object.freeze(n.params));

  const declare: string[] = [];
  const body: string[] = [];
  plan.nodes.forEach((node, i) => {
    const { inputs, outputs } = node.def;
    // Port objects are literals in the generated code so V8 gives them a fixed shape with unboxed double
    // fields; objects built at run time (Object.fromEntries) box every write and make garbage per bar.
    const value = (kind: PortKind) => {
      const fields = compoundFields[kind];
      return fields ? `{ ${fields.map((f) => `${f}: NaN`).join(', ')} }` : 'NaN';
    };
    const literal = (ports: Record<string, PortSpec>) => `{ ${Object.entries(ports).map(([p, spec]) => `${p}: ${value(spec.kind)}`).join(', ')} }`;
    declare.push(`const s${i} = steps[${i}], st${i} = states[${i}], p${i} = params[${i}], i${i} = ${literal(inputs)}, o${i} = ${literal(outputs)};`);
    for (const [port, slot] of Object.entries(node.inputSlots)) {
      const fields = compoundFields[inputs[port]!.kind];
      if (fields) fields.forEach((f, k) => body.push(`i${i}.${port}.${f} = slots[${slot + k}];`));
      else body.push(`i${i}.${port} = slots[${slot}];`);
    }
    body.push(`s${i}(st${i}, p${i}, i${i}, o${i}, ctx);`);
    for (const [port, slot] of Object.entries(node.outputSlots)) {
      const fields = compoundFields[outputs[port]!.kind];
      if (fields) fields.forEach((f, k) => body.push(`slots[${slot + k}] = o${i}.${port}.${f};`));
      else body.push(`slots[${slot}] = o${i}.${port};`);
    }
  });
  const source = `"use strict";
const time = bars.time, open = bars.open, high = bars.high, low = bars.low, close = bars.close, volume = bars.volume;
${declare.join('\n')}
return function run(from, to) {
  let exposed = 0, skipped = 0;
  for (let t = from; t < to; t++) {
    const o = open[t], h = high[t], l = low[t], c = close[t];
    // A bar with a price that is not a positive finite number, or whose high is below its low, is skipped
    // whole: no fills, no node sees it, equity carries over. CSV input is refused before this can happen;
    // the guard protects live feeds and anything else that reaches the loop.
    if (!(o > 0 && o < Infinity && c > 0 && c < Infinity && l > 0 && h < Infinity && h >= l)) {
      equity[t] = t > 0 ? equity[t - 1] : broker.cash;
      skipped++;
      continue;
    }
    broker.onBar(t, time[t], o, h, l, c, volume[t]);
    ctx.bar = t; ctx.time = time[t]; ctx.open = o; ctx.high = h; ctx.low = l; ctx.close = c; ctx.volume = volume[t];
    const position = broker.position;
    ctx.cash = broker.cash; ctx.position = position;
    const e = broker.cash + position * c;
    ctx.equity = e; equity[t] = e;
    if (position !== 0) exposed++;
    ${body.join('\n    ')}
    broker.instruct(t, slots, ${plan.orderSlot});
  }
  stats.exposed += exposed;
  stats.skipped += skipped;
};`;
  const stats = { exposed: 0, skipped: 0 };
  const factory = new Function('steps', 'states', 'params', 'ctx', 'slots', 'bars', 'broker', 'equity', 'stats', source);
  const run = factory(steps, states, params, ctx, slots, bars, broker, equity, stats) as Executor['run'];
  return { run, equity, slots, states, stats };
}
