import { z } from 'zod';
import { BasketDatasets } from './data/basket.ts';
import { compoundFields, type Bar, type BarField, type Order, type PortKind } from './ports.ts';

export const categories = ['data', 'indicator', 'logic', 'math', 'model', 'portfolio', 'risk', 'order', 'output', 'custom'] as const;
export type Category = (typeof categories)[number];

/** One named port. Inputs are required unless `optional`; an optional input reads NaN when unwired. */
export interface PortSpec {
  readonly kind: PortKind;
  readonly description: string;
  readonly optional?: boolean;
}

/**
 * What a node sees besides its inputs when a bar closes: the strategy symbol's closed bar and the
 * portfolio as it stands before any order decided on this bar. All plain numbers, so the same step runs
 * in a backtest, in a live workflow and (later) across a sandbox boundary.
 */
export interface StepContext {
  /** Index of the bar that just closed, from 0. */
  bar: number;
  /** Open time of that bar, epoch milliseconds. */
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** Cash plus position marked at this bar's close. */
  equity: number;
  cash: number;
  /** Signed quantity held: positive long, negative short. */
  position: number;
}

/**
 * Where a data node's bars come from. Resolved to bars by an activity, never inside a step. A run stores
 * the resolved request, so it can be reproduced whatever later happens to the strategy.
 */
export const DataRequest = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('synthetic'),
    seed: z.number().int(),
    bars: z.number().int().positive(),
    startPrice: z.number().positive(),
    drift: z.number(),
    volatility: z.number().min(0),
    intervalMinutes: z.number().positive(),
    startTime: z.number(),
    /** Symbols traded together (SYN1, SYN2…); absent means one. */
    symbols: z.number().int().min(1).max(500).optional(),
  }),
  z.object({ kind: z.literal('dataset'), datasetId: z.string() }),
  /** Several uploaded datasets traded together, aligned on the union of their times (docs/engine.md §4a). */
  z.object({ kind: z.literal('datasets'), datasets: BasketDatasets }),
]);
export type DataRequest = z.infer<typeof DataRequest>;

/** Opens one instance of a batch node per symbol; the instance holds the node's state between blocks. */
export interface BatchRunner {
  /**
   * `snapshot`, when given, is what an earlier instance's `snapshot()` returned: the new instance
   * continues from that state (a deployment's next bar, possibly in another process) instead of `init`.
   */
  open(params: Record<string, unknown>, seed: number, snapshot?: unknown): Promise<BatchInstance>;
}
export interface BatchInstance {
  /** The node over `length` consecutive bars (the valid bars of a block): one array per input, one per output. */
  run(inputs: Readonly<Record<string, Float64Array>>, length: number): Promise<Readonly<Record<string, Float64Array>>>;
  /** The instance's whole state as JSON-safe plain data, for `open(…, snapshot)`. Absent: it cannot be saved. */
  snapshot?(): Promise<unknown>;
  close(): Promise<void>;
}

/** A kernel's view of a port: a column per bar field for a `bars` port, else one column. */
type Columns<Ports> = { -readonly [K in keyof Ports]: Ports[K] extends { kind: 'bars' } ? Readonly<Record<BarField, Float64Array>> : Float64Array };

/** What a step reads from its inputs and writes to its outputs: a number per port; a bar or an order for those compound kinds. */
type Value<Spec> = Spec extends { kind: infer K }
  ? [K] extends ['bars'] ? Bar : [K] extends ['order'] ? Order : 'bars' extends K ? number | Bar | Order : number
  : number;
type Values<Ports> = { -readonly [K in keyof Ports]: Value<Ports[K]> };
/** Which inputs have an edge. An unwired optional input reads NaN, which is also "unknown" on a wired one. */
export type Wired<Ports> = { readonly [K in keyof Ports]: boolean };
type ParamsSchema = z.ZodObject<z.ZodRawShape>;

export interface NodeDefinition<
  P extends ParamsSchema = ParamsSchema,
  I extends Record<string, PortSpec> = Record<string, PortSpec>,
  O extends Record<string, PortSpec> = Record<string, PortSpec>,
  S = unknown,
> {
  /** Stable id, `category.name`. Never changes once published: graphs refer to it. */
  readonly type: string;
  /** Bumped when params change shape; each bump ships a migration in `migrations`. */
  readonly version: number;
  readonly category: Category;
  readonly title: string;
  /** One line for a trader, shown in the palette. */
  readonly description: string;
  readonly docs: { readonly example: string; readonly caveats: readonly string[] };
  readonly inputs: I;
  readonly outputs: O;
  /** The only source of the params type, the editor form, the defaults and the API docs. */
  readonly params: P;
  /**
   * `migrations[n]` turns params saved at version n into version n+1. Params arrive as stored JSON,
   * so each migration validates what it reads.
   */
  readonly migrations?: Readonly<Record<number, (old: unknown) => unknown>>;
  /**
   * Output nodes (signal export, alerts) declare where their rows go. Their step sets the output
   * `fired` to 1 on a bar that emits; the engine then records one event with the bar's time, the
   * symbol and the node's input values, and the platform (never the step) writes or sends it.
   */
  readonly sink?: { readonly kind: 'csv' | 'webhook' };
  /**
   * `cross`: the node sees every symbol of a multi-symbol strategy at once (rank, top-N, weights); each
   * port then carries a Float64Array with one value per symbol. Declare such nodes with `defineCrossNode`.
   */
  readonly scope?: 'asset' | 'cross';
  /**
   * A resampling node: its outputs other than `closed` change only on bars where `closed` is 1, and pure
   * nodes fed only by them step only on those bars (their clock), holding their outputs in between.
   * `factor` is how many base bars one resampled bar spans, for the warm-up.
   */
  readonly resample?: { factor(params: z.infer<P>, request: DataRequest): number };
  /**
   * A node whose code runs outside the engine (a custom node, in the sandbox) and computes a block of
   * bars at a time, asynchronously; its `step` is never called. Its inputs must come from pure nodes.
   */
  readonly batch?: BatchRunner;
  /** Data nodes declare their I/O here; the engine's data adapter resolves it before the run. */
  source?(params: z.infer<P>): DataRequest;
  /** Bars before the first output that is not NaN, given the params. */
  warmup?(params: z.infer<P>): number;
  /**
   * Plain-data state: numbers, arrays of numbers and nested plain objects only. `wired` tells which
   * inputs have an edge, for nodes whose behaviour depends on it (an unwired optional input and a wired
   * one that is still unknown both read NaN, but must not mean the same thing).
   */
  init(params: z.infer<P>, wired: Wired<I>): S;
  /** Advance one closed bar. Deterministic: no clock, no unseeded randomness, no I/O. */
  // Method syntax on purpose: it lets a specific definition stand in the registry's erased list.
  step(state: S, params: z.infer<P>, input: Readonly<Values<I>>, out: Values<O>, ctx: Readonly<StepContext>): void;
  /**
   * Optional: `step` over bars [from, to) of whole columns at once, for a node whose outputs are single
   * numbers, whose inputs are single numbers or bars (a column per field), and whose step takes no context. It keeps the state in locals for the run of bars, which a
   * per-bar call cannot, and must leave exactly the outputs and the state that calling `step` bar by bar
   * would (nodes/kernels.test.ts checks every node that has one).
   */
  kernel?(state: S, params: z.infer<P>, input: Readonly<Columns<I>>, out: Columns<O>, from: number, to: number): void;
  /**
   * Optional, with a kernel: outputs whose work the kernel can leave out. When nothing reads one of them
   * (no edge, and a run that shows no outputs: a backtest without a column cache), the executor may pass
   * `undefined` as its column; the kernel then neither writes it nor does the work only it needs, and
   * leaves the state and the other outputs exactly as with it (nodes/kernels.test.ts checks this).
   * Bollinger's %B and bandwidth are two divisions a bar that most strategies never read.
   */
  skippableOutputs?: readonly (keyof O & string)[];
  /**
   * Optional, with a kernel, for a node whose one output on a bar is a function of that bar's inputs
   * alone (no context, and a state that `init` sets and nothing changes): that function as JavaScript
   * for the executor's generated code, so it runs a chain of such nodes as one loop over the bars, not a
   * loop and a column each (a comparison feeding an AND, as in S3), and leaves out the columns only the
   * chain reads. Given these params and this wiring, it returns a function that writes statements
   * declaring the const `out` as the node's output on one bar, from `inputs` (names of locals, in the
   * order `inputs` declares them; an unwired one is `nan`) and the params and state objects `at` names.
   * Any other name it declares starts with `out`. Numbers from the params are read from `at.params`, not
   * written into the text, so plans that differ only in them (a sweep's) share their generated code; a
   * choice (an operator, a rule) may be written in, as it changes the code anyway. Code, not a
   * function to call, because a call in the loop is fast only where V8 inlines it, and its inlining
   * budget ran out in S3's column phase (the chain then cost as much as a loop per node). The code runs
   * in the host's generated loop, so only built-in nodes have it: a custom node's definition is made by
   * engine/custom.ts, which gives it none. nodes/kernels.test.ts holds it to the step, and
   * engine/execute.test.ts the chains to a loop per node.
   */
  pointwise?(params: z.infer<P>, wired: Wired<I>): (out: string, inputs: readonly string[], at: { params: string; state: string }) => string;
  /**
   * Optional, for a node that steps bar by bar but computes part of its work from its symbol's bars
   * alone (Volatility target's σ and its `percent` output): that part as a kernel over bars [from, to)
   * of the bar fields it names, run in the column phase on every valid bar, before the bar phase. It
   * keeps that part of the state and writes the outputs it names, one column each; on a bar where the
   * node steps, the executor puts their values for the bar in `out` first, and the step reads them there
   * and writes the other outputs. So the step can be idle while the kernel keeps up with the bars.
   * Whoever runs the node (the executor, `runNode`) calls this kernel on a bar before the step.
   */
  prepare?: {
    readonly fields: readonly BarField[];
    readonly outputs: readonly (keyof O & string)[];
    kernel(state: S, params: z.infer<P>, bars: Readonly<Record<BarField, Float64Array>>, out: Partial<Columns<O>>, from: number, to: number): void;
  };
  /**
   * Optional, for nodes that step bar by bar (sizing, risk, orders): true when a step on this bar can
   * change nothing. Given that every input coming from another bar-by-bar node is what this node saw on
   * its last step, and the other inputs are as given here, a step would leave the state and every output
   * exactly as they are, whatever the context (prices, equity, position). It must never answer true
   * wrongly; answering false is always safe. When every bar-by-bar node of a symbol is idle on a bar, the
   * executor skips their steps for that symbol (docs/engine.md, Execute), which is what makes a strategy
   * that trades rarely cost little per bar. nodes/idle.test.ts checks every node that has one.
   *
   * Declared with fewer than three parameters (`(s) => …`), it is taken not to read the inputs: the
   * executor then does not test it again when they change over a run of quiet bars.
   */
  idle?(state: Readonly<S>, params: z.infer<P>, input: Readonly<Values<I>>): boolean;
  /**
   * Optional, with `idle`, for a node that reads the portfolio's equity (a drawdown breaker): its idle
   * answer then holds only while the equity at the bar's close is above `low` and at most `high`,
   * given the state; outside, the node steps. `idle` itself stays free of the context. The executor checks
   * the equity of every bar a quiet stretch marks against it. nodes/idle.test.ts checks every node that has one.
   */
  idleEquity?: {
    low(state: Readonly<S>, params: z.infer<P>): number;
    high(state: Readonly<S>, params: z.infer<P>): number;
  };
  /**
   * The inputs `idle` reads, when not all of them: over a run of quiet bars the executor tests the node
   * again only when one of these changes (a Distance that moves every bar but matters only at entry need
   * not end the run). Without it, an idle test with the input parameter is taken to read every input.
   * nodes/idle.test.ts checks that the answer does not depend on the others.
   */
  idleInputs?: readonly (keyof I & string)[];
  /**
   * Optional, with `idle`: asked right after `idle` answered true, the inputs that answer hangs on. While
   * they keep their values the answer stays true, whatever the other inputs do, so a run of quiet bars
   * need not end where only the others change (a flat entry node waits for Enter; an Exit that flips
   * meanwhile changes nothing). Returns a constant list of input names, or undefined for all of them;
   * an input left out (a misspelt name too) is one the answer must truly not depend on.
   * nodes/idle.test.ts checks that changing only the other inputs never turns the answer false.
   */
  idleWatch?(state: Readonly<S>, params: z.infer<P>, input: Readonly<Values<I>>): readonly (keyof I & string)[] | undefined;
}

// Definitions differ in params, ports and state; code that handles any of them works at this erased type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyNodeDefinition = NodeDefinition<any, Record<string, PortSpec>, Record<string, PortSpec>, any>;

/**
 * Whether a node's step reads the step context (the bar, the portfolio). Steps declare the context as
 * their fifth parameter, so `step.length` tells: the ones that do not are pure functions of their input
 * series, which the engine runs a whole block of bars at a time before the broker sees any of them.
 */
export const readsContext = (step: (...args: never[]) => void): boolean => step.length >= 5;

/** A node that sees every symbol at once: its ports carry one value per symbol. */
export const isCrossSectional = (def: { readonly scope?: 'asset' | 'cross' }): boolean => def.scope === 'cross';

/** A cross-sectional node: as a `NodeDefinition`, but each port is one value per symbol, and no context. */
export interface CrossNodeDefinition<P extends ParamsSchema, I extends Record<string, PortSpec>, O extends Record<string, PortSpec>, S>
  extends Omit<NodeDefinition<P, I, O, S>, 'step' | 'scope' | 'source' | 'sink' | 'resample'> {
  readonly scope: 'cross';
  /** One closed bar across every symbol: `input.x[k]` is symbol k's value (NaN when its bar is missing or bad). */
  step(state: S, params: z.infer<P>, input: Readonly<Columns<I>>, out: Columns<O>): void;
}

/**
 * Declare a cross-sectional node. Its ports must be single numbers (price, number, bool), and its step
 * must not take the context: it is a pure function of the symbols' values on each bar.
 */
export function defineCrossNode<P extends ParamsSchema, I extends Record<string, PortSpec>, O extends Record<string, PortSpec>, S>(
  def: CrossNodeDefinition<P, I, O, S>,
): NodeDefinition<P, I, O, S> {
  for (const [name, spec] of [...Object.entries(def.inputs), ...Object.entries(def.outputs)]) {
    if (spec.kind === 'bars' || spec.kind === 'order') throw new Error(`${def.type}: a cross-sectional port carries one number per symbol; "${name}" is ${spec.kind}`);
  }
  if (def.step.length >= 5) throw new Error(`${def.type}: a cross-sectional step cannot read the context`);
  // The executor hands cross-sectional steps per-symbol arrays; the erased step type cannot say so.
  return defineNode(def as unknown as NodeDefinition<P, I, O, S>);
}

const identifier = /^[a-z][a-zA-Z0-9]*$/;

/**
 * Declare a node type. Checks the parts the type system cannot: the id's shape, port names that are
 * safe to use as property keys in generated code, and at least one output.
 *
 * @example
 * export const sma = defineNode({ type: 'indicator.sma', version: 1, category: 'indicator', ... });
 */
export function defineNode<P extends ParamsSchema, I extends Record<string, PortSpec>, O extends Record<string, PortSpec>, S>(
  def: NodeDefinition<P, I, O, S>,
): NodeDefinition<P, I, O, S> {
  if (!/^[a-z]+\.[a-z][a-zA-Z0-9]*$/.test(def.type)) throw new Error(`node type "${def.type}" must look like "category.name"`);
  if (!def.type.startsWith(`${def.category}.`)) throw new Error(`node type "${def.type}" must start with its category "${def.category}."`);
  if (!Number.isInteger(def.version) || def.version < 1) throw new Error(`${def.type}: version must be a positive integer`);
  for (const name of [...Object.keys(def.inputs), ...Object.keys(def.outputs)]) {
    if (!identifier.test(name)) throw new Error(`${def.type}: port name "${name}" must be a camelCase identifier`);
  }
  if (Object.keys(def.outputs).length === 0) throw new Error(`${def.type}: a node needs at least one output`);
  if (def.kernel) {
    // Bars come in as one column per field; orders, and compound outputs, have no column form.
    const compound = [...Object.entries(def.inputs).filter(([, spec]) => spec.kind === 'order'), ...Object.entries(def.outputs).filter(([, spec]) => spec.kind === 'bars' || spec.kind === 'order')];
    if (compound.length) throw new Error(`${def.type}: a kernel cannot have the ${compound[0]![1].kind} port "${compound[0]![0]}"`);
    if (def.step.length >= 5) throw new Error(`${def.type}: a node that reads the context cannot have a kernel`);
  }
  for (const port of def.skippableOutputs ?? []) {
    if (!def.kernel) throw new Error(`${def.type}: skippableOutputs are a kernel's, and there is none`);
    if (!(port in def.outputs)) throw new Error(`${def.type}: skippableOutputs names ${port}, which is not an output`);
  }
  if (def.pointwise) {
    const outs = Object.values(def.outputs);
    // A kernel already means no context; the state is the contract's part (tested, not checkable here).
    if (!def.kernel || def.scope === 'cross') throw new Error(`${def.type}: pointwise is for a node with a kernel that steps one symbol's bar from its inputs alone`);
    const single = ['number', 'price', 'bool'];
    if (outs.length !== 1 || !single.includes(outs[0]!.kind) || Object.values(def.inputs).some((spec) => !single.includes(spec.kind))) {
      throw new Error(`${def.type}: pointwise needs single-number inputs and one single-number output`);
    }
  }
  if (def.idle && def.step.length < 5) throw new Error(`${def.type}: only a node that reads the context steps bar by bar and can be idle`);
  if (def.prepare) {
    if (def.step.length < 5 || def.scope === 'cross' || def.batch) throw new Error(`${def.type}: only a node that steps bar by bar, one symbol at a time, can prepare columns`);
    for (const port of def.prepare.outputs) {
      const spec = def.outputs[port];
      if (!spec || compoundFields[spec.kind]) throw new Error(`${def.type}: prepare writes ${port}, which is not a single-number output`);
    }
  }
  if (def.idleEquity && !def.idle) throw new Error(`${def.type}: idleEquity bounds an idle test, and there is none`);
  if (def.idleWatch && !def.idle) throw new Error(`${def.type}: idleWatch follows an idle test, and there is none`);
  for (const port of def.idleInputs ?? []) if (!(port in def.inputs)) throw new Error(`${def.type}: idleInputs names ${port}, which is not an input`);
  for (let v = 1; v < def.version; v++) {
    if (!def.migrations?.[v]) throw new Error(`${def.type}: version ${def.version} needs a params migration from version ${v}`);
  }
  return Object.freeze(def);
}
