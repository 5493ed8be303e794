import type { Edge, Node } from '@xyflow/react';
import type { GraphInput } from '../engine/graph.ts';

/**
 * The graph document is the source of truth; React Flow's nodes and edges are a view of it. These
 * functions convert between the two so the canvas never leaks React Flow fields into saved graphs.
 */

/** What a canvas node carries: the graph node minus its id and position, which React Flow owns. */
export type StrategyNodeData = {
  /** The catalog type, e.g. `indicator.sma`. */
  type: string;
  version: number;
  params: Record<string, unknown>;
  label?: string;
};

export type StrategyFlowNode = Node<StrategyNodeData, 'strategy'>;
export type StrategyFlowEdge = Edge;

/**
 * Backtest settings as the graph stores them. The editor fills every field from the settings schema's
 * defaults (see `schemaDefaults`), so a saved strategy keeps its costs even if a default changes later.
 */
export type Settings = NonNullable<GraphInput['settings']>;

export function emptyGraph(): GraphInput {
  return { schemaVersion: 1, nodes: [], edges: [], settings: {} };
}

export function graphToFlow(graph: GraphInput): { nodes: StrategyFlowNode[]; edges: StrategyFlowEdge[] } {
  const nodes = graph.nodes.map(
    (n): StrategyFlowNode => ({
      id: n.id,
      type: 'strategy',
      position: { x: n.position?.x ?? 0, y: n.position?.y ?? 0 },
      data: {
        type: n.type,
        version: n.version ?? 1,
        params: { ...(n.params ?? {}) },
        ...(n.label !== undefined ? { label: n.label } : {}),
      },
    }),
  );
  const edges = graph.edges.map(
    (e): StrategyFlowEdge => ({
      id: e.id,
      source: e.source.node,
      sourceHandle: e.source.port,
      target: e.target.node,
      targetHandle: e.target.port,
    }),
  );
  return { nodes, edges };
}

export function flowToGraph(nodes: readonly StrategyFlowNode[], edges: readonly StrategyFlowEdge[], settings: GraphInput['settings']): GraphInput {
  return {
    schemaVersion: 1,
    nodes: nodes.map((n) => ({
      id: n.id,
      type: n.data.type,
      version: n.data.version,
      params: { ...n.data.params },
      // Whole pixels: sub-pixel drag noise should not make a strategy look edited.
      position: { x: Math.round(n.position.x), y: Math.round(n.position.y) },
      ...(n.data.label !== undefined ? { label: n.data.label } : {}),
    })),
    edges: edges.map((e) => ({
      id: e.id,
      source: { node: e.source, port: e.sourceHandle ?? '' },
      target: { node: e.target, port: e.targetHandle ?? '' },
    })),
    settings: { ...settings },
  };
}

/** The part of a graph the compiler reads: positions and labels are left out so dragging does not recompile. */
export function compileKey(graph: GraphInput): string {
  return JSON.stringify({
    nodes: graph.nodes.map((n) => [n.id, n.type, n.version, n.params]),
    edges: graph.edges.map((e) => [e.source.node, e.source.port, e.target.node, e.target.port]),
    settings: graph.settings,
  });
}

function randomSuffix(): string {
  const bytes = new Uint8Array(2);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * A stable, readable id for a new node, e.g. `sma-1a2b`: the last part of the type plus random hex.
 * Never the title, which the user may rename.
 */
export function newNodeId(type: string, taken: ReadonlySet<string>): string {
  const base = (type.split('.').pop() ?? 'node').replace(/[^A-Za-z0-9_-]/g, '').slice(0, 40) || 'node';
  for (;;) {
    const id = `${base}-${randomSuffix()}`;
    if (!taken.has(id)) return id;
  }
}

export function newEdgeId(taken: ReadonlySet<string>): string {
  for (;;) {
    const id = `e-${randomSuffix()}${randomSuffix()}`;
    if (!taken.has(id)) return id;
  }
}
