import type { z } from 'zod';
import type { AnyNodeDefinition } from '../../nodes/contract.ts';
import { migrateParams, type Registry } from '../../nodes/registry.ts';
import type { CompileError } from '../compile.ts';
import { Graph, type OptimizeRange } from '../graph.ts';

/** One optimisable param: which node, which param, and the values to try, in order. */
export interface Dimension {
  /** `nodeId.param`: the key used in params overrides and in stored trials. */
  key: string;
  nodeId: string;
  param: string;
  values: number[];
}

/** Param values to run a trial with, by `nodeId.param`; params not named keep the graph's value. */
export type ParamsOverride = Record<string, number>;

export const paramKey = (nodeId: string, param: string) => `${nodeId}.${param}`;

/**
 * The values of a range. Steps are computed as `min + i × step` and rounded to 12 significant digits,
 * so 0.1 steps give 0.3 and not 0.30000000000000004 (which an integer param would also refuse).
 */
export function expandRange(range: OptimizeRange): number[] {
  if ('values' in range) return [...new Set(range.values)];
  const count = Math.floor((range.max - range.min) / range.step + 1e-9) + 1;
  return Array.from({ length: count }, (_, i) => Number((range.min + i * range.step).toPrecision(12)));
}

/**
 * The search space a graph declares through its nodes' `optimize` fields, checked against each node's
 * own params schema: a param that does not exist, or a value the schema refuses (a fractional period, a
 * value out of bounds, a number for a choice param), is an error pointing at the node, before any trial runs.
 */
export function paramSpace(input: unknown, registry: Registry): { ok: true; dimensions: Dimension[] } | { ok: false; errors: CompileError[] } {
  const parsed = Graph.safeParse(input);
  if (!parsed.success) {
    return { ok: false, errors: parsed.error.issues.map((i) => ({ code: 'invalid_graph', message: i.message, path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)) })) };
  }
  const dimensions: Dimension[] = [];
  const errors: CompileError[] = [];
  parsed.data.nodes.forEach((node, i) => {
    if (!node.optimize) return;
    const def = registry.get(node.type);
    // Unknown types and unreadable params are the compiler's errors to report; nothing to check here.
    if (!def) return;
    let base: Record<string, unknown>;
    try {
      base = currentParams(def, node.version, node.params);
    } catch {
      return;
    }
    const shape = (def.params as z.ZodObject).shape;
    for (const [param, range] of Object.entries(node.optimize)) {
      const path = ['nodes', i, 'optimize', param];
      if (def.source) {
        errors.push({ code: 'bad_params', message: dataParamMessage(def, param), nodeId: node.id, path });
        continue;
      }
      if (!Object.hasOwn(shape, param)) {
        errors.push({ code: 'bad_params', message: `${def.title} has no param "${param}" to optimise`, nodeId: node.id, path });
        continue;
      }
      const values = expandRange(range);
      const refused = values.map((v) => ({ v, r: (def.params as z.ZodType).safeParse({ ...base, [param]: v }) })).find((x) => !x.r.success);
      if (refused && !refused.r.success) {
        const issue = refused.r.error.issues[0]!;
        errors.push({ code: 'bad_params', message: `${def.title} ${param} cannot be ${refused.v}: ${issue.message}`, nodeId: node.id, path });
        continue;
      }
      dimensions.push({ key: paramKey(node.id, param), nodeId: node.id, param, values });
    }
  });
  return errors.length ? { ok: false, errors } : { ok: true, dimensions };
}

/** How many combinations a full grid over the dimensions has (1 with no dimensions: the graph as is). */
export function gridSize(dimensions: readonly Dimension[]): number {
  return dimensions.reduce((n, d) => n * d.values.length, 1);
}

/**
 * Combination number `index` of the grid, in mixed radix with the last dimension varying fastest. Trials
 * are named by index, so a workflow hands out index ranges instead of parameter sets.
 */
export function comboAt(dimensions: readonly Dimension[], index: number): ParamsOverride {
  const out: ParamsOverride = {};
  let rest = index;
  for (let d = dimensions.length - 1; d >= 0; d--) {
    const dim = dimensions[d]!;
    out[dim.key] = dim.values[rest % dim.values.length]!;
    rest = Math.floor(rest / dim.values.length);
  }
  return out;
}

/**
 * The graph with the override's params set. A node saved at an older version has its params migrated
 * first, so an override always names a param of the current definition.
 */
export function applyParams(graph: Graph, override: ParamsOverride, registry: Registry): Graph {
  const byNode = new Map<string, [string, number][]>();
  for (const [key, value] of Object.entries(override)) {
    const dot = key.indexOf('.');
    const nodeId = key.slice(0, dot);
    byNode.set(nodeId, [...(byNode.get(nodeId) ?? []), [key.slice(dot + 1), value]]);
  }
  return {
    ...graph,
    nodes: graph.nodes.map((node) => {
      const entries = byNode.get(node.id);
      const def = registry.get(node.type);
      if (!entries || !def) return node;
      return { ...node, version: def.version, params: { ...currentParams(def, node.version, node.params), ...Object.fromEntries(entries) } };
    }),
  };
}

function currentParams(def: AnyNodeDefinition, version: number, params: Record<string, unknown>): Record<string, unknown> {
  return { ...(migrateParams(def, version, params) as Record<string, unknown>) };
}

/**
 * A research run loads its bars once, from the strategy as saved, and runs every trial on them: a data
 * node's param cannot vary between trials (a sweep over the synthetic seed ran every trial on the same
 * bars, and reported three identical results as three seeds).
 */
function dataParamMessage(def: AnyNodeDefinition, param: string): string {
  return `${def.title} "${param}" cannot vary in a research run: every trial runs on the same bars, loaded once (change it in the strategy instead)`;
}

/**
 * Problems with an override given by hand (a Monte Carlo or cost run's params): every key must name a
 * node in the graph and a param its definition has. Values are checked when the trial compiles.
 */
export function overrideErrors(graph: Graph, override: ParamsOverride, registry: Registry): string[] {
  const errors: string[] = [];
  for (const key of Object.keys(override)) {
    const dot = key.indexOf('.');
    const node = dot > 0 ? graph.nodes.find((n) => n.id === key.slice(0, dot)) : undefined;
    const def = node && registry.get(node.type);
    if (!node || !def) errors.push(`"${key}": no node "${dot > 0 ? key.slice(0, dot) : key}" in the strategy (keys are nodeId.param)`);
    else if (def.source) errors.push(`"${key}": ${dataParamMessage(def, key.slice(dot + 1))}`);
    else if (!Object.hasOwn((def.params as z.ZodObject).shape, key.slice(dot + 1))) errors.push(`"${key}": ${def.title} has no param "${key.slice(dot + 1)}"`);
  }
  return errors;
}
