import { z } from 'zod';
import { IDENTIFIER, MAX_PARAMS, MAX_PORTS } from '../limits.ts';

/**
 * What a custom node's definition looks like once it leaves the isolate. The isolate checks it too, for
 * friendly messages; this is the check that counts, because whatever the isolate says may be forged.
 */

/** Custom nodes are pure functions of their input series: scalar kinds only, never bars, orders or account state. */
export const customPortKinds = ['price', 'number', 'bool'] as const;
export const CustomPortKind = z.enum(customPortKinds);
export type CustomPortKind = z.infer<typeof CustomPortKind>;

const name = z.string().regex(IDENTIFIER, 'must be a camelCase identifier of at most 64 characters');

export const CustomPortSpec = z.strictObject({ kind: CustomPortKind, description: z.string().max(500) });
export type CustomPortSpec = z.infer<typeof CustomPortSpec>;

const ports = (min: number) =>
  z
    .record(name, CustomPortSpec)
    .refine((p) => Object.keys(p).length >= min, `needs at least ${min} port`)
    .refine((p) => Object.keys(p).length <= MAX_PORTS, `at most ${MAX_PORTS} ports`);

const finite = z.number().finite();
const described = { description: z.string().max(500).optional() };

/** The params JSON Schema subset the node API's `z` emits: numbers (with bounds), booleans and string enums. */
export const ParamJsonSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.enum(['number', 'integer']),
    minimum: finite.optional(),
    maximum: finite.optional(),
    exclusiveMinimum: finite.optional(),
    exclusiveMaximum: finite.optional(),
    default: finite,
    ...described,
  }),
  z.strictObject({ type: z.literal('boolean'), default: z.boolean(), ...described }),
  z.strictObject({ type: z.literal('string'), enum: z.array(z.string().min(1).max(64)).min(1).max(64), default: z.string(), ...described }),
]);
export type ParamJsonSchema = z.infer<typeof ParamJsonSchema>;

export const ParamsJsonSchema = z.strictObject({
  type: z.literal('object'),
  properties: z.record(name, ParamJsonSchema).refine((p) => Object.keys(p).length <= MAX_PARAMS, `at most ${MAX_PARAMS} params`),
  additionalProperties: z.literal(false),
});
export type ParamsJsonSchema = z.infer<typeof ParamsJsonSchema>;

/** A loaded custom node's description: what the palette, the editor's params form and the engine need. */
export const CustomNodeMeta = z.strictObject({
  /** camelCase name chosen by the author; the engine namespaces it (e.g. `custom.<name>`). */
  type: name,
  title: z.string().min(1).max(80),
  description: z.string().max(500),
  inputs: ports(0),
  outputs: ports(1),
  params: ParamsJsonSchema,
  defaults: z.record(name, z.union([finite, z.boolean(), z.string()])),
});
export type CustomNodeMeta = z.infer<typeof CustomNodeMeta>;

/**
 * The zod schema for a custom node's params, built from its JSON Schema: the host validates params
 * (and applies defaults) with this before they go to the sandbox, and the engine can use it as the
 * node's `params` like any built-in node's.
 */
export function paramsSchemaOf(schema: ParamsJsonSchema): z.ZodObject<Record<string, z.ZodType>> {
  const shape: Record<string, z.ZodType> = Object.create(null);
  for (const [key, p] of Object.entries(schema.properties)) {
    let s: z.ZodType;
    if (p.type === 'boolean') s = z.boolean().default(p.default);
    else if (p.type === 'string') {
      s = z.enum(p.enum as [string, ...string[]]).default(p.default);
    } else {
      let n = p.type === 'integer' ? z.number().int() : z.number().finite();
      if (p.minimum !== undefined) n = n.min(p.minimum);
      if (p.maximum !== undefined) n = n.max(p.maximum);
      if (p.exclusiveMinimum !== undefined) n = n.gt(p.exclusiveMinimum);
      if (p.exclusiveMaximum !== undefined) n = n.lt(p.exclusiveMaximum);
      s = n.default(p.default);
    }
    shape[key] = p.description ? s.describe(p.description) : s;
  }
  return z.strictObject({ ...shape });
}

/** A state snapshot as it travels: JSON of `{ state, bar, rng }`, opaque to the host. */
export const InstanceSnapshot = z.strictObject({ node: z.string(), json: z.string() });
export type InstanceSnapshot = z.infer<typeof InstanceSnapshot>;
