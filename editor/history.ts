import type { GraphInput } from '../engine/graph.ts';

/**
 * Undo/redo as a pure reducer over graph snapshots. The document records a snapshot after every change
 * to the saved graph (never to selection or measurement), so anything that edits the graph is undoable
 * without each edit having to remember to register itself.
 */

export interface Snapshot {
  graph: GraphInput;
  /** Serialised graph: two snapshots with the same key are the same document. */
  key: string;
}

export interface HistoryState {
  past: Snapshot[];
  present: Snapshot;
  future: Snapshot[];
  /** The coalescing group of the latest record and when it happened, e.g. typing into one field. */
  group: string | null;
  at: number;
}

export type HistoryAction =
  | { type: 'record'; snapshot: Snapshot; group: string | null; at: number }
  | { type: 'undo' }
  | { type: 'redo' }
  | { type: 'checkpoint' }
  | { type: 'reset'; snapshot: Snapshot };

/** How many steps back a user can go; older ones are dropped. */
export const historyLimit = 100;
/** Edits of the same group closer together than this become one undo step (typing "250" is one edit). */
export const coalesceMs = 1200;

export function initialHistory(snapshot: Snapshot): HistoryState {
  return { past: [], present: snapshot, future: [], group: null, at: 0 };
}

export function historyReducer(state: HistoryState, action: HistoryAction): HistoryState {
  switch (action.type) {
    case 'reset':
      return initialHistory(action.snapshot);
    case 'record': {
      // Restoring a snapshot re-renders the same graph: nothing new to remember.
      if (action.snapshot.key === state.present.key) return state;
      const coalesce = action.group !== null && action.group === state.group && action.at - state.at < coalesceMs && state.past.length > 0;
      if (coalesce) return { ...state, present: action.snapshot, future: [], at: action.at };
      const past = [...state.past, state.present].slice(-historyLimit);
      return { past, present: action.snapshot, future: [], group: action.group, at: action.at };
    }
    case 'undo': {
      const previous = state.past.at(-1);
      if (!previous) return state;
      // A fresh edit after an undo must never merge into the step that was undone.
      return { past: state.past.slice(0, -1), present: previous, future: [state.present, ...state.future], group: null, at: 0 };
    }
    case 'checkpoint':
      // A save or a run ends the typing burst: the next edit is a step of its own, however soon it comes.
      return state.group === null ? state : { ...state, group: null, at: 0 };
    case 'redo': {
      const [next, ...rest] = state.future;
      if (!next) return state;
      return { past: [...state.past, state.present], present: next, future: rest, group: null, at: 0 };
    }
  }
}

/**
 * Which coalescing group a change from `before` to `after` belongs to: repeated edits of one node's
 * params, of its label, or of the settings merge; moves and structural changes never do.
 */
export function changeGroup(before: GraphInput, after: GraphInput): string | null {
  if (before.nodes.length !== after.nodes.length || before.edges.length !== after.edges.length) return null;
  if (JSON.stringify(before.edges) !== JSON.stringify(after.edges)) return null;
  if (JSON.stringify(before.settings) !== JSON.stringify(after.settings)) {
    return JSON.stringify(before.nodes) === JSON.stringify(after.nodes) ? 'settings' : null;
  }
  const changed: string[] = [];
  let kind: string | null = null;
  for (let i = 0; i < after.nodes.length; i++) {
    const a = before.nodes[i]!;
    const b = after.nodes[i]!;
    if (a.id !== b.id || a.type !== b.type) return null;
    const what = [
      JSON.stringify(a.params) !== JSON.stringify(b.params) ? 'params' : '',
      a.label !== b.label ? 'label' : '',
      a.position?.x !== b.position?.x || a.position?.y !== b.position?.y ? 'move' : '',
    ].filter(Boolean);
    if (what.length === 0) continue;
    if (what.length > 1) return null;
    if (kind !== null && kind !== what[0]) return null;
    kind = what[0]!;
    changed.push(a.id);
  }
  if (kind === null) return annotationGroup(before, after);
  // Each drag is its own step: a user who drags twice and undoes expects the second drag undone.
  if (kind === 'move' || changed.length > 1) return null;
  return `${kind}:${changed[0]}`;
}

/**
 * Typing into one comment, or one group's label, coalesces like typing into a param; moving, resizing,
 * adding or removing annotations are steps of their own.
 */
function annotationGroup(before: GraphInput, after: GraphInput): string | null {
  const pairs = [
    ['comment', before.annotations?.comments ?? [], after.annotations?.comments ?? [], 'text'],
    ['group', before.annotations?.groups ?? [], after.annotations?.groups ?? [], 'label'],
  ] as const;
  let group: string | null = null;
  for (const [what, a, b, field] of pairs) {
    if (a.length !== b.length) return null;
    for (let i = 0; i < a.length; i++) {
      const x = a[i]! as Record<string, unknown>;
      const y = b[i]! as Record<string, unknown>;
      if (JSON.stringify(x) === JSON.stringify(y)) continue;
      if (x.id !== y.id || group !== null || JSON.stringify({ ...x, [field]: '' }) !== JSON.stringify({ ...y, [field]: '' })) return null;
      group = `${what}:${String(x.id)}`;
    }
  }
  return group;
}
