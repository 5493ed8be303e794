/**
 * The API a custom node is written against: `import { defineNode, z } from 'tradeloom/node'`.
 * Monaco loads this file for IntelliSense (`sandbox/api/dts.ts` exports it as a string); the sandbox
 * implements it in `sandbox/api/runtime.js`.
 */
declare module 'tradeloom/node' {
  /**
   * What flows along a custom node's ports, one value per closed bar:
   * - `price`: a price in quote currency;
   * - `number`: any number (an oscillator, a ratio);
   * - `bool`: a condition, read as 1 (true), 0 (false) or NaN (not known yet); write `true`/`false` or 1/0/NaN.
   */
  export type PortKind = 'price' | 'number' | 'bool';

  export interface PortSpec {
    readonly kind: PortKind;
    /** Shown next to the port in the editor. */
    readonly description?: string;
  }

  /** Port names are camelCase identifiers: `source`, `fast`, `upperBand`. */
  export type Ports = { readonly [name: string]: PortSpec };

  /** What a step reads: one number per input port (NaN while upstream is warming up). */
  export type Inputs<I extends Ports> = { readonly [K in keyof I]: number };
  /** What a step writes: one value per output port. Outputs start each bar as NaN ("no value yet"). */
  export type Outputs<O extends Ports> = { [K in keyof O]: O[K]['kind'] extends 'bool' ? boolean | number : number };

  /** Besides inputs: the index of the bar being processed, counted from 0 when the instance was created. */
  export interface StepContext {
    readonly bar: number;
  }

  export namespace z {
    /** A params field. Every field needs a `.default(…)` so the node can be placed without configuration. */
    interface ZodType<T> {
      readonly _output: T;
      default(value: T): this;
      describe(description: string): this;
    }
    interface ZodNumber extends ZodType<number> {
      int(): ZodNumber;
      min(value: number): ZodNumber;
      gte(value: number): ZodNumber;
      max(value: number): ZodNumber;
      lte(value: number): ZodNumber;
      gt(value: number): ZodNumber;
      lt(value: number): ZodNumber;
      positive(): ZodNumber;
      nonnegative(): ZodNumber;
      negative(): ZodNumber;
      nonpositive(): ZodNumber;
    }
    interface ZodBoolean extends ZodType<boolean> {}
    interface ZodEnum<T extends string> extends ZodType<T> {}
    type ZodField = ZodNumber | ZodBoolean | ZodEnum<string>;
    interface ZodObject<Shape extends Record<string, ZodField>> {
      readonly _output: { readonly [K in keyof Shape]: Shape[K]['_output'] };
      /** Validates params and fills defaults; throws on a bad value. */
      parse(value: unknown): { readonly [K in keyof Shape]: Shape[K]['_output'] };
    }
    type infer<S extends { readonly _output: unknown }> = S['_output'];
  }
  /** A zod-compatible params builder: numbers (with bounds), booleans and string enums. */
  export const z: {
    number(): z.ZodNumber;
    boolean(): z.ZodBoolean;
    enum<const T extends readonly [string, ...string[]]>(values: T): z.ZodEnum<T[number]>;
    object<Shape extends Record<string, z.ZodField>>(shape: Shape): z.ZodObject<Shape>;
  };

  export interface NodeDefinition<I extends Ports, O extends Ports, P extends z.ZodObject<Record<string, z.ZodField>>, S> {
    /** camelCase name, unique among your nodes: `myEma`. */
    readonly type: string;
    readonly title: string;
    /** One line for a trader, shown in the palette. */
    readonly description: string;
    readonly inputs: I;
    /** At least one. */
    readonly outputs: O;
    readonly params: P;
    /**
     * Plain-data state (numbers, arrays, plain objects): it is saved as JSON between runs. Runs once per
     * instance. `Math.random` is seeded by the engine, so it is reproducible; there is no clock.
     */
    init(params: z.infer<P>): S;
    /**
     * Advance one closed bar: read `input`, update `state` in place, write `out`. Deterministic and pure:
     * no clock, no I/O, and no peeking at other bars; outputs left unset are NaN.
     */
    step(state: S, params: z.infer<P>, input: Inputs<I>, out: Outputs<O>, ctx: StepContext): void;
  }

  /** A node definition, as returned by `defineNode`; `export default` it. */
  export interface CustomNode {
    readonly __customNode: unique symbol;
  }

  /**
   * Declare a custom node. The module must `export default defineNode({...})`.
   *
   * @example
   * import { defineNode, z } from 'tradeloom/node';
   * export default defineNode({
   *   type: 'myEma', title: 'My EMA', description: 'Exponential moving average.',
   *   inputs: { source: { kind: 'price' } }, outputs: { value: { kind: 'price' } },
   *   params: z.object({ period: z.number().int().min(1).default(20) }),
   *   init: () => ({ value: NaN }),
   *   step(s, p, input, out) {
   *     s.value = Number.isNaN(s.value) ? input.source : s.value + (2 / (p.period + 1)) * (input.source - s.value);
   *     out.value = s.value;
   *   },
   * });
   */
  export function defineNode<I extends Ports, O extends Ports, P extends z.ZodObject<Record<string, z.ZodField>>, S>(
    definition: NodeDefinition<I, O, P, S>,
  ): CustomNode;
}
