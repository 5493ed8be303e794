import type { PortSpec, StepContext } from '../nodes/contract.ts';
import { barFields, compoundFields, type PortKind } from '../nodes/ports.ts';
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

export interface ExecutorOptions {
  /** Bars per columnar block: small enough that every column of a block stays in cache. */
  blockBars?: number;
}

/**
 * Whether a node's step reads the step context (the bar, the portfolio). Steps declare the context as
 * their fifth parameter, so `step.length` tells: the ones that do not are pure functions of their input
 * series, and can run a whole block of bars at a time before the broker sees any of them.
 */
export const readsContext = (step: (...args: never[]) => void): boolean => step.length >= 5;

/**
 * Compile a plan into generated, monomorphic loops (DESIGN.md §2), in two phases per block of bars:
 *
 * 1. **Columns.** Every node that depends only on the bars (no context, nothing upstream that reads it)
 *    runs over the whole block in a loop of its own, reading and writing Float64Array columns. One
 *    small loop per node lets V8 inline that node's step with its state in registers, which one big
 *    loop calling every node cannot (the inlining budget is per function).
 * 2. **Bars.** The broker and the nodes that read the portfolio (sizing, risk, orders) then run bar by
 *    bar, reading the columns: these decide on equity that depends on the fills of the bar before.
 *
 * Both phases see the same bars in the same order, so the result equals a bar-by-bar run; a bar with a
 * bad price is skipped by both. The generated source holds only slot numbers, node indices and port
 * names that `defineNode` has checked are plain identifiers: never a user-supplied string.
 */
export function createExecutor(plan: Plan, bars: Bars, broker: SimBroker, options: ExecutorOptions = {}): Executor {
  const block = Math.max(1, Math.floor(options.blockBars ?? 2048));
  const slots = new Float64Array(plan.slotCount).fill(NaN);
  const equity = new Float64Array(bars.close.length);
  const ctx: StepContext = { bar: 0, time: 0, open: NaN, high: NaN, low: NaN, close: NaN, volume: NaN, equity: 0, cash: 0, position: 0 };
  const steps = plan.nodes.map((n) => n.def.step);
  const states = plan.nodes.map((n) => n.def.init(n.params, n.wired));
  const params = plan.nodes.map((n) => Object.freeze(n.params));

  // Where each slot's value lives: a bar column (data node outputs), a block column (columnar nodes),
  // or the per-bar `slots` array (nodes that read the context).
  const barColumn = new Map<number, string>();
  const columns: number[] = [];
  const columnar = plan.nodes.map(() => false);
  const columnSlots = new Set<number>();
  plan.nodes.forEach((node, i) => {
    const { outputs } = node.def;
    if (node.def.source) {
      for (const [port, slot] of Object.entries(node.outputSlots)) {
        if (outputs[port]!.kind === 'bars') barFields.forEach((f, k) => barColumn.set(slot + k, f));
        else if ((barFields as readonly string[]).includes(port)) barColumn.set(slot, port);
      }
      return;
    }
    const inputsAreColumns = Object.entries(node.inputSlots).every(([port, slot]) => {
      const width = compoundFields[node.def.inputs[port]!.kind]?.length ?? 1;
      if (!node.wired[port]) return true;
      for (let k = 0; k < width; k++) if (!barColumn.has(slot + k) && !columnSlots.has(slot + k)) return false;
      return true;
    });
    if (readsContext(node.def.step) || !inputsAreColumns) return;
    columnar[i] = true;
    for (const [port, slot] of Object.entries(node.outputSlots)) {
      const width = compoundFields[outputs[port]!.kind]?.length ?? 1;
      for (let k = 0; k < width; k++) {
        columnSlots.add(slot + k);
        columns.push(slot + k);
      }
    }
  });
  const dataNode = plan.nodes.findIndex((n) => n.def.source);
  if (dataNode >= 0 && Object.keys(plan.nodes[dataNode]!.outputSlots).some((p) => !(p === 'bars' || (barFields as readonly string[]).includes(p)))) {
    throw new Error(`${plan.nodes[dataNode]!.def.type}: a data node may only output bars and bar fields`);
  }

  /** The expression reading slot `s` at absolute bar `t` (block index `j`). */
  const read = (s: number): string => {
    const field = barColumn.get(s);
    if (field) return `${field}[t]`;
    if (columnSlots.has(s)) return `c${s}[j]`;
    return `slots[${s}]`;
  };
  const value = (kind: PortKind) => {
    const fields = compoundFields[kind];
    return fields ? `{ ${fields.map((f) => `${f}: NaN`).join(', ')} }` : 'NaN';
  };
  // Port objects are literals in the generated code so V8 gives them a fixed shape with unboxed double
  // fields; objects built at run time (Object.fromEntries) box every write and make garbage per bar.
  const literal = (ports: Record<string, PortSpec>) => `{ ${Object.entries(ports).map(([p, spec]) => `${p}: ${value(spec.kind)}`).join(', ')} }`;
  const callNode = (i: number, write: (s: number) => string): string[] => {
    const node = plan.nodes[i]!;
    const { inputs, outputs } = node.def;
    const body: string[] = [];
    for (const [port, slot] of Object.entries(node.inputSlots)) {
      const fields = compoundFields[inputs[port]!.kind];
      if (fields) fields.forEach((f, k) => body.push(`i${i}.${port}.${f} = ${node.wired[port] ? read(slot + k) : 'NaN'};`));
      else body.push(`i${i}.${port} = ${node.wired[port] ? read(slot) : 'NaN'};`);
    }
    body.push(`s${i}(st${i}, p${i}, i${i}, o${i}, ctx);`);
    for (const [port, slot] of Object.entries(node.outputSlots)) {
      const fields = compoundFields[outputs[port]!.kind];
      if (fields) fields.forEach((f, k) => body.push(`${write(slot + k)} = o${i}.${port}.${f};`));
      else body.push(`${write(slot)} = o${i}.${port};`);
    }
    return body;
  };

  const declare: string[] = [];
  const loops: string[] = [];
  const perBar: string[] = [];
  plan.nodes.forEach((node, i) => {
    const { inputs, outputs } = node.def;
    declare.push(`const s${i} = steps[${i}], st${i} = states[${i}], p${i} = params[${i}], i${i} = ${literal(inputs)}, o${i} = ${literal(outputs)};`);
    if (columnar[i]) {
      loops.push(`function node${i}(from, a, b) {
    for (let t = a; t < b; t++) {
      const j = t - from;
      ${callNode(i, (s) => `c${s}[j]`).join('\n      ')}
    }
  }`);
    } else if (!node.def.source) {
      perBar.push(...callNode(i, (s) => `slots[${s}]`));
    }
  });
  const columnarNodes = plan.nodes.map((_, i) => i).filter((i) => columnar[i]);
  // The last bar's column values go to `slots` after each block, so `slots` always shows the outputs
  // as of the last bar run, whichever phase computed them.
  const keep = [...[...barColumn].map(([s, f]) => `slots[${s}] = ${f}[t];`), ...columns.map((s) => `slots[${s}] = c${s}[j];`)];

  // The broker reads the order from `slots`; an order computed in the column phase is copied there.
  const orderFromColumns = columnSlots.has(plan.orderSlot)
    ? (compoundFields.order ?? []).map((_, k) => `slots[${plan.orderSlot + k}] = c${plan.orderSlot + k}[j];`)
    : [];
  const source = `"use strict";
const time = bars.time, open = bars.open, high = bars.high, low = bars.low, close = bars.close, volume = bars.volume;
${columns.map((s) => `const c${s} = new Float64Array(${block});`).join('\n')}
${declare.join('\n')}
${loops.join('\n')}
/** Bars [a, b) of the block starting at \`from\`, all valid: each pure node over them, in plan order. */
function columnsOver(from, a, b) {
  ${columnarNodes.map((i) => `node${i}(from, a, b);`).join('\n  ')}
}
/**
 * A bar with a price that is not a positive finite number, or whose high is below its low, is skipped
 * whole: no fills, no node sees it, equity carries over. CSV input is refused before this can happen;
 * the guard protects live feeds and anything else that reaches the loop.
 */
function valid(t) {
  const o = open[t], h = high[t], l = low[t], c = close[t];
  return o > 0 && o < Infinity && c > 0 && c < Infinity && l > 0 && h < Infinity && h >= l;
}
function barsOver(from, to) {
  let exposed = 0, skipped = 0, last = -1;
  for (let t = from; t < to; t++) {
    if (!valid(t)) {
      equity[t] = t > 0 ? equity[t - 1] : broker.cash;
      skipped++;
      continue;
    }
    const j = t - from;
    last = t;
    const c = close[t];
    broker.onBar(t, time[t], open[t], high[t], low[t], c, volume[t]);
    ctx.bar = t; ctx.time = time[t]; ctx.open = open[t]; ctx.high = high[t]; ctx.low = low[t]; ctx.close = c; ctx.volume = volume[t];
    const position = broker.position;
    ctx.cash = broker.cash; ctx.position = position;
    const e = broker.cash + position * c;
    ctx.equity = e; equity[t] = e;
    if (position !== 0) exposed++;
    ${perBar.join('\n    ')}
    ${orderFromColumns.join('\n    ')}
    broker.instruct(t, slots, ${plan.orderSlot});
  }
  stats.exposed += exposed;
  stats.skipped += skipped;
  if (last >= 0) {
    const t = last, j = last - from;
    ${keep.join('\n    ')}
  }
}
return function run(from, to) {
  for (let start = from; start < to; start += ${block}) {
    const end = Math.min(to, start + ${block});
    // Pure nodes over each run of valid bars, so their state skips bad bars as the broker does.
    let a = start;
    for (let t = start; t < end; t++) {
      if (valid(t)) continue;
      if (t > a) columnsOver(start, a, t);
      a = t + 1;
    }
    if (end > a) columnsOver(start, a, end);
    barsOver(start, end);
  }
};`;
  const stats = { exposed: 0, skipped: 0 };
  const factory = new Function('steps', 'states', 'params', 'ctx', 'slots', 'bars', 'broker', 'equity', 'stats', source);
  const run = factory(steps, states, params, ctx, slots, bars, broker, equity, stats) as Executor['run'];
  return { run, equity, slots, states, stats };
}
