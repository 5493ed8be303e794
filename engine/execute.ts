import type { PortSpec, StepContext } from '../nodes/contract.ts';
import { barFields, type PortKind } from '../nodes/ports.ts';
import type { Bars } from './bars.ts';
import type { SimBroker } from './broker.ts';
import type { Plan } from './compile.ts';

export interface Executor {
  /** Run bars [from, to). Returns how many of them ended with a position held. */
  run(from: number, to: number): number;
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
    const value = (kind: PortKind) => (kind === 'bars' ? `{ ${barFields.map((f) => `${f}: NaN`).join(', ')} }` : 'NaN');
    const literal = (ports: Record<string, PortSpec>) => `{ ${Object.entries(ports).map(([p, spec]) => `${p}: ${value(spec.kind)}`).join(', ')} }`;
    declare.push(`const s${i} = steps[${i}], st${i} = states[${i}], p${i} = params[${i}], i${i} = ${literal(inputs)}, o${i} = ${literal(outputs)};`);
    for (const [port, slot] of Object.entries(node.inputSlots)) {
      if (inputs[port]!.kind === 'bars') barFields.forEach((f, k) => body.push(`i${i}.${port}.${f} = slots[${slot + k}];`));
      else body.push(`i${i}.${port} = slots[${slot}];`);
    }
    body.push(`s${i}(st${i}, p${i}, i${i}, o${i}, ctx);`);
    for (const [port, slot] of Object.entries(node.outputSlots)) {
      if (outputs[port]!.kind === 'bars') barFields.forEach((f, k) => body.push(`slots[${slot + k}] = o${i}.${port}.${f};`));
      else body.push(`slots[${slot}] = o${i}.${port};`);
    }
  });
  const source = `"use strict";
const time = bars.time, open = bars.open, high = bars.high, low = bars.low, close = bars.close, volume = bars.volume;
${declare.join('\n')}
return function run(from, to) {
  let exposed = 0;
  for (let t = from; t < to; t++) {
    broker.fillAtOpen(t, time[t], open[t]);
    const c = close[t];
    ctx.bar = t; ctx.time = time[t]; ctx.open = open[t]; ctx.high = high[t]; ctx.low = low[t]; ctx.close = c; ctx.volume = volume[t];
    const position = broker.position;
    ctx.cash = broker.cash; ctx.position = position;
    const e = broker.cash + position * c;
    ctx.equity = e; equity[t] = e;
    if (position !== 0) exposed++;
    ${body.join('\n    ')}
    const target = slots[${plan.orderSlot}];
    if (target === target) broker.pendingTarget = target;
  }
  return exposed;
};`;
  const factory = new Function('steps', 'states', 'params', 'ctx', 'slots', 'bars', 'broker', 'equity', source);
  const run = factory(steps, states, params, ctx, slots, bars, broker, equity) as Executor['run'];
  return { run, equity, slots, states };
}
