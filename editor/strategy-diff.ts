import type { GraphComment, GraphGroup, GraphInput } from '../engine/graph.ts';

/**
 * What changed between two versions of a strategy graph. Pure: no React, no catalog, so it can be
 * tested on plain graphs and reused by anything that compares versions.
 *
 * Nodes are matched by their stable id. Edges are matched by what they connect (`node.port → node.port`),
 * not by their id: a wire deleted and drawn again between the same ports is the same wire to a trader.
 */

type InputNode = GraphInput['nodes'][number];
type InputEdge = GraphInput['edges'][number];

/** One key of a params or settings object: present before, after, or both with different values. */
export interface ValueChange {
  key: string;
  kind: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

export type NodeStatus = 'added' | 'removed' | 'changed';

export interface NodeDiff {
  id: string;
  status: NodeStatus;
  /** The node in the older graph (absent when added). */
  before?: InputNode;
  /** The node in the newer graph (absent when removed). */
  after?: InputNode;
  /** Set when the node kept its id but became another node type. */
  type?: { before: string; after: string };
  /** Set when the node definition version its params were saved with differs. */
  version?: { before: number; after: number };
  /** Set when the display label changed; `undefined` means "no label, the type's title". */
  label?: { before: string | undefined; after: string | undefined };
  /** Param keys that differ; empty for added and removed nodes. */
  params: ValueChange[];
  /** Any other node field that differs (e.g. `optimize`), so a field added to the schema later still shows. */
  fields?: ValueChange[];
}

export interface GraphDiff {
  /** Added, removed and changed nodes, in the newer graph's order, then removed ones in the older graph's order. */
  nodes: NodeDiff[];
  /** Nodes whose only change is their position on the canvas: not a change to the strategy. */
  moved: string[];
  edges: { added: InputEdge[]; removed: InputEdge[] };
  settings: ValueChange[];
  /**
   * Comments and groups added, removed or changed; present only when some did. They never change what
   * the strategy does, so they are reported apart from (and do not count against) `isEmptyDiff`.
   */
  annotations?: AnnotationDiff;
}

/** One comment or group that differs; `fields` says what changed (`text`, `position`, `size`, `label`, `nodes`). */
export interface AnnotationChange {
  id: string;
  kind: 'added' | 'removed' | 'changed';
  fields?: string[];
}
export interface AnnotationDiff {
  comments: AnnotationChange[];
  groups: AnnotationChange[];
}

/** Added, changed (with the fields that differ) and removed annotations of one list, matched by id. */
function diffById<T extends { id: string }>(before: readonly T[], after: readonly T[]): AnnotationChange[] {
  const old = new Map(before.map((a) => [a.id, a]));
  const now = new Set(after.map((a) => a.id));
  const changes: AnnotationChange[] = [];
  for (const a of after) {
    const b = old.get(a.id);
    if (!b) changes.push({ id: a.id, kind: 'added' });
    else {
      const fields = diffValues(b as Record<string, unknown>, a as Record<string, unknown>).map((c) => c.key);
      if (fields.length > 0) changes.push({ id: a.id, kind: 'changed', fields });
    }
  }
  for (const b of before) if (!now.has(b.id)) changes.push({ id: b.id, kind: 'removed' });
  return changes;
}

/** The annotation changes between two graphs, or undefined when there are none. */
export function diffAnnotations(before: GraphInput, after: GraphInput): AnnotationDiff | undefined {
  const comments = diffById(before.annotations?.comments ?? [], after.annotations?.comments ?? []);
  const groups = diffById(before.annotations?.groups ?? [], after.annotations?.groups ?? []);
  return comments.length > 0 || groups.length > 0 ? { comments, groups } : undefined;
}

export interface DiffCounts {
  added: number;
  removed: number;
  changed: number;
  moved: number;
  edgesAdded: number;
  edgesRemoved: number;
  settings: number;
  /** Comments and groups added, removed or changed. */
  annotations: number;
}

/** `data.close → sma-1.source`: what an edge connects, which is what identifies it here. */
export function edgeKey(e: InputEdge): string {
  return `${e.source.node}.${e.source.port} → ${e.target.node}.${e.target.port}`;
}

/** Structural equality for JSON values: key order never matters, `undefined` fields count as absent. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) if (!sameValue(ao[k], bo[k])) return false;
  return true;
}

/** Keys of two records that differ, in the newer record's key order, then keys only the older one has. */
export function diffValues(before: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined): ValueChange[] {
  const b = before ?? {};
  const a = after ?? {};
  const keys = [...Object.keys(a), ...Object.keys(b).filter((k) => !(k in a))];
  const changes: ValueChange[] = [];
  for (const key of keys) {
    const inBefore = key in b && b[key] !== undefined;
    const inAfter = key in a && a[key] !== undefined;
    if (inBefore && !inAfter) changes.push({ key, kind: 'removed', before: b[key] });
    else if (!inBefore && inAfter) changes.push({ key, kind: 'added', after: a[key] });
    else if (inBefore && inAfter && !sameValue(b[key], a[key])) changes.push({ key, kind: 'changed', before: b[key], after: a[key] });
  }
  return changes;
}

const versionOf = (n: InputNode) => n.version ?? 1;
const known = new Set(['id', 'type', 'version', 'params', 'position', 'label']);
const otherFields = (n: InputNode) => Object.fromEntries(Object.entries(n).filter(([k]) => !known.has(k)));
const positionOf = (n: InputNode) => ({ x: n.position?.x ?? 0, y: n.position?.y ?? 0 });

/**
 * Compare an older graph with a newer one.
 *
 * @param settingsDefaults fill settings a graph leaves out, so an old graph saved before a setting
 *   existed does not show that setting as added.
 * @example
 * const d = diffGraphs(v1.graph, v2.graph);
 * d.nodes.filter((n) => n.status === 'changed').flatMap((n) => n.params); // [{ key: 'period', kind: 'changed', before: 10, after: 20 }]
 */
export function diffGraphs(before: GraphInput, after: GraphInput, settingsDefaults: Record<string, unknown> = {}): GraphDiff {
  const oldNodes = new Map(before.nodes.map((n) => [n.id, n]));
  const newIds = new Set(after.nodes.map((n) => n.id));
  const nodes: NodeDiff[] = [];
  const moved: string[] = [];

  for (const node of after.nodes) {
    const old = oldNodes.get(node.id);
    if (!old) {
      nodes.push({ id: node.id, status: 'added', after: node, params: [] });
      continue;
    }
    const diff: NodeDiff = { id: node.id, status: 'changed', before: old, after: node, params: [] };
    if (old.type !== node.type) diff.type = { before: old.type, after: node.type };
    if (versionOf(old) !== versionOf(node)) diff.version = { before: versionOf(old), after: versionOf(node) };
    // An empty label shows the type's title, the same as no label.
    const oldLabel = old.label || undefined;
    const newLabel = node.label || undefined;
    if (oldLabel !== newLabel) diff.label = { before: oldLabel, after: newLabel };
    diff.params = diffValues(old.params, node.params);
    const fields = diffValues(otherFields(old), otherFields(node));
    if (fields.length > 0) diff.fields = fields;
    if (diff.type || diff.version || diff.label || diff.params.length > 0 || diff.fields) nodes.push(diff);
    else if (!sameValue(positionOf(old), positionOf(node))) moved.push(node.id);
  }
  for (const old of before.nodes) {
    if (!newIds.has(old.id)) nodes.push({ id: old.id, status: 'removed', before: old, params: [] });
  }

  const oldEdges = new Set(before.edges.map(edgeKey));
  const newEdges = new Set(after.edges.map(edgeKey));
  const edges = {
    added: after.edges.filter((e) => !oldEdges.has(edgeKey(e))),
    removed: before.edges.filter((e) => !newEdges.has(edgeKey(e))),
  };

  const settings = diffValues({ ...settingsDefaults, ...(before.settings ?? {}) }, { ...settingsDefaults, ...(after.settings ?? {}) });
  const annotations = diffAnnotations(before, after);
  return { nodes, moved, edges, settings, ...(annotations ? { annotations } : {}) };
}

export function diffCounts(diff: GraphDiff): DiffCounts {
  const count = (s: NodeStatus) => diff.nodes.filter((n) => n.status === s).length;
  return {
    added: count('added'),
    removed: count('removed'),
    changed: count('changed'),
    moved: diff.moved.length,
    edgesAdded: diff.edges.added.length,
    edgesRemoved: diff.edges.removed.length,
    settings: diff.settings.length,
    annotations: (diff.annotations?.comments.length ?? 0) + (diff.annotations?.groups.length ?? 0),
  };
}

/** True when the two graphs make the same strategy (positions aside). */
export function isEmptyDiff(diff: GraphDiff): boolean {
  return diff.nodes.length === 0 && diff.edges.added.length === 0 && diff.edges.removed.length === 0 && diff.settings.length === 0;
}

/** One node or edge of the overlay the canvas draws: the newer graph plus what the older one had and lost. */
export interface OverlayNode {
  node: InputNode;
  status: NodeStatus | 'moved' | 'same';
}
export interface OverlayEdge {
  edge: InputEdge;
  status: 'added' | 'removed' | 'same';
}

/**
 * The graph to draw for a diff: every node of the newer graph marked with its status, plus the older
 * graph's removed nodes and wires as ghosts where they used to be. Removed edges whose ends both still
 * exist stay drawable because removed nodes are in the overlay too.
 */
export function diffOverlay(before: GraphInput, after: GraphInput, diff: GraphDiff): { nodes: OverlayNode[]; edges: OverlayEdge[] } {
  const statusOf = new Map(diff.nodes.map((n) => [n.id, n.status]));
  const moved = new Set(diff.moved);
  const nodes: OverlayNode[] = after.nodes.map((node) => ({ node, status: statusOf.get(node.id) ?? (moved.has(node.id) ? 'moved' : 'same') }));
  for (const d of diff.nodes) if (d.status === 'removed' && d.before) nodes.push({ node: d.before, status: 'removed' });

  const added = new Set(diff.edges.added.map(edgeKey));
  const taken = new Set(after.edges.map((e) => e.id));
  const edges: OverlayEdge[] = after.edges.map((edge) => ({ edge, status: added.has(edgeKey(edge)) ? 'added' : 'same' }));
  for (const edge of diff.edges.removed) {
    // A removed wire may share its id with a new one; the canvas needs ids to be unique.
    const id = taken.has(edge.id) ? `removed:${edge.id}` : edge.id;
    taken.add(id);
    edges.push({ edge: { ...edge, id }, status: 'removed' });
  }
  return { nodes, edges };
}

/** Fields that only lay a note out: a note that changed nothing else was moved, not edited. */
const layoutFields = new Set(['position', 'size']);

/** How the diff canvas marks an annotation: `moved` when only its place or size changed (as for nodes). */
export function annotationStatus(change: AnnotationChange | undefined): OverlayNode['status'] {
  if (!change) return 'same';
  if (change.kind !== 'changed') return change.kind;
  return (change.fields ?? []).every((f) => layoutFields.has(f)) ? 'moved' : 'changed';
}

export interface OverlayComment {
  comment: GraphComment;
  status: OverlayNode['status'];
}
export interface OverlayGroup {
  group: GraphGroup;
  status: OverlayNode['status'];
}

/**
 * The notes and groups to draw for a diff, like `diffOverlay` for nodes: the newer graph's, marked with
 * their status, plus the older graph's removed ones as ghosts (a removed group frames its old members,
 * which the overlay still draws, as ghosts if they went too).
 */
export function annotationOverlay(before: GraphInput, after: GraphInput, diff: GraphDiff): { comments: OverlayComment[]; groups: OverlayGroup[] } {
  const commentChange = new Map((diff.annotations?.comments ?? []).map((c) => [c.id, c]));
  const groupChange = new Map((diff.annotations?.groups ?? []).map((c) => [c.id, c]));
  const comments: OverlayComment[] = (after.annotations?.comments ?? []).map((comment) => ({ comment, status: annotationStatus(commentChange.get(comment.id)) }));
  const groups: OverlayGroup[] = (after.annotations?.groups ?? []).map((group) => ({ group, status: annotationStatus(groupChange.get(group.id)) }));
  for (const comment of before.annotations?.comments ?? []) if (commentChange.get(comment.id)?.kind === 'removed') comments.push({ comment, status: 'removed' });
  for (const group of before.annotations?.groups ?? []) if (groupChange.get(group.id)?.kind === 'removed') groups.push({ group, status: 'removed' });
  return { comments, groups };
}

/** A param or setting value as the diff list shows it: `10`, `"close"`, `true`, `[1, 2]`, or `—` for nothing. */
export function formatValue(value: unknown): string {
  if (value === undefined) return '—';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return String(value);
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
