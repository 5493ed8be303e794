/** Keyboard shortcuts: one table drives both the key handler and the cheat-sheet, so they cannot disagree. */

export type ShortcutAction = 'save' | 'undo' | 'redo' | 'copy' | 'paste' | 'selectAll' | 'deselect' | 'help' | 'duplicate' | 'group' | 'layout' | 'delete';

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/**
 * The action a key press asks for, or null to leave it to the browser. In a text field only Save
 * applies: Ctrl+Z, Ctrl+C and friends there belong to the field, not to the canvas.
 */
export function shortcutFor(e: KeyLike, inField: boolean): ShortcutAction | null {
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.toLowerCase();
  if (mod && !e.altKey && key === 's') return 'save';
  if (inField) return null;
  if (mod && !e.altKey) {
    if (key === 'z') return e.shiftKey ? 'redo' : 'undo';
    if (key === 'y' && !e.shiftKey) return 'redo';
    if (key === 'c' && !e.shiftKey) return 'copy';
    if (key === 'v' && !e.shiftKey) return 'paste';
    if (key === 'a' && !e.shiftKey) return 'selectAll';
    if (key === 'd' && !e.shiftKey) return 'duplicate';
    if (key === 'g' && !e.shiftKey) return 'group';
    if (key === 'l' && e.shiftKey) return 'layout';
    return null;
  }
  if (e.key === '?' && !e.altKey) return 'help';
  if (e.key === 'Escape') return 'deselect';
  // Ours, not React Flow's delete key: its key tracking kept a key whose release it missed (the V of a
  // paste, after two undos), and then ignored Delete until the key was pressed again.
  if ((e.key === 'Delete' || e.key === 'Backspace') && !e.altKey && !e.shiftKey) return 'delete';
  return null;
}

/** Whether keys typed at `target` belong to a text field (or anything else that edits text). */
export function isTextField(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== 'function') return false;
  const el = target as HTMLElement;
  return el.isContentEditable || el.closest('input, textarea, select, [contenteditable="true"]') !== null;
}

export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

/** Rows of the cheat-sheet; `Mod` is shown as ⌘ on a Mac and Ctrl elsewhere. */
export const shortcutList: { keys: string[]; what: string; group: 'Document' | 'Canvas' }[] = [
  { keys: ['Mod', 'S'], what: 'Save the strategy', group: 'Document' },
  { keys: ['Mod', 'Z'], what: 'Undo the last graph edit', group: 'Document' },
  { keys: ['Mod', 'Shift', 'Z'], what: 'Redo (also Mod+Y)', group: 'Document' },
  { keys: ['?'], what: 'Show or hide this list', group: 'Document' },
  { keys: ['Mod', 'C'], what: 'Copy the selected nodes and the wires between them', group: 'Canvas' },
  { keys: ['Mod', 'V'], what: 'Paste them as new nodes (also into another strategy or tab)', group: 'Canvas' },
  { keys: ['Mod', 'D'], what: 'Duplicate the selected nodes and the wires between them', group: 'Canvas' },
  { keys: ['Mod', 'A'], what: 'Select every node', group: 'Canvas' },
  { keys: ['Mod', 'G'], what: 'Group the selected nodes in a labelled frame', group: 'Canvas' },
  { keys: ['Mod', 'Shift', 'L'], what: 'Tidy the graph: auto-layout, left to right', group: 'Canvas' },
  { keys: ['Del'], what: 'Delete the selection (also Backspace)', group: 'Canvas' },
  { keys: ['Esc'], what: 'Clear the selection', group: 'Canvas' },
  { keys: ['Shift', 'drag'], what: 'Draw a box to select several nodes', group: 'Canvas' },
  { keys: ['Shift', 'click'], what: 'Add a node to the selection', group: 'Canvas' },
  { keys: ['Drag a port'], what: 'Connect an output (right) to an input (left)', group: 'Canvas' },
];
