import { z } from 'zod';
import type { AnyNodeDefinition, Category } from './contract.ts';
import { PortKinds, type PortKind } from './ports.ts';

/** The catalog entry the editor and the API read: everything about a node type except its code. */
export interface CatalogEntry {
  type: string;
  version: number;
  category: Category;
  title: string;
  description: string;
  docs: { example: string; caveats: string[] };
  inputs: { name: string; kind: PortKind; description: string; optional: boolean }[];
  outputs: { name: string; kind: PortKind; description: string }[];
  /** JSON Schema of the params (input form: defaulted fields are not required). */
  paramsSchema: Record<string, unknown>;
  defaults: Record<string, unknown>;
}

export interface Catalog {
  portKinds: typeof PortKinds;
  nodes: CatalogEntry[];
}

export interface Registry {
  readonly definitions: readonly AnyNodeDefinition[];
  get(type: string): AnyNodeDefinition | undefined;
  catalog(): Catalog;
}

/**
 * Build a registry from an explicit list of definitions. Duplicate types are a programming error.
 *
 * @example
 * const registry = createRegistry([sma, ema, rsi]);
 */
export function createRegistry(definitions: readonly AnyNodeDefinition[]): Registry {
  const byType = new Map<string, AnyNodeDefinition>();
  for (const def of definitions) {
    if (byType.has(def.type)) throw new Error(`node type "${def.type}" is registered twice`);
    byType.set(def.type, def);
  }
  let cached: Catalog | undefined;
  return {
    definitions,
    get: (type) => byType.get(type),
    catalog: () => (cached ??= { portKinds: PortKinds, nodes: definitions.map(catalogEntry) }),
  };
}

function catalogEntry(def: AnyNodeDefinition): CatalogEntry {
  return {
    type: def.type,
    version: def.version,
    category: def.category,
    title: def.title,
    description: def.description,
    docs: { example: def.docs.example, caveats: [...def.docs.caveats] },
    inputs: Object.entries(def.inputs).map(([name, p]) => ({ name, kind: p.kind, description: p.description, optional: !!p.optional })),
    outputs: Object.entries(def.outputs).map(([name, p]) => ({ name, kind: p.kind, description: p.description })),
    paramsSchema: z.toJSONSchema(def.params, { io: 'input' }) as Record<string, unknown>,
    // Partial: a param without a default (a dataset to pick) is left for the user, not an error here.
    defaults: def.params.partial().parse({}) as Record<string, unknown>,
  };
}

/**
 * Bring params saved at `fromVersion` up to the definition's current version.
 * Throws when the graph was saved by a newer Tradeloom than this one.
 */
export function migrateParams(def: AnyNodeDefinition, fromVersion: number, params: unknown): unknown {
  if (fromVersion > def.version) {
    throw new Error(`saved with ${def.type} version ${fromVersion}, but this Tradeloom only knows up to version ${def.version}`);
  }
  let current = params;
  for (let v = fromVersion; v < def.version; v++) current = def.migrations![v]!(current);
  return current;
}
