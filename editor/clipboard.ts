import { z } from 'zod';
import { GraphEdge, GraphNode, type GraphInput } from '../engine/graph.ts';
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

/**
 * What goes on the system clipboard: the clip as JSON with a format marker, so nodes copied in one
 * strategy (or tab, or window) paste into another, and text that merely looks like JSON is never taken
 * for nodes.
 */
export const clipFormat = 'application/vnd.tradeloom.nodes+json';

/** The clipboard payload. Parsed with the graph's own node and edge schemas: it may come from anywhere. */
export const ClipPayload = z.object({
  format: z.literal(clipFormat),
  version: z.literal(1),
  nodes: z.array(GraphNode).min(1).max(2000),
  edges: z.array(GraphEdge).max(10_000),
});

export function serializeClip(clip: Clip): string {
  return JSON.stringify({ format: clipFormat, version: 1, nodes: clip.nodes, edges: clip.edges });
}

/** The clip in clipboard text, or null for anything else (plain text, another app's JSON, a damaged payload). */
export function parseClip(text: string): Clip | null {
  if (!text.includes(clipFormat)) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = ClipPayload.safeParse(json);
  if (!parsed.success) return null;
  const ids = new Set(parsed.data.nodes.map((n) => n.id));
  // Keep only the wires between copied nodes, as `copyNodes` does, whatever the payload claims.
  return { nodes: parsed.data.nodes, edges: parsed.data.edges.filter((e) => ids.has(e.source.node) && ids.has(e.target.node)) };
}

/**
 * The clip to paste: the system clipboard's when it holds Tradeloom nodes (copied here, in another
 * strategy, or in another tab), else the in-app one (the clipboard API may be refused or absent).
 */
export async function readClip(fallback: Clip | null, clipboard: Pick<Clipboard, 'readText'> | undefined = globalThis.navigator?.clipboard): Promise<Clip | null> {
  if (clipboard) {
    try {
      const clip = parseClip(await clipboard.readText());
      if (clip) return clip;
    } catch {
      // Permission refused or no focus: the in-app clipboard still works.
    }
  }
  return fallback;
}

/** Put the clip on the system clipboard too; false when the browser refused (the in-app copy still holds). */
export async function writeClip(clip: Clip, clipboard: Pick<Clipboard, 'writeText'> | undefined = globalThis.navigator?.clipboard): Promise<boolean> {
  if (!clipboard) return false;
  try {
    await clipboard.writeText(serializeClip(clip));
    return true;
  } catch {
    return false;
  }
}
