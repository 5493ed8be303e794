import { registry as builtins } from '../nodes/index.ts';
import type { Registry } from '../nodes/registry.ts';
import { allocBars, type Bars } from './bars.ts';
import { SimBroker } from './broker.ts';
import { compile, type Plan } from './compile.ts';
import { createExecutor } from './execute.ts';
import type { GraphInput } from './graph.ts';

export interface BarSpec {
  close: readonly number[];
  /** Defaults to the previous close (the first bar opens at its own close). */
  open?: readonly number[];
  /** Default to max/min of open and close. */
  high?: readonly number[];
  low?: readonly number[];
  volume?: readonly number[];
  /** Open time of the first bar, epoch ms; default 2024-01-01T00:00:00Z. */
  start?: number;
  /** Default one day. */
  intervalMs?: number;
}

/** Hand-made bars for fixtures: give the closes (and opens when fills matter), the rest is consistent. */
export function makeBars(spec: BarSpec): Bars {
  const n = spec.close.length;
  const b = allocBars(n);
  const start = spec.start ?? Date.UTC(2024, 0, 1);
  const interval = spec.intervalMs ?? 86_400_000;
  for (let i = 0; i < n; i++) {
    const close = spec.close[i]!;
    const open = spec.open?.[i] ?? (i > 0 ? spec.close[i - 1]! : close);
    b.time[i] = start + i * interval;
    b.open[i] = open;
    b.close[i] = close;
    b.high[i] = spec.high?.[i] ?? Math.max(open, close);
    b.low[i] = spec.low?.[i] ?? Math.min(open, close);
    b.volume[i] = spec.volume?.[i] ?? 1000;
  }
  return b;
}

export interface FixtureNode {
  type: string;
  params?: Record<string, unknown>;
  version?: number;
}

/**
 * A graph from a compact description: nodes by id, edges as `"from.port -> to.port"`.
 *
 * @example
 * fixture({ data: { type: 'data.synthetic' }, sma: { type: 'indicator.sma' } }, ['data.close -> sma.source'])
 */
export function fixture(nodes: Record<string, FixtureNode>, edges: readonly string[], settings?: GraphInput['settings']): GraphInput {
  return {
    nodes: Object.entries(nodes).map(([id, n]) => ({ id, type: n.type, params: n.params ?? {}, ...(n.version ? { version: n.version } : {}) })),
    edges: edges.map((e, i) => {
      const m = /^\s*([\w-]+)\.(\w+)\s*->\s*([\w-]+)\.(\w+)\s*$/.exec(e);
      if (!m) throw new Error(`bad edge "${e}"`);
      return { id: `e${i + 1}`, source: { node: m[1]!, port: m[2]! }, target: { node: m[3]!, port: m[4]! } };
    }),
    ...(settings ? { settings } : {}),
  };
}

/** Compile or throw with every error, for fixtures that are meant to be valid. */
export function compileOk(graph: unknown, registry: Registry = builtins): Plan {
  const result = compile(graph, registry);
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.code}: ${e.message}`).join('\n'));
  return result.plan;
}

export interface GraphRun {
  plan: Plan;
  broker: SimBroker;
  equity: Float64Array;
  /** Each probed output, one value per bar. */
  values: Record<string, number[]>;
}

/**
 * Compile a fixture graph and run it over `bars` through the real generated loop, one bar at a time,
 * recording the probed outputs (`{ label: "node.port" }`) after every bar. The broker is the sink.
 */
export function runGraph(graph: GraphInput, bars: Bars, probes: Record<string, string> = {}, registry: Registry = builtins): GraphRun {
  const plan = compileOk(graph, registry);
  const broker = new SimBroker(plan.settings);
  const exec = createExecutor(plan, bars, broker);
  const slots = Object.entries(probes).map(([label, ref]) => {
    const [nodeId, port] = ref.split('.') as [string, string];
    const slot = plan.nodes.find((n) => n.id === nodeId)?.outputSlots[port];
    if (slot === undefined) throw new Error(`no output ${ref}`);
    return [label, slot] as const;
  });
  const values: Record<string, number[]> = Object.fromEntries(slots.map(([label]) => [label, []]));
  for (let t = 0; t < bars.close.length; t++) {
    exec.run(t, t + 1);
    for (const [label, slot] of slots) values[label]!.push(exec.slots[slot]!);
  }
  return { plan, broker, equity: exec.equity, values };
}
