import { closest, distance } from 'fastest-levenshtein';
import { z } from 'zod';
import { readsContext, type AnyNodeDefinition, type DataRequest } from '../nodes/contract.ts';
import { connectionError, PortKinds, slotWidth } from '../nodes/ports.ts';
import { migrateParams, type Registry } from '../nodes/registry.ts';
import { Graph, type BacktestSettings, type GraphNode } from './graph.ts';
import { paramSpace } from './research/space.ts';

export const compileErrorCodes = [
  'invalid_graph',
  'duplicate_node_id',
  'unknown_node_type',
  'version_too_new',
  'bad_params',
  'unknown_node',
  'unknown_port',
  'port_kind_mismatch',
  'duplicate_input',
  'missing_input',
  'cycle',
  'no_data_source',
  'multiple_data_sources',
  'no_order_output',
  'multiple_order_outputs',
  'batch_input_not_pure',
] as const;
export type CompileErrorCode = (typeof compileErrorCodes)[number];

/** A problem found before anything runs, pointing at the node and port (or params path) concerned. */
export interface CompileError {
  code: CompileErrorCode;
  message: string;
  nodeId?: string;
  port?: string;
  edgeId?: string;
  /** JSON path inside the graph document, e.g. `["nodes", 2, "params", "period"]`. */
  path: (string | number)[];
}

export interface PlanNode {
  id: string;
  def: AnyNodeDefinition;
  params: Record<string, unknown>;
  /** First slot each input reads from (`nanSlot` when an optional input is unwired); a bars input spans one slot per bar field. */
  inputSlots: Record<string, number>;
  /** Which inputs have an edge, handed to the node's `init`. */
  wired: Record<string, boolean>;
  outputSlots: Record<string, number>;
  /** Bars until this node's outputs are defined, counting its upstream warm-up. */
  warmup: number;
  /**
   * The slot of the resample node's `closed` output this node steps on, when every input comes from that
   * resample node's (or its clocked descendants') outputs and the step reads no context.
   */
  clock?: number;
}

/** A validated, ordered, slot-wired graph: what the executor turns into a loop. */
export interface Plan {
  nodes: PlanNode[];
  slotCount: number;
  /** First of the slots that always hold NaN, read by unwired optional inputs. */
  nanSlot: number;
  data: { nodeId: string; request: DataRequest };
  /** Slot of the one order output nothing else consumes: the strategy's target position. */
  orderSlot: number;
  warmup: number;
  settings: BacktestSettings;
}

export type CompileResult = { ok: true; plan: Plan } | { ok: false; errors: CompileError[] };

/**
 * Validate a graph against the registry and compile it to a plan. Collects every error it can find
 * rather than stopping at the first, so the editor can mark all offending nodes at once.
 */
export function compile(input: unknown, registry: Registry): CompileResult {
  let parsed = Graph.safeParse(input);
  const schemaErrors = (issues: z.core.$ZodIssue[]): CompileError[] =>
    issues.map((i) => ({
      code: 'invalid_graph',
      message: `${i.path.length ? i.path.join('.') + ': ' : ''}${i.message}`,
      path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
      ...nodeOfPath(input, i.path),
    }));
  // Bad settings do not hide the graph's own problems (every problem in one pass, docs/engine.md): they
  // are reported with the rest, and the graph is checked with the default settings.
  let settingsErrors: CompileError[] = [];
  if (!parsed.success && input !== null && typeof input === 'object' && parsed.error.issues.every((i) => i.path[0] === 'settings')) {
    settingsErrors = schemaErrors(parsed.error.issues);
    parsed = Graph.safeParse({ ...input, settings: undefined });
  }
  if (!parsed.success) return { ok: false, errors: [...settingsErrors, ...schemaErrors(parsed.error.issues)] };
  const graph = parsed.data;
  // Optimisable-param ranges are checked against each node's params schema here too, so the editor
  // shows a bad range before a research run is started.
  const space = paramSpace(graph, registry);
  const errors: CompileError[] = [...settingsErrors, ...(space.ok ? [] : space.errors)];
  const index = new Map<string, number>();
  const defs = new Map<string, AnyNodeDefinition>();
  const params = new Map<string, Record<string, unknown>>();

  graph.nodes.forEach((node, i) => {
    if (index.has(node.id)) {
      errors.push({ code: 'duplicate_node_id', message: `node id "${node.id}" is used twice`, nodeId: node.id, path: ['nodes', i, 'id'] });
      return;
    }
    index.set(node.id, i);
    const def = registry.get(node.type);
    if (!def) {
      errors.push({ code: 'unknown_node_type', message: `unknown node type "${node.type}"`, nodeId: node.id, path: ['nodes', i, 'type'] });
      return;
    }
    defs.set(node.id, def);
    const parsedParams = parseParams(def, node, i);
    if ('errors' in parsedParams) errors.push(...parsedParams.errors);
    else params.set(node.id, parsedParams.params);
  });

  // Wiring: every edge must join an existing output to an existing input of a compatible kind.
  const incoming = new Map<string, Map<string, { node: string; port: string }>>();
  const consumed = new Set<string>();
  // Inputs some edge is drawn into, accepted or not: one whose edge was refused already has that error,
  // and "needs its input connected" on top of it would send the user looking for a wire that is there.
  const targeted = new Set<string>();
  graph.edges.forEach((edge, e) => {
    targeted.add(`${edge.target.node}\u0000${edge.target.port}`);
    const at = (end: 'source' | 'target') => ['edges', e, end];
    const src = defs.get(edge.source.node);
    const dst = defs.get(edge.target.node);
    for (const [end, ref] of [['source', edge.source], ['target', edge.target]] as const) {
      if (!index.has(ref.node)) {
        errors.push({ code: 'unknown_node', message: `edge "${edge.id}" refers to missing node "${ref.node}"`, edgeId: edge.id, path: at(end) });
      }
    }
    if (!src || !dst) return;
    // Own ports only: a port named "constructor" or "toString" would otherwise find the object's own
    // inherited method on a built-in node's plain `inputs`/`outputs` and fail later, as a server error.
    const out = Object.hasOwn(src.outputs, edge.source.port) ? src.outputs[edge.source.port] : undefined;
    const inp = Object.hasOwn(dst.inputs, edge.target.port) ? dst.inputs[edge.target.port] : undefined;
    if (!out) {
      errors.push({ code: 'unknown_port', message: `${src.title} has no output "${edge.source.port}"`, nodeId: edge.source.node, port: edge.source.port, edgeId: edge.id, path: [...at('source'), 'port'] });
    }
    if (!inp) {
      errors.push({ code: 'unknown_port', message: `${dst.title} has no input "${edge.target.port}"`, nodeId: edge.target.node, port: edge.target.port, edgeId: edge.id, path: [...at('target'), 'port'] });
    }
    if (!out || !inp) return;
    const kindError = connectionError(out.kind, inp.kind);
    if (kindError) {
      errors.push({ code: 'port_kind_mismatch', message: `${dst.title} input "${edge.target.port}": ${kindError}`, nodeId: edge.target.node, port: edge.target.port, edgeId: edge.id, path: ['edges', e] });
      return;
    }
    const ins = incoming.get(edge.target.node) ?? new Map();
    if (ins.has(edge.target.port)) {
      errors.push({ code: 'duplicate_input', message: `${dst.title} input "${edge.target.port}" is connected more than once`, nodeId: edge.target.node, port: edge.target.port, edgeId: edge.id, path: ['edges', e] });
      return;
    }
    ins.set(edge.target.port, edge.source);
    incoming.set(edge.target.node, ins);
    consumed.add(`${edge.source.node}\u0000${edge.source.port}`);
  });

  for (const [id, def] of defs) {
    for (const [port, spec] of Object.entries(def.inputs)) {
      if (!spec.optional && !incoming.get(id)?.has(port) && !targeted.has(`${id}\u0000${port}`)) {
        errors.push({ code: 'missing_input', message: `${def.title} needs its "${port}" input connected`, nodeId: id, port, path: ['nodes', index.get(id)!] });
      }
    }
  }

  const order = topologicalOrder(graph.nodes, incoming);
  if ('cycles' in order) {
    for (const cycle of order.cycles) {
      for (const id of cycle) {
        errors.push({ code: 'cycle', message: `node "${id}" is on a cycle (through ${cycle.map((c) => `"${c}"`).join(', ')}); values must flow one way`, nodeId: id, path: ['nodes', index.get(id)!] });
      }
    }
  }

  const sources = [...defs].filter(([, d]) => d.source);
  if (sources.length === 0) errors.push({ code: 'no_data_source', message: 'add a data node (synthetic or CSV bars) to feed the strategy', path: ['nodes'] });
  for (const [id] of sources.slice(1)) {
    errors.push({ code: 'multiple_data_sources', message: 'this version runs one data source per strategy; remove the extra data node', nodeId: id, path: ['nodes', index.get(id)!] });
  }

  const terminals: { node: string; port: string }[] = [];
  for (const [id, def] of defs) {
    for (const [port, spec] of Object.entries(def.outputs)) {
      if (spec.kind === 'order' && !consumed.has(`${id}\u0000${port}`)) terminals.push({ node: id, port });
    }
  }
  if (terminals.length === 0) errors.push({ code: 'no_order_output', message: 'add an order node so the strategy can trade', path: ['nodes'] });
  for (const t of terminals.slice(1)) {
    errors.push({ code: 'multiple_order_outputs', message: 'more than one order path reaches the broker; route all orders through one node (for example one risk gate)', nodeId: t.node, port: t.port, path: ['nodes', index.get(t.node)!] });
  }

  if (errors.length > 0 || 'cycles' in order) return { ok: false, errors };

  // A custom node runs a block of bars at a time, ahead of the broker: what it reads must not depend on
  // fills (sizing, risk, orders), or it would need values that do not exist yet.
  const pure = new Map<string, boolean>();
  for (const id of order.ids) {
    const def = defs.get(id)!;
    const fromPure = [...(incoming.get(id)?.values() ?? [])].every((src) => pure.get(src.node));
    pure.set(id, !!def.source || (!readsContext(def.step) && !def.sink && fromPure));
    if (def.batch && !fromPure) {
      const culprit = [...(incoming.get(id)?.entries() ?? [])].find(([, src]) => !pure.get(src.node))!;
      errors.push({
        code: 'batch_input_not_pure',
        message: `${def.title} input "${culprit[0]}": a custom node can read only data and pure nodes (indicators, logic, math), not "${culprit[1].node}", which depends on the portfolio`,
        nodeId: id,
        port: culprit[0],
        path: ['nodes', index.get(id)!],
      });
    }
  }
  if (errors.length > 0) return { ok: false, errors };

  // Wire slots in topological order. The first slots stay NaN for unwired optional inputs (wide enough
  // for the widest compound kind); a compound output (a bar, an order) takes one slot per field.
  const nanSlot = 0;
  let slotCount = Math.max(...(Object.keys(PortKinds) as (keyof typeof PortKinds)[]).map(slotWidth));
  const slotOf = new Map<string, number>();
  const warmupOf = new Map<string, number>();
  // The clock each node's outputs change on (undefined: every bar), and base bars per tick of it.
  const outputClock = new Map<string, number | undefined>();
  const clockFactor = new Map<number, number>();
  const request = sources[0]![1].source!(params.get(sources[0]![0])!);
  const planNodes: PlanNode[] = [];
  for (const id of order.ids) {
    const def = defs.get(id)!;
    const p = params.get(id)!;
    const inputSlots: Record<string, number> = {};
    const wired: Record<string, boolean> = {};
    let upstream = 0;
    for (const port of Object.keys(def.inputs)) {
      const src = incoming.get(id)?.get(port);
      inputSlots[port] = src ? slotOf.get(`${src.node}\u0000${src.port}`)! : nanSlot;
      wired[port] = !!src;
      if (src) upstream = Math.max(upstream, warmupOf.get(src.node)!);
    }
    const outputSlots: Record<string, number> = {};
    for (const [port, spec] of Object.entries(def.outputs)) {
      outputSlots[port] = slotCount;
      slotOf.set(`${id}\u0000${port}`, slotCount);
      slotCount += slotWidth(spec.kind);
    }
    // A pure node fed only by one resampled stream steps when that stream's bar closes.
    const inputClocks = Object.keys(def.inputs).flatMap((port) => {
      const src = incoming.get(id)?.get(port);
      return src ? [outputClock.get(src.node)] : [];
    });
    const clock =
      inputClocks.length > 0 && inputClocks[0] !== undefined && inputClocks.every((c) => c === inputClocks[0]) && !readsContext(def.step) && !def.sink
        ? inputClocks[0]
        : undefined;
    const ownWarmup = (def.warmup?.(p) ?? 0) * (clock === undefined ? 1 : clockFactor.get(clock)!);
    let warmup = upstream + ownWarmup;
    if (def.resample && outputSlots.closed !== undefined) {
      const factor = Math.max(1, Math.ceil(def.resample.factor(p, request)));
      clockFactor.set(outputSlots.closed, factor);
      outputClock.set(id, outputSlots.closed);
      warmup = upstream + factor;
    } else {
      outputClock.set(id, clock);
    }
    warmupOf.set(id, warmup);
    planNodes.push({ id, def, params: p, inputSlots, wired, outputSlots, warmup, ...(clock !== undefined && { clock }) });
  }
  const [sourceId] = sources[0]!;
  const terminal = terminals[0]!;
  return {
    ok: true,
    plan: {
      nodes: planNodes,
      slotCount,
      nanSlot,
      data: { nodeId: sourceId, request },
      orderSlot: slotOf.get(`${terminal.node}\u0000${terminal.port}`)!,
      warmup: warmupOf.get(terminal.node)!,
      settings: graph.settings,
    },
  };
}

function parseParams(def: AnyNodeDefinition, node: GraphNode, i: number): { params: Record<string, unknown> } | { errors: CompileError[] } {
  if (node.version > def.version) {
    const message = `saved with ${def.type} version ${node.version}, but this Tradeloom only knows up to version ${def.version}`;
    return { errors: [{ code: 'version_too_new', message, nodeId: node.id, path: ['nodes', i, 'version'] }] };
  }
  let raw: unknown;
  try {
    raw = migrateParams(def, node.version, node.params);
  } catch (err) {
    // A migration refusing what it read is a params problem, not a version one.
    return { errors: [{ code: 'bad_params', message: `${def.title} params (saved at version ${node.version}): ${(err as Error).message}`, nodeId: node.id, path: ['nodes', i, 'params'] }] };
  }
  const unknown = unknownParams(def, raw).map(({ key, suggestion }) => ({
    code: 'bad_params' as const,
    message: `${def.title} ${key}: not a param of this node${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
    nodeId: node.id,
    path: ['nodes', i, 'params', key],
  }));
  const result = (def.params as z.ZodType).safeParse(raw);
  if (result.success && unknown.length === 0) return { params: result.data as Record<string, unknown> };
  return {
    errors: [
      ...unknown,
      ...(result.error?.issues ?? []).map((issue) => ({
        code: 'bad_params' as const,
        message: `${def.title} ${issue.path.join('.') || 'params'}: ${issue.message}`,
        nodeId: node.id,
        path: ['nodes', i, 'params', ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
      })),
    ],
  };
}

/**
 * Keys of `raw` that the node's params schema does not have. Refused rather than dropped: a misspelt
 * \`stoploss\` would otherwise run the node on its default (a bracket with no stop) without a word. The
 * suggestion is the param the key is closest to, once case, \`-\` and \`_\` are ignored, within a typo or
 * two (a third of its length).
 */
function unknownParams(def: AnyNodeDefinition, raw: unknown): { key: string; suggestion?: string }[] {
  if (!(def.params instanceof z.ZodObject) || raw === null || typeof raw !== 'object' || Array.isArray(raw)) return [];
  const known = Object.keys(def.params.shape);
  const fold = (k: string) => k.toLowerCase().replace(/[-_]/g, '');
  const folded = known.map(fold);
  return Object.keys(raw)
    .filter((key) => !known.includes(key))
    .map((key) => {
      const near = folded.length > 0 ? closest(fold(key), folded) : '';
      const at = folded.indexOf(near);
      return at >= 0 && distance(fold(key), near) <= Math.floor(near.length / 3) ? { key, suggestion: known[at]! } : { key };
    });
}

/**
 * Kahn's algorithm, stable in document order. On failure, returns the strongly connected components
 * that form cycles, so only nodes on a cycle are flagged: not the ones downstream of it, nor a node
 * sitting between two cycles.
 */
function topologicalOrder(nodes: GraphNode[], incoming: Map<string, Map<string, { node: string }>>): { ids: string[] } | { cycles: string[][] } {
  const ids = [...new Set(nodes.map((n) => n.id))];
  const known = new Set(ids);
  const deps = new Map(ids.map((id) => [id, [...new Set([...(incoming.get(id)?.values() ?? [])].map((s) => s.node))].filter((d) => known.has(d))]));
  const done: string[] = [];
  const placed = new Set<string>();
  let progress = true;
  while (progress) {
    progress = false;
    for (const id of ids) {
      if (placed.has(id)) continue;
      if (deps.get(id)!.every((dep) => placed.has(dep))) {
        placed.add(id);
        done.push(id);
        progress = true;
      }
    }
  }
  if (done.length === ids.length) return { ids: done };
  return { cycles: cyclicComponents(ids.filter((id) => !placed.has(id)), deps) };
}

/** Tarjan's strongly connected components over `ids`, keeping those with a cycle (size > 1 or a self-loop). */
function cyclicComponents(ids: string[], deps: Map<string, string[]>): string[][] {
  const inSet = new Set(ids);
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    indexOf.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of deps.get(v)!) {
      if (!inSet.has(w)) continue;
      if (!indexOf.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, indexOf.get(w)!));
      }
    }
    if (low.get(v) !== indexOf.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || deps.get(v)!.includes(v)) {
      // Report in document order so messages are stable.
      cycles.push(ids.filter((id) => component.includes(id)));
    }
  };
  for (const id of ids) if (!indexOf.has(id)) visit(id);
  return cycles;
}

function nodeOfPath(input: unknown, path: PropertyKey[]): { nodeId?: string } {
  if (path[0] !== 'nodes' || typeof path[1] !== 'number') return {};
  const node = (input as { nodes?: { id?: unknown }[] })?.nodes?.[path[1]];
  return typeof node?.id === 'string' ? { nodeId: node.id } : {};
}
