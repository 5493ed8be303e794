import type { Edge, Node } from '@xyflow/react';
import type { GraphAnnotations, GraphInput, OptimizeRange } from '../engine/graph.ts';

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
  /** Params a sweep or walk-forward may vary, by param name (the graph node's `optimize`). */
  optimize?: Record<string, OptimizeRange>;
};

export type StrategyFlowNode = Node<StrategyNodeData, 'strategy'>;
export type StrategyFlowEdge = Edge;

/** A comment note on the canvas: free text in a resizable box. */
export type CommentFlowNode = Node<{ text: string }, 'comment'>;
/**
 * A group: a labelled frame around its member nodes. The canvas places and sizes it from the members
 * (see annotations.ts), so its own position is never saved.
 */
export type GroupFlowNode = Node<{ label: string; members: string[] }, 'frame'>;
/** Canvas-only objects the compiler ignores, kept apart from the strategy's nodes. */
export type AnnotationFlowNode = CommentFlowNode | GroupFlowNode;

/** Size of a new comment, and the smallest a comment may be resized to (the graph schema's minimum). */
export const commentSize = { width: 220, height: 110, minWidth: 80, minHeight: 40 };

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
        ...(n.optimize !== undefined ? { optimize: structuredClone(n.optimize) } : {}),
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

/** Comments and groups as canvas objects; groups first, so they are drawn beneath everything else. */
export function annotationsToFlow(annotations: GraphInput['annotations']): AnnotationFlowNode[] {
  const groups = (annotations?.groups ?? []).map(
    (g): GroupFlowNode => ({ id: g.id, type: 'frame', position: { x: 0, y: 0 }, data: { label: g.label, members: [...g.nodes] } }),
  );
  const comments = (annotations?.comments ?? []).map(
    (c): CommentFlowNode => ({ id: c.id, type: 'comment', position: { ...c.position }, width: c.size.width, height: c.size.height, data: { text: c.text } }),
  );
  return [...groups, ...comments];
}

/**
 * The annotations to save, or undefined when there are none (so a graph without any saves exactly as
 * before). Group members that are no longer on the canvas are dropped, and so is a group left empty.
 */
export function flowToAnnotations(annotations: readonly AnnotationFlowNode[], nodeIds: ReadonlySet<string>): GraphAnnotations | undefined {
  const comments: GraphAnnotations['comments'] = [];
  const groups: GraphAnnotations['groups'] = [];
  for (const a of annotations) {
    if (a.type === 'comment') {
      const width = a.width ?? a.measured?.width ?? commentSize.width;
      const height = a.height ?? a.measured?.height ?? commentSize.height;
      comments.push({
        id: a.id,
        text: a.data.text,
        position: { x: Math.round(a.position.x), y: Math.round(a.position.y) },
        size: { width: Math.max(commentSize.minWidth, Math.round(width)), height: Math.max(commentSize.minHeight, Math.round(height)) },
      });
    } else {
      const members = a.data.members.filter((id) => nodeIds.has(id));
      if (members.length > 0) groups.push({ id: a.id, label: a.data.label, nodes: members });
    }
  }
  return comments.length > 0 || groups.length > 0 ? { comments, groups } : undefined;
}

export function flowToGraph(
  nodes: readonly StrategyFlowNode[],
  edges: readonly StrategyFlowEdge[],
  settings: GraphInput['settings'],
  annotationNodes: readonly AnnotationFlowNode[] = [],
): GraphInput {
  const annotations = annotationNodes.length > 0 ? flowToAnnotations(annotationNodes, new Set(nodes.map((n) => n.id))) : undefined;
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
      // An empty map is the same as none: leave it out so turning the last range off restores the saved form.
      ...(n.data.optimize && Object.keys(n.data.optimize).length > 0 ? { optimize: structuredClone(n.data.optimize) } : {}),
    })),
    edges: edges.map((e) => ({
      id: e.id,
      source: { node: e.source, port: e.sourceHandle ?? '' },
      target: { node: e.target, port: e.targetHandle ?? '' },
    })),
    settings: { ...settings },
    ...(annotations ? { annotations } : {}),
  };
}

/**
 * The part of a graph the compiler reads: positions and labels are left out so dragging does not
 * recompile. Optimisable ranges are in: the compiler checks them against each node's params schema.
 */
export function compileKey(graph: GraphInput): string {
  return JSON.stringify({
    nodes: graph.nodes.map((n) => [n.id, n.type, n.version, n.params, n.optimize ?? null]),
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
