import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { CompileError, CompileErrorCode, CompileResult } from '../engine/compile.ts';
import { compile } from '../engine/compile.ts';
import { customNodeDefinition, customType, type SandboxLike } from '../engine/custom.ts';
import type { AnyNodeDefinition } from '../nodes/contract.ts';
import { createRegistry, type CatalogEntry, type Registry } from '../nodes/registry.ts';
import { CustomNodeMeta, paramsSchemaOf } from '../sandbox/api/schema.ts';
import { SandboxPool, type InstanceHandle, type LoadedNode } from '../sandbox/client.ts';
import { CustomNode, CustomNodeVersion } from './db/entities.ts';

/**
 * Custom nodes in every place a graph is compiled or run: the catalog, `POST /api/compile`, run start,
 * the backtest and research activities, the run chart and the preview. `registryFor` gives the built-in
 * registry plus the custom node versions a graph pins (or, for the palette, each custom node's latest).
 *
 * Compiling needs only what the sandbox validated when the version was saved (ports, params JSON Schema),
 * so it never starts a sandbox process; the source goes into the sandbox the first time an instance is
 * opened, and the sandbox keeps it by content hash from then on.
 */

/** Prefix of every custom node's registry type: `custom.<typeName>`. */
export const CUSTOM_PREFIX = 'custom.';

/** A compile error, or one only graphs with custom nodes can have. */
export type GraphProblem = Omit<CompileError, 'code'> & { code: CompileErrorCode | 'custom_version_conflict' | 'custom_node_missing' };

export type GraphCompileResult = Extract<CompileResult, { ok: true }> | { ok: false; errors: GraphProblem[] };

export interface RegistryFor {
  registry: Registry;
  /** Problems the registry cannot express (two versions of one custom node, a version that is gone). */
  problems: GraphProblem[];
}

export interface CustomNodeHost {
  /** The sandbox pool, started on first use (a request that tests or runs a custom node). */
  sandbox(): SandboxPool;
  registryFor(em: EntityManager, owner: string, graph?: unknown): Promise<RegistryFor>;
  /** Compile a graph against `registryFor(em, owner, graph)`, with its problems merged in. */
  compile(em: EntityManager, owner: string, graph: unknown): Promise<GraphCompileResult>;
  /** The catalog the editor's palette shows: built-ins plus each custom node at its latest version. */
  catalog(em: EntityManager, owner: string): Promise<ReturnType<Registry['catalog']>>;
  /** Stop the sandbox processes, if any were started. */
  close(): Promise<void>;
}

export interface CustomNodeHostOptions {
  base: Registry;
  /** Sandbox processes in the pool (default 1: the machine's other cores run the engine). */
  poolSize?: number;
  log?: Logger;
  /** Use this pool instead of starting one (tests share one across apps). */
  pool?: SandboxPool;
}

/** Definitions by `<source hash>:<version>`: building one parses its metadata and its params schema. */
const DEFINITION_CACHE = 512;

/** The host for one process: the server has one, each worker process has one. */
export function createCustomNodeHost(options: CustomNodeHostOptions): CustomNodeHost {
  const { base } = options;
  let pool: SandboxPool | null = options.pool ?? null;
  const ownsPool = !options.pool;
  const sandbox = (): SandboxPool =>
    (pool ??= new SandboxPool(options.poolSize ?? 1, {
      onEvent: (e) => {
        if (e.type === 'crashed') options.log?.warn({ sandbox: e }, 'sandbox process crashed; it is restarted');
        else if (e.missingLayers.length) options.log?.warn({ missing: e.missingLayers }, 'sandbox started without some isolation layers');
      },
    }));
  const definitions = new Map<string, AnyNodeDefinition>();

  /** Loads the source into the pool when an instance is first opened; the pool keeps it by content hash. */
  const lazySandbox = (source: string): SandboxLike => ({
    async createInstance(nodeId, params, opts) {
      const loaded = await sandbox().load(source);
      if (loaded.id !== nodeId) throw new Error('custom node source does not match its stored hash');
      return sandbox().createInstance(nodeId, params, opts);
    },
    runBatch: (handle: InstanceHandle, inputs, length) => sandbox().runBatch(handle, inputs, length),
    snapshot: (handle: InstanceHandle) => sandbox().snapshot(handle),
    dispose: (handle: InstanceHandle) => sandbox().dispose(handle),
  });

  function definitionOf(version: { sourceHash: string; number: number; meta: Record<string, unknown> }, source: () => Promise<string>): Promise<AnyNodeDefinition> {
    const key = `${version.sourceHash}:${version.number}`;
    const hit = definitions.get(key);
    if (hit) {
      definitions.delete(key);
      definitions.set(key, hit);
      return Promise.resolve(hit);
    }
    return source().then((text) => {
      const def = customNodeDefinition(loadedFromMeta(version.sourceHash, version.meta), version.number, lazySandbox(text));
      definitions.set(key, def);
      while (definitions.size > DEFINITION_CACHE) definitions.delete(definitions.keys().next().value!);
      return def;
    });
  }

  /** The source is lazy in the entity (it can be 256 KB); read it only for definitions not cached yet. */
  const sourceOf = (em: EntityManager, id: string) => async () => (await em.fork().findOneOrFail(CustomNodeVersion, { id }, { populate: ['source'] })).source;

  async function registryFor(em: EntityManager, owner: string, graph?: unknown): Promise<RegistryFor> {
    const problems: GraphProblem[] = [];
    if (graph === undefined) {
      // The catalog: every custom node at its latest version.
      const nodes = await em.find(CustomNode, { owner }, { orderBy: { typeName: 'asc' } });
      if (nodes.length === 0) return { registry: base, problems };
      const versions = await em.find(CustomNodeVersion, { $or: nodes.map((n) => ({ customNode: n.id, number: n.latestVersion })) }, { fields: ['id', 'sourceHash', 'number', 'meta'] });
      const defs = await Promise.all(versions.map((v) => definitionOf(v, sourceOf(em, v.id))));
      return { registry: createRegistry([...base.definitions, ...defs]), problems };
    }

    // A graph: the versions it pins, one per custom type.
    const pins = pinnedVersions(graph);
    if (pins.size === 0) return { registry: base, problems };
    const nodes = await em.find(CustomNode, { owner, typeName: { $in: [...pins.keys()] } });
    const byName = new Map(nodes.map((n) => [n.typeName, n]));
    const wanted: { node: CustomNode; number: number }[] = [];
    for (const [typeName, uses] of pins) {
      const numbers = [...new Set(uses.map((u) => u.version))];
      const node = byName.get(typeName);
      if (!node) {
        for (const u of uses) problems.push({ code: 'custom_node_missing', message: `custom node "${typeName}" does not exist (it was deleted, or belongs to someone else)`, nodeId: u.nodeId, path: ['nodes', u.index, 'type'] });
        continue;
      }
      if (numbers.length > 1) {
        const list = numbers.sort((a, b) => a - b).map((n) => `v${n}`).join(' and ');
        for (const u of uses) {
          problems.push({
            code: 'custom_version_conflict',
            message: `${node.title} is used at ${list} in this graph; one graph runs one version of a custom node: update every "${node.title}" node to the same version`,
            nodeId: u.nodeId,
            path: ['nodes', u.index, 'version'],
          });
        }
      }
      // With a conflict, the newest pinned version stands in, so the rest of the graph still compiles.
      wanted.push({ node, number: Math.max(...numbers) });
    }
    const versions = wanted.length
      ? await em.find(CustomNodeVersion, { $or: wanted.map((w) => ({ customNode: w.node.id, number: w.number })) }, { fields: ['id', 'sourceHash', 'number', 'meta', 'customNode'] })
      : [];
    const found = new Set(versions.map((v) => `${v.customNode.id}:${v.number}`));
    for (const w of wanted) {
      if (found.has(`${w.node.id}:${w.number}`)) continue;
      for (const u of pins.get(w.node.typeName)!) {
        if (u.version === w.number) problems.push({ code: 'custom_node_missing', message: `${w.node.title} has no version ${w.number} (its latest is v${w.node.latestVersion})`, nodeId: u.nodeId, path: ['nodes', u.index, 'version'] });
      }
    }
    const defs = await Promise.all(versions.map((v) => definitionOf(v, sourceOf(em, v.id))));
    return { registry: defs.length ? createRegistry([...base.definitions, ...defs]) : base, problems };
  }

  return {
    sandbox,
    registryFor,
    async compile(em, owner, graph) {
      const { registry, problems } = await registryFor(em, owner, graph);
      const result = compile(graph, registry);
      if (problems.length === 0) return result;
      // The compiler's view of a node with a problem here (unknown type, params of another version) is noise.
      const flagged = new Set(problems.map((p) => p.nodeId));
      const rest = result.ok ? [] : result.errors.filter((e) => !e.nodeId || !flagged.has(e.nodeId));
      return { ok: false, errors: [...problems, ...rest] };
    },
    async catalog(em, owner) {
      const { registry } = await registryFor(em, owner);
      if (registry === base) return base.catalog();
      // The built-ins' entries are computed once; only the custom ones are new per request.
      const builtin = base.catalog();
      const custom = registry.catalog().nodes.filter((n: CatalogEntry) => n.category === 'custom');
      return { ...builtin, nodes: [...builtin.nodes, ...custom] };
    },
    async close() {
      if (pool && ownsPool) await pool.close();
      pool = null;
    },
  };
}

/** The custom types a graph uses, with the version each node pins and where the node is. */
function pinnedVersions(graph: unknown): Map<string, { nodeId: string; index: number; version: number }[]> {
  const pins = new Map<string, { nodeId: string; index: number; version: number }[]>();
  const nodes = graph && typeof graph === 'object' && Array.isArray((graph as { nodes?: unknown }).nodes) ? (graph as { nodes: unknown[] }).nodes : [];
  nodes.forEach((n, index) => {
    if (!n || typeof n !== 'object') return;
    const { type, id, version } = n as { type?: unknown; id?: unknown; version?: unknown };
    if (typeof type !== 'string' || !type.startsWith(CUSTOM_PREFIX)) return;
    const typeName = type.slice(CUSTOM_PREFIX.length);
    // The graph schema's default, so a node saved without a version reads as the compiler reads it.
    const v = typeof version === 'number' && Number.isInteger(version) && version >= 1 ? version : 1;
    const list = pins.get(typeName) ?? [];
    list.push({ nodeId: typeof id === 'string' ? id : String(index), index, version: v });
    pins.set(typeName, list);
  });
  return pins;
}

/**
 * A `LoadedNode` rebuilt from the metadata stored with a version. The metadata was produced and
 * validated by the sandbox when the version was saved; it is validated again here because it comes
 * back from the database.
 */
export function loadedFromMeta(sourceHash: string, metaJson: unknown): LoadedNode {
  const meta = CustomNodeMeta.parse(metaJson);
  const paramsSchema = paramsSchemaOf(meta.params);
  return Object.freeze({
    id: sourceHash,
    type: meta.type,
    title: meta.title,
    description: meta.description,
    inputs: Object.freeze(Object.assign(Object.create(null), meta.inputs)),
    outputs: Object.freeze(Object.assign(Object.create(null), meta.outputs)),
    params: meta.params,
    paramsSchema,
    defaults: paramsSchema.parse({}),
  });
}

/** The metadata to store for a freshly loaded node (what `loadedFromMeta` reads back). */
export function metaOf(node: LoadedNode): CustomNodeMeta {
  return CustomNodeMeta.parse({
    type: node.type,
    title: node.title,
    description: node.description,
    inputs: { ...node.inputs },
    outputs: { ...node.outputs },
    params: node.params,
    defaults: node.defaults,
  });
}

export const sourceHash = (source: string): string => createHash('sha256').update(source).digest('hex');

export { customType };
