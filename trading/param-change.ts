import { z } from 'zod';
import type { Plan } from '../engine/compile.ts';
import { NodeId } from '../engine/graph.ts';
import { migrateParams, type Registry } from '../nodes/registry.ts';
import { RiskLimits } from './risk-gate.ts';
import { decodeState, encodeState, StrategySnapshot } from './strategy-runner.ts';

/**
 * Risk limits to change, each optional. Built from `RiskLimits` without its defaults: a plain
 * `.partial()` would fill every defaulted limit the caller left out and silently reset it. Strict, so a
 * misspelt limit is refused instead of ignored.
 */
const withoutDefault = (s: z.ZodType): z.ZodType => {
  let inner = s instanceof z.ZodDefault ? (s.unwrap() as z.ZodType) : s;
  // Nested limits (the throttle) are a patch too, so `{ throttle: { maxOrders } }` keeps the window.
  if (inner instanceof z.ZodObject) inner = patchOf(inner);
  // The description sits on the default wrapper: keep it for the API docs.
  return s.description ? inner.describe(s.description) : inner;
};
const patchOf = (o: z.ZodObject): z.ZodObject => z.object(Object.fromEntries(Object.entries(o.shape).map(([k, s]) => [k, withoutDefault(s as z.ZodType).optional()]))).strict();
export const RiskLimitsPatch = patchOf(RiskLimits) as unknown as z.ZodType<{ [K in keyof RiskLimits]?: RiskLimits[K] extends object ? Partial<RiskLimits[K]> : RiskLimits[K] }>;

/** A parameter change for a running deployment: node params by node id (merged over the current ones) and/or risk limits. */
export const ParamChangeFields = z.object({
  params: z.record(NodeId, z.record(z.string(), z.unknown())).optional().describe('Params to change, by node id; each is merged over the node’s current params and validated by the node’s own schema.'),
  limits: RiskLimitsPatch.optional().describe('Risk limits to change; the rest stay as they are.'),
});
/** Something must change: an empty change is a mistake worth saying so. */
export const somethingChanges = (c: { params?: Record<string, unknown>; limits?: Record<string, unknown> }) => Object.keys(c.params ?? {}).length > 0 || Object.keys(c.limits ?? {}).length > 0;
export const ParamChange = ParamChangeFields.strict().refine(somethingChanges, { message: 'give params and/or limits to change' });
export type ParamChange = z.infer<typeof ParamChange>;

/** One field that changes, as recorded in the `PARAMS` event. */
export interface FieldChange {
  from: unknown;
  to: unknown;
}

export interface ParamProblem {
  /** Where in the request: `params.<nodeId>.<field>` or `limits.<field>`. */
  path: string;
  message: string;
  nodeId?: string;
}

export type ParamChangeResult =
  | {
      ok: true;
      graph: Record<string, unknown>;
      limits: RiskLimits;
      /** What changed, old → new: `params[nodeId][field]` and `limits[field]`. Unchanged values are left out. */
      changes: { params: Record<string, Record<string, FieldChange>>; limits: Record<string, FieldChange> };
    }
  | { ok: false; errors: ParamProblem[] };

type StoredNode = { id?: unknown; type?: unknown; version?: unknown; params?: unknown };

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The deployment's graph and limits with `change` applied, or every problem with it. Only params of
 * existing nodes change, so the strategy keeps its shape (nodes, edges, data source) and its saved state
 * still fits. Data nodes are refused (they choose what the replay feed plays), and so are custom nodes
 * (their state lives in the sandbox and cannot be restarted for new params). Whether the new graph
 * compiles is for the caller to check, with the owner's custom nodes (see `samePlanShape`).
 */
export function applyParamChange(graph: Record<string, unknown>, limits: unknown, change: ParamChange, registry: Registry): ParamChangeResult {
  const errors: ParamProblem[] = [];
  const next = structuredClone(graph);
  const nodes = (Array.isArray(next.nodes) ? next.nodes : []) as StoredNode[];
  const changes: Extract<ParamChangeResult, { ok: true }>['changes'] = { params: {}, limits: {} };

  for (const [nodeId, patch] of Object.entries(change.params ?? {})) {
    const at = `params.${nodeId}`;
    const node = nodes.find((n) => n.id === nodeId);
    if (!node) {
      errors.push({ path: at, nodeId, message: `the deployment's strategy has no node "${nodeId}"` });
      continue;
    }
    const def = typeof node.type === 'string' ? registry.get(node.type) : undefined;
    if (!def) {
      errors.push({ path: at, nodeId, message: `node "${nodeId}" has an unknown type "${String(node.type)}"` });
      continue;
    }
    if (def.source) {
      errors.push({ path: at, nodeId, message: `${def.title} "${nodeId}" is the data source: its params choose the bars the deployment trades and cannot change while it runs; deploy again instead` });
      continue;
    }
    if (def.batch) {
      errors.push({ path: at, nodeId, message: `${def.title} "${nodeId}" is a custom node: its state lives in the sandbox, so its params cannot change while the deployment runs; deploy again instead` });
      continue;
    }
    const version = typeof node.version === 'number' ? node.version : 1;
    let current: Record<string, unknown>;
    try {
      // Params saved by an older node version are brought up to date first, as the compiler does.
      current = (version === def.version ? node.params : migrateParams(def, version, node.params ?? {})) as Record<string, unknown> ?? {};
    } catch (err) {
      errors.push({ path: at, nodeId, message: (err as Error).message });
      continue;
    }
    const merged = { ...current, ...patch };
    const parsed = def.params.safeParse(merged);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path.map(String).join('.');
        errors.push({ path: field ? `${at}.${field}` : at, nodeId, message: `${def.title} "${nodeId}"${field ? ` ${field}` : ''}: ${issue.message}` });
      }
      continue;
    }
    const diff: Record<string, FieldChange> = {};
    for (const [field, value] of Object.entries(patch)) if (!same(current[field], value)) diff[field] = { from: current[field] ?? null, to: value };
    if (Object.keys(diff).length === 0) continue;
    node.params = merged;
    node.version = def.version;
    changes.params[nodeId] = diff;
  }

  const oldLimits = RiskLimits.parse(limits);
  const newLimits = RiskLimits.safeParse({ ...oldLimits, ...change.limits, throttle: { ...oldLimits.throttle, ...change.limits?.throttle } });
  if (!newLimits.success) {
    for (const issue of newLimits.error.issues) errors.push({ path: ['limits', ...issue.path.map(String)].join('.'), message: issue.message });
  } else {
    for (const field of Object.keys(change.limits ?? {}) as (keyof RiskLimits)[]) {
      if (!same(oldLimits[field], newLimits.data[field])) changes.limits[field] = { from: oldLimits[field], to: newLimits.data[field] };
    }
  }

  if (errors.length > 0 || !newLimits.success) return { ok: false, errors };
  return { ok: true, graph: next, limits: newLimits.data, changes };
}

/** Null when `after` runs the same nodes in the same order as `before` (the saved state fits it), else why not. */
export function samePlanShape(before: Plan, after: Plan): string | null {
  const a = before.nodes.map((n) => n.id).join('\u0000');
  const b = after.nodes.map((n) => n.id).join('\u0000');
  return a === b ? null : 'the changed strategy would run its nodes in another order, so its saved state would not fit';
}

/**
 * The saved strategy state with the given nodes' state started afresh from `plan` (their new params):
 * state built for the old params (an SMA's window of the old length) must not be read with the new ones.
 * Such a node warms up again, as it would in a new deployment. Null snapshots (no bar yet) stay null.
 */
export function restartNodeStates(stored: unknown, plan: Plan, nodeIds: readonly string[]): Record<string, unknown> | null {
  if (stored === null || stored === undefined) return null;
  const snapshot = StrategySnapshot.parse(stored);
  const states = decodeState(snapshot.states) as unknown[][];
  for (const id of nodeIds) {
    const i = plan.nodes.findIndex((n) => n.id === id);
    const node = plan.nodes[i];
    if (!node || !Array.isArray(states[i])) continue;
    states[i] = states[i].map(() => node.def.init(node.params, node.wired));
  }
  return { ...snapshot, states: encodeState(states) } as Record<string, unknown>;
}

/** What compiling a graph answers: engine/compile.ts `compile`, or the custom node host's (same shape). */
export type CompileAnswer = { ok: true; plan: Plan } | { ok: false; errors: { message: string; nodeId?: string; code: string }[] };

/**
 * `applyParamChange`, then compile the changed graph as the deployment's workers will (with the owner's
 * custom nodes when `compileGraph` has them) and check its saved state still fits. The route runs this
 * before sending the change, and the activity again when it applies it (the graph may have moved on).
 */
export async function checkParamChange(
  current: { graph: Record<string, unknown>; limits: unknown },
  change: ParamChange,
  registry: Registry,
  compileGraph: (graph: Record<string, unknown>) => Promise<CompileAnswer>,
): Promise<(Extract<ParamChangeResult, { ok: true }> & { plan: Plan }) | { ok: false; errors: ParamProblem[] }> {
  const applied = applyParamChange(current.graph, current.limits, change, registry);
  if (!applied.ok) return applied;
  const [before, after] = await Promise.all([compileGraph(current.graph), compileGraph(applied.graph)]);
  if (!after.ok) {
    return { ok: false, errors: after.errors.map((e) => ({ path: e.nodeId ? `params.${e.nodeId}` : 'params', ...(e.nodeId && { nodeId: e.nodeId }), message: `the changed strategy does not compile: ${e.message}` })) };
  }
  const shape = before.ok ? samePlanShape(before.plan, after.plan) : null;
  if (shape) return { ok: false, errors: [{ path: 'params', message: shape }] };
  return { ...applied, plan: after.plan };
}

/** `qty.value 5 → 8; limits.maxPosition 10 → 20`: the change as one line for the journal. */
export function describeChanges(changes: Extract<ParamChangeResult, { ok: true }>['changes']): string {
  const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  const parts = [
    ...Object.entries(changes.params).flatMap(([id, fields]) => Object.entries(fields).map(([f, c]) => `${id}.${f} ${show(c.from)} → ${show(c.to)}`)),
    ...Object.entries(changes.limits).map(([f, c]) => `limits.${f} ${show(c.from)} → ${show(c.to)}`),
  ];
  return parts.length ? parts.join('; ') : 'nothing (the values were already set)';
}
