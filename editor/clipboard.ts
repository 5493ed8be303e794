import type { GraphComment, GraphGroup, GraphInput } from '../engine/graph.ts';
import { newEdgeId, newNodeId } from './graph-mapping.ts';

type GraphNodeInput = GraphInput['nodes'][number];
type GraphEdgeInput = GraphInput['edges'][number];

/**
 * Copied nodes, the wires between them, and the comment notes and groups that were selected with them,
 * as plain graph JSON so they can outlive the canvas (and travel to another strategy).
 */
export interface Clip {
  nodes: GraphNodeInput[];
  edges: GraphEdgeInput[];
  comments: GraphComment[];
  groups: GraphGroup[];
}

/** The clip's size as the trader counts it: nodes and notes (a group is a frame around nodes). */
export const clipSize = (clip: Clip) => clip.nodes.length + clip.comments.length;

/**
 * The selection as a clip: the selected nodes, the selected notes, and the selected groups with every
 * member (a frame without its nodes means nothing). Only the wires with both ends inside the copy go
 * along: a wire to a node that was not copied would have nothing to attach to when pasted. Null when
 * nothing is selected.
 */
export function copySelection(graph: GraphInput, selected: ReadonlySet<string>): Clip | null {
  const groups = (graph.annotations?.groups ?? []).filter((g) => selected.has(g.id));
  const taken = new Set([...selected, ...groups.flatMap((g) => g.nodes)]);
  const nodes = graph.nodes.filter((n) => taken.has(n.id));
  const comments = (graph.annotations?.comments ?? []).filter((c) => selected.has(c.id));
  if (nodes.length === 0 && comments.length === 0) return null;
  const edges = graph.edges.filter((e) => taken.has(e.source.node) && taken.has(e.target.node));
  return structuredClone({ nodes, edges, comments, groups });
}

/**
 * Fresh copies of a clip: new node, note, group and edge ids (never reusing one on the canvas; nodes and
 * annotations share `takenNodes`), wires and group members pointed at the copies, and every node and
 * note shifted by `offset` so the paste does not hide under the original.
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
  const comments = clip.comments.map((c) => {
    const id = newNodeId('note', nodeIds);
    nodeIds.add(id);
    return { ...structuredClone(c), id, position: { x: c.position.x + offset.x, y: c.position.y + offset.y } };
  });
  const groups = clip.groups.flatMap((g) => {
    const members = g.nodes.flatMap((m) => idMap.get(m) ?? []);
    if (members.length === 0) return [];
    const id = newNodeId('group', nodeIds);
    nodeIds.add(id);
    return [{ id, label: g.label, nodes: members }];
  });
  return { nodes, edges, comments, groups };
}

/**
 * What goes on the system clipboard: the clip as JSON with a format marker, so nodes copied in one
 * strategy (or tab, or window) paste into another, and text that merely looks like JSON is never taken
 * for nodes.
 */
export const clipFormat = 'application/vnd.tradeloom.nodes+json';

export function serializeClip(clip: Clip): string {
  return JSON.stringify({ format: clipFormat, version: 1, nodes: clip.nodes, edges: clip.edges, comments: clip.comments, groups: clip.groups });
}

/**
 * The clip to paste: the system clipboard's when it holds Tradeloom nodes (copied here, in another
 * strategy, or in another tab), else the in-app one (the clipboard API may be refused or absent).
 */
export async function readClip(fallback: Clip | null, clipboard: Pick<Clipboard, 'readText'> | undefined = globalThis.navigator?.clipboard): Promise<Clip | null> {
  if (clipboard) {
    try {
      const text = await clipboard.readText();
      // The payload's schemas (zod) load with the first clip pasted, not with the editor.
      if (text.includes(clipFormat)) {
        const { parseClip } = await import('./clip-payload.ts');
        const clip = parseClip(text);
        if (clip) return clip;
      }
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
