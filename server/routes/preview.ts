import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { DataError, type Bars } from '../../engine/bars.ts';
import { compile, type CompileError, type Plan } from '../../engine/compile.ts';
import { loadBars, type ReadDataset } from '../../engine/data.ts';
import { Graph, type GraphInput } from '../../engine/graph.ts';
import { traceSlots, traceSlotsAsync } from '../../engine/trace.ts';
import type { DataRequest } from '../../nodes/contract.ts';
import { symbolOfName } from '../../nodes/data/basket.ts';
import type { PortKind } from '../../nodes/ports.ts';
import type { Registry } from '../../nodes/registry.ts';
import { datasetReader } from '../db/dataset-reader.ts';
import type { AppDeps } from '../deps.ts';
import { problem } from '../problem.ts';
import { limitPosts } from '../rate-limit.ts';
import { CompileErrorOut, json, problemResponse } from '../schemas.ts';
import { isPriceLike } from './run-chart.ts';

/**
 * Live preview: one node's outputs over sample data, so a trader tuning an SMA sees the line move
 * before wiring the rest of the strategy. The node runs in the whole strategy when that compiles (so it
 * sees exactly what a backtest would); otherwise in just its upstream part, closed by a neutral order
 * path that never trades, so an unfinished strategy still previews.
 */

export const previewMaxBars = 2000;

export const PreviewRequest = z
  .object({
    graph: z.record(z.string(), z.unknown()).openapi({ description: 'The strategy graph as the editor holds it (saved or not).' }),
    nodeId: z.string().min(1).max(64).openapi({ description: 'The node whose outputs to preview.' }),
    bars: z.number().int().min(20).max(previewMaxBars).default(500).openapi({ description: `Bars of sample data (at most ${previewMaxBars}).` }),
  })
  .openapi('PreviewRequest');

/** Outputs a chart can draw: one number per bar. Bars and orders span several slots and are left out. */
const plottableKinds = ['price', 'number', 'bool'] as const satisfies readonly PortKind[];
type PlottableKind = (typeof plottableKinds)[number];
const isPlottable = (kind: PortKind): kind is PlottableKind => (plottableKinds as readonly string[]).includes(kind);

export const PreviewReady = z
  .object({
    ok: z.literal(true),
    nodeId: z.string(),
    /** True when the whole strategy compiled and ran; false when only the node's upstream part did. */
    complete: z.boolean(),
    data: z.object({ kind: z.enum(['synthetic', 'dataset']), label: z.string() }),
    /** Bars until every output of the node is defined. */
    warmup: z.number().int(),
    time: z.array(z.number()),
    close: z.array(z.number()),
    outputs: z.array(
      z.object({
        port: z.string(),
        kind: z.enum(plottableKinds),
        /**
         * `price` shares the close's scale: price outputs, and numbers that track the price (an SMA of the
         * close is a number port carrying a price). Everything else gets a pane of its own.
         */
        pane: z.enum(['price', 'own']),
        /** One value per bar; null while undefined (warm-up). Conditions are 1 (true) or 0 (false). */
        values: z.array(z.number().nullable()),
      }),
    ),
  })
  .openapi('Preview');

/**
 * The node cannot run yet (its inputs are not wired, it has no data…): an answer, not a failed request,
 * as for `POST /api/compile`. The editor shows these errors in place of the chart while the user builds.
 */
export const PreviewBlocked = z
  .object({ ok: z.literal(false), nodeId: z.string(), detail: z.string(), errors: z.array(CompileErrorOut) })
  .openapi('PreviewBlocked');

export const PreviewOut = z.discriminatedUnion('ok', [PreviewReady, PreviewBlocked]).openapi('PreviewResponse');
export type PreviewOut = z.infer<typeof PreviewOut>;
export type PreviewReady = z.infer<typeof PreviewReady>;
export type PreviewRequest = z.infer<typeof PreviewRequest>;

export type PreviewPlan =
  | { ok: true; plan: Plan; complete: boolean }
  | { ok: false; status: 200 | 404 | 422; title: string; detail: string; errors: CompileError[] };

const neutralIds = { value: '__preview_zero', order: '__preview_flat' };

/** The node and everything it reads from, transitively: all its output depends on. */
export function upstreamOf(graph: GraphInput, nodeId: string): GraphInput {
  const keep = new Set([nodeId]);
  const stack = [nodeId];
  while (stack.length > 0) {
    const id = stack.pop()!;
    for (const e of graph.edges) {
      if (e.target.node === id && !keep.has(e.source.node)) {
        keep.add(e.source.node);
        stack.push(e.source.node);
      }
    }
  }
  return {
    ...graph,
    nodes: graph.nodes.filter((n) => keep.has(n.id)),
    edges: graph.edges.filter((e) => keep.has(e.source.node) && keep.has(e.target.node)),
  };
}

/** A constant 0 held as a target position: an order path that satisfies the compiler and never trades. */
function withNeutralOrder(graph: GraphInput): GraphInput {
  return {
    ...graph,
    nodes: [...graph.nodes, { id: neutralIds.value, type: 'math.constant', params: { value: 0 } }, { id: neutralIds.order, type: 'order.targetPosition', params: {} }],
    edges: [...graph.edges, { id: '__preview_edge', source: { node: neutralIds.value, port: 'value' }, target: { node: neutralIds.order, port: 'units' } }],
  };
}

/**
 * A plan in which `nodeId` runs: the whole strategy if it compiles, else the node's upstream part
 * (closed by a neutral order path when it has none). Errors are those of the part that must run.
 */
export function previewPlan(input: unknown, nodeId: string, registry: Registry): PreviewPlan {
  const full = compile(input, registry);
  const parsed = Graph.safeParse(input);
  if (!parsed.success) {
    const errors = full.ok ? [] : full.errors;
    return { ok: false, status: 200, title: 'Invalid graph', detail: errors.map((e) => e.message).join('; ') || 'The graph is not valid.', errors };
  }
  const graph: GraphInput = parsed.data;
  const node = graph.nodes.find((n) => n.id === nodeId);
  if (!node) return { ok: false, status: 404, title: 'Not found', detail: `The graph has no node "${nodeId}".`, errors: [] };
  const def = registry.get(node.type);
  if (def && !Object.values(def.outputs).some((o) => isPlottable(o.kind))) {
    return { ok: false, status: 422, title: 'Nothing to preview', detail: `${def.title} has no output a chart can draw (only bars or orders).`, errors: [] };
  }
  if (full.ok) return { ok: true, plan: full.plan, complete: true };

  const part = upstreamOf(graph, nodeId);
  let result = compile(part, registry);
  if (!result.ok && result.errors.some((e) => e.code === 'no_order_output')) result = compile(withNeutralOrder(part), registry);
  if (result.ok) return { ok: true, plan: result.plan, complete: false };
  const errors = result.errors.filter((e) => !e.nodeId?.startsWith('__preview'));
  return { ok: false, status: 200, title: 'Cannot preview yet', detail: errors.map((e) => e.message).join('; '), errors };
}

/** Sample data for a preview: the graph's synthetic series cut to `bars`, or the last `bars` of its dataset. */
export async function previewBars(
  request: DataRequest,
  bars: number,
  readDataset: ReadDataset,
): Promise<{ bars: Bars; kind: 'synthetic' | 'dataset'; label: string }> {
  if (request.kind === 'synthetic') {
    // One symbol is enough to see a node's shape; the first bars of the seeded walk are the run's first bars.
    const spec = { ...request, symbols: 1, bars: Math.min(bars, request.bars) };
    return { bars: await loadBars(spec, readDataset), kind: 'synthetic', label: `synthetic, seed ${request.seed}` };
  }
  if (request.kind === 'datasets') {
    // As for synthetic symbols: one is enough to see a node's shape, and the basket's first is its first lane.
    const first = request.datasets[0]!;
    const got = await readDataset(first.datasetId);
    const one = await previewBars({ kind: 'dataset', datasetId: first.datasetId }, bars, async () => got);
    const symbol = first.symbol ?? (typeof got === 'object' ? symbolOfName(got.name) : 'the first dataset');
    const n = request.datasets.length;
    return { ...one, label: `last ${one.bars.close.length} bars of ${symbol}${n > 1 ? ` (1 of ${n} symbols)` : ''}` };
  }
  const all = await loadBars(request, readDataset);
  const from = Math.max(0, all.close.length - bars);
  const cut: Bars = {
    time: all.time.subarray(from),
    open: all.open.subarray(from),
    high: all.high.subarray(from),
    low: all.low.subarray(from),
    close: all.close.subarray(from),
    volume: all.volume.subarray(from),
  };
  return { bars: cut, kind: 'dataset', label: `last ${cut.close.length} bars of the dataset` };
}

const orNull = (v: number) => (Number.isFinite(v) ? v : null);

/** The node's plottable outputs after every bar, traced by re-running the plan. */
export async function traceNode(plan: Plan, bars: Bars, nodeId: string): Promise<Pick<PreviewReady, 'outputs' | 'warmup'>> {
  const planNode = plan.nodes.find((n) => n.id === nodeId)!;
  const ports = Object.entries(planNode.def.outputs).filter(([, spec]) => isPlottable(spec.kind));
  const at = Array.from({ length: bars.close.length }, (_, i) => i);
  // Custom nodes run in the sandbox, asynchronously; built-in plans keep the synchronous path.
  const trace = plan.nodes.some((n) => n.def.batch) ? traceSlotsAsync : traceSlots;
  const traced = await trace(
    plan,
    bars,
    ports.map(([port]) => planNode.outputSlots[port]!),
    at,
  );
  return {
    warmup: planNode.warmup,
    outputs: ports.map(([port, spec], k) => ({
      port,
      kind: spec.kind as PlottableKind,
      pane: spec.kind === 'price' || (spec.kind === 'number' && isPriceLike(traced[k]!, bars.close)) ? ('price' as const) : ('own' as const),
      values: Array.from(traced[k]!, orNull),
    })),
  };
}

export function registerPreviewRoutes(app: OpenAPIHono, deps: AppDeps): void {
  const em = () => deps.orm.em.fork();
  // A preview runs the strategy over up to 2000 bars on every param edit; the editor debounces, this caps abuse.
  limitPosts(app, ['/api/preview'], { limit: 240, windowMs: 60_000, key: () => `preview:${deps.owner}` });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/preview',
      tags: ['Nodes'],
      summary: "One node's outputs over sample data",
      description:
        'Compiles the graph and runs it over up to 2000 bars of its own data (the synthetic series, or the last bars of its dataset; a default synthetic series when ' +
        'the dataset cannot be read), returning the chosen node\'s outputs per bar beside the close. When the whole strategy does not compile yet, only the node and ' +
        'what feeds it run (`complete: false`). Price outputs share the close\'s scale; numbers and conditions get a pane of their own. ' +
        'A node that cannot run yet (an input not wired, no data upstream) gets `ok: false` with the compile errors that stop it.',
      request: { body: { content: { 'application/json': { schema: PreviewRequest } }, required: true } },
      responses: {
        200: json(PreviewOut, "The node's outputs per bar, or the compile errors that stop it running yet"),
        404: problemResponse('The graph has no such node'),
        422: problemResponse('The node has no output a chart can draw'),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const planned = previewPlan(body.graph, body.nodeId, (await deps.customNodes.registryFor(em(), deps.owner, body.graph)).registry);
      if (!planned.ok && planned.status === 200) return c.json({ ok: false as const, nodeId: body.nodeId, detail: planned.detail, errors: planned.errors }, 200);
      if (!planned.ok) return problem(c, planned.status, planned.title, planned.detail);
      const { plan, complete } = planned;
      const readDataset = datasetReader(em(), deps.owner);
      let sample;
      try {
        sample = await previewBars(plan.data.request, body.bars, readDataset);
      } catch (err) {
        if (!(err instanceof DataError)) throw err;
        // A dataset that is gone or unreadable should not hide the node's shape: preview on the default series.
        const fallback = { kind: 'synthetic' as const, seed: 1, bars: body.bars, startPrice: 100, drift: 0.05, volatility: 0.6, intervalMinutes: 60, startTime: Date.parse('2024-01-01T00:00:00Z') };
        sample = { ...(await previewBars(fallback, body.bars, readDataset)), label: `default synthetic series (${err.message})` };
      }
      const traced = await traceNode(plan, sample.bars, body.nodeId);
      return c.json(
        {
          ok: true as const,
          nodeId: body.nodeId,
          complete,
          data: { kind: sample.kind, label: sample.label },
          ...traced,
          time: Array.from(sample.bars.time),
          close: Array.from(sample.bars.close),
        },
        200,
      );
    },
  );
}
