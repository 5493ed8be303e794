import { z } from 'zod';
import type { Bar, Order, PortKind } from './ports.ts';

export const categories = ['data', 'indicator', 'logic', 'math', 'model', 'risk', 'order', 'output'] as const;
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
  }),
  z.object({ kind: z.literal('dataset'), datasetId: z.string() }),
]);
export type DataRequest = z.infer<typeof DataRequest>;

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
}

// Definitions differ in params, ports and state; code that handles any of them works at this erased type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyNodeDefinition = NodeDefinition<any, Record<string, PortSpec>, Record<string, PortSpec>, any>;

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
  for (let v = 1; v < def.version; v++) {
    if (!def.migrations?.[v]) throw new Error(`${def.type}: version ${def.version} needs a params migration from version ${v}`);
  }
  return Object.freeze(def);
}
