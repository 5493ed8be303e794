import type { AnyNodeDefinition, StepContext } from './contract.ts';
import { compoundFields, type Bar, type Order, type PortKind } from './ports.ts';

/** The context a node sees when a test does not say otherwise: a flat portfolio of 100 000 at price 100. */
export const defaultContext: Readonly<StepContext> = Object.freeze({
  bar: 0,
  time: 0,
  open: 100,
  high: 100,
  low: 100,
  close: 100,
  volume: 0,
  equity: 100_000,
  cash: 100_000,
  position: 0,
});

export interface RunNodeOptions {
  /** Raw params as a graph would hold them; parsed (defaults filled) by the node's own schema. */
  params?: Record<string, unknown>;
  /**
   * One array per wired input (bars for a `bars` port; partial orders, or bare target quantities, for an
   * `order` port; missing fields NaN); inputs left out are unwired (they read NaN, and `init` is told).
   */
  inputs?: Record<string, readonly number[] | readonly Bar[] | readonly Partial<Order>[]>;
  /** Context overrides per bar, on top of `defaultContext` (with `bar` and `time` set from the index). */
  ctx?: readonly Partial<StepContext>[] | ((bar: number) => Partial<StepContext>);
  /** Number of bars; defaults to the longest input or context array. */
  bars?: number;
}

/**
 * Run one node definition bar by bar, exactly as the executor does (init once, then step per bar
 * with the same input, output and context objects), and collect each output per bar.
 *
 * @example
 * runNode(sma, { params: { period: 2 }, inputs: { source: [1, 3, 5] } }).value // [NaN, 2, 4]
 */
// Values per output: numbers, or bar objects for a `bars` output; loosely typed for test brevity.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function runNode(def: AnyNodeDefinition, options: RunNodeOptions = {}): Record<string, any[]> {
  const inputs = options.inputs ?? {};
  for (const name of Object.keys(inputs)) {
    if (!(name in def.inputs)) throw new Error(`${def.type} has no input "${name}"`);
  }
  const wired: Record<string, boolean> = {};
  for (const [name, spec] of Object.entries(def.inputs)) {
    wired[name] = name in inputs;
    if (!spec.optional && !wired[name]) throw new Error(`${def.type} needs its "${name}" input`);
  }
  const ctxOf = typeof options.ctx === 'function' ? options.ctx : (bar: number) => (options.ctx as readonly Partial<StepContext>[] | undefined)?.[bar] ?? {};
  const n =
    options.bars ??
    Math.max(0, ...Object.values(inputs).map((a) => a.length), Array.isArray(options.ctx) ? options.ctx.length : 0);
  const params = def.params.parse(options.params ?? {});
  const state = def.init(params, wired);
  const nanOf = (kind: PortKind) => Object.fromEntries((compoundFields[kind] ?? []).map((f) => [f, NaN]));
  const blank = (ports: Record<string, { kind: PortKind }>) => Object.fromEntries(Object.entries(ports).map(([k, p]) => [k, compoundFields[p.kind] ? nanOf(p.kind) : NaN]));
  const input = blank(def.inputs);
  const out = blank(def.outputs);
  const result: Record<string, unknown[]> = Object.fromEntries(Object.keys(def.outputs).map((k) => [k, []]));
  for (let bar = 0; bar < n; bar++) {
    for (const [name, spec] of Object.entries(def.inputs)) {
      const v = inputs[name]?.[bar];
      // Copy compound fields into the same object each bar, as the executor does.
      // A bare number on an order port stands for a market instruction to hold that many units.
      if (spec.kind === 'order' && typeof v === 'number') Object.assign(input[name] as object, nanOf('order'), { target: v, type: 0, expiry: 0 });
      else if (compoundFields[spec.kind]) Object.assign(input[name] as object, nanOf(spec.kind), v ?? {});
      else input[name] = (v as number | undefined) ?? NaN;
    }
    const ctx: StepContext = { ...defaultContext, bar, time: bar * 60_000, ...ctxOf(bar) };
    prepareBar(def, state, params, ctx, out);
    // The erased definition's port values are a union; these objects hold the right shape per port.
    def.step(state, params, input as never, out as never, ctx);
    for (const [name, spec] of Object.entries(def.outputs)) result[name]!.push(compoundFields[spec.kind] ? { ...(out[name] as object) } : out[name]);
  }
  return result as Record<string, any[]>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * What a node prepares from the bars (its `prepare` kernel), over one bar taken from the context, with
 * the prepared values put in `out`: as the executor's column phase does before the bar's step.
 */
export function prepareBar(def: AnyNodeDefinition, state: unknown, params: unknown, ctx: Readonly<StepContext>, out: Record<string, unknown>): void {
  if (!def.prepare) return;
  const columns = Object.fromEntries(def.prepare.fields.map((f) => [f, Float64Array.of(ctx[f])]));
  const prepared = Object.fromEntries(def.prepare.outputs.map((port) => [port, new Float64Array(1)]));
  def.prepare.kernel(state, params, columns as never, prepared, 0, 1);
  for (const port of def.prepare.outputs) out[port] = prepared[port]![0]!;
}

/** Index of the first value that is not NaN, or -1. */
export function firstDefined(values: readonly number[]): number {
  return values.findIndex((v) => !Number.isNaN(v));
}

/** The target quantities of a node's order output, bar by bar. */
export function targets(orders: readonly Order[]): number[] {
  return orders.map((o) => o.target);
}

/**
 * Run a cross-sectional node bar by bar: `inputs.port[t]` holds every symbol's value on bar t. Returns
 * each output per bar as a plain array per symbol.
 */
export function runCrossNode(def: AnyNodeDefinition, options: { params?: Record<string, unknown>; inputs: Record<string, readonly (readonly number[])[]> }): Record<string, number[][]> {
  const params = def.params.parse(options.params ?? {});
  const wired = Object.fromEntries(Object.keys(def.inputs).map((p) => [p, p in options.inputs]));
  const state = def.init(params, wired);
  const rows = Object.values(options.inputs);
  const bars = rows[0]?.length ?? 0;
  const symbols = rows[0]?.[0]?.length ?? 0;
  const input = Object.fromEntries(Object.keys(def.inputs).map((p) => [p, new Float64Array(symbols).fill(NaN)]));
  const out = Object.fromEntries(Object.keys(def.outputs).map((p) => [p, new Float64Array(symbols).fill(NaN)]));
  const result: Record<string, number[][]> = Object.fromEntries(Object.keys(def.outputs).map((p) => [p, []]));
  for (let t = 0; t < bars; t++) {
    for (const [p, series] of Object.entries(options.inputs)) input[p]!.set(series[t]!);
    // Cross-sectional steps take per-symbol arrays; the erased step type cannot say so.
    def.step(state, params, input as never, out as never, defaultContext);
    for (const p of Object.keys(def.outputs)) result[p]!.push([...out[p]!]);
  }
  return result;
}
