import type { GraphInput } from '../engine/graph.ts';
import { newEdgeId, newNodeId } from './graph-mapping.ts';

type GraphNodeInput = GraphInput['nodes'][number];
type GraphEdgeInput = GraphInput['edges'][number];

/** Copied nodes and the wires between them, as plain graph JSON so they can outlive the canvas. */
export interface Clip {
  nodes: GraphNodeInput[];
  edges: GraphEdgeInput[];
}

/**
 * The selected nodes and only the edges with both ends inside the selection: a wire to a node that
 * was not copied would have nothing to attach to when pasted.
 */
export function copyNodes(graph: GraphInput, selected: ReadonlySet<string>): Clip | null {
  const nodes = graph.nodes.filter((n) => selected.has(n.id));
  if (nodes.length === 0) return null;
  const edges = graph.edges.filter((e) => selected.has(e.source.node) && selected.has(e.target.node));
  return structuredClone({ nodes, edges });
}

/**
 * Fresh copies of a clip: new node and edge ids (never reusing one on the canvas), edges rewired to
 * the copies, and every node shifted by `offset` so the paste does not hide under the original.
 */
export function pasteClip(
  clip: Clip,
  takenNodes: ReadonlySet<string>,
  takenEdges: ReadonlySet<string>,
  offset: { x: number; y: number },
): Clip {
  const nodeIds = new Set(takenNodes);
  const edgeIds = new Set(takenEdges);
  const idMap = new Map<string, string>();
  const nodes = clip.nodes.map((n) => {
    const id = newNodeId(n.type, nodeIds);
    nodeIds.add(id);
    idMap.set(n.id, id);
    const at = n.position ?? { x: 0, y: 0 };
    return { ...structuredClone(n), id, position: { x: at.x + offset.x, y: at.y + offset.y } };
  });
  const edges = clip.edges.flatMap((e) => {
    const source = idMap.get(e.source.node);
    const target = idMap.get(e.target.node);
    if (!source || !target) return [];
    const id = newEdgeId(edgeIds);
    edgeIds.add(id);
    return [{ id, source: { ...e.source, node: source }, target: { ...e.target, node: target } }];
  });
  return { nodes, edges };
}
