import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { CatalogEntry } from '../../nodes/registry.ts';
import { categoryColors, categoryOrder, categoryTitles, useCatalogInfo } from '../catalog-context.ts';
import { PaletteItem } from './PaletteItem.tsx';

interface CustomActions {
  /** Open the custom node editor on a new node, or on the custom node of this type. */
  onNewCustomNode?: () => void;
  onEditCustomNode?: (type: string) => void;
}

/** Node types grouped by category, filtered by a search over title, description and type. */
export function Palette({ onAdd, onNewCustomNode, onEditCustomNode }: { onAdd: (entry: CatalogEntry) => void } & CustomActions) {
  const { catalog } = useCatalogInfo();
  const [query, setQuery] = useState('');
  const list = useRef<HTMLDivElement>(null);

  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    const matches = catalog.nodes.filter((n) => !q || `${n.title}\n${n.description}\n${n.type}`.toLowerCase().includes(q));
    const cats = [...new Set([...categoryOrder, ...matches.map((n) => n.category)])];
    // The Custom section stays (with its "New" button) while there is nothing in it yet.
    return cats.map((c) => ({ category: c, items: matches.filter((n) => n.category === c) })).filter((g) => g.items.length > 0 || (g.category === 'custom' && !q && !!onNewCustomNode));
  }, [catalog.nodes, query, onNewCustomNode]);

  // Arrow keys walk the list (Home/End jump), so a keyboard user need not Tab through every node type.
  const onListKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = { ArrowDown: 1, ArrowUp: -1, Home: -Infinity, End: Infinity }[event.key];
    if (step === undefined) return;
    const items = [...event.currentTarget.querySelectorAll<HTMLElement>('.palette-item')];
    if (items.length === 0) return;
    event.preventDefault();
    const at = items.indexOf(document.activeElement as HTMLElement);
    const next = step === -Infinity ? 0 : step === Infinity ? items.length - 1 : Math.min(items.length - 1, Math.max(0, at + step));
    items[next]!.focus();
    items[next]!.scrollIntoView({ block: 'nearest' });
  };
  // From the search box: ↓ goes into the matches, Enter adds the first one (type "rsi", Enter).
  const onSearchKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      const first = list.current?.querySelector<HTMLElement>('.palette-item');
      if (!first) return;
      event.preventDefault();
      first.focus();
      first.scrollIntoView({ block: 'nearest' });
    } else if (event.key === 'Enter') {
      const first = groups.find((g) => g.items.length > 0)?.items[0];
      if (!first) return;
      event.preventDefault();
      onAdd(first);
    }
  };

  return (
    <aside className="palette" aria-label="Node palette">
      <div className="panel-header">
        <span>Nodes</span>
        <span className="muted">{catalog.nodes.length}</span>
      </div>
      <div className="palette-search">
        <input
          type="search"
          placeholder="Search nodes…"
          aria-label="Search nodes"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={onSearchKey}
          data-testid="palette-search"
        />
      </div>
      <div className="palette-list" onKeyDown={onListKey} ref={list}>
        {groups.length === 0 && <div className="empty-note">No node matches “{query}”.</div>}
        {groups.map((g) => (
          <section key={g.category} className="palette-group">
            <h3 style={{ ['--cat' as string]: categoryColors[g.category] ?? '#90a4ae' }}>
              {categoryTitles[g.category] ?? g.category}
              {g.category === 'custom' && onNewCustomNode && (
                <button type="button" className="palette-custom-new" onClick={onNewCustomNode} data-testid="palette-new-custom" title="Write a node in TypeScript">
                  + New
                </button>
              )}
            </h3>
            {g.category === 'custom' && g.items.length === 0 && <div className="empty-note">Write your own node in TypeScript: it runs sandboxed like a built-in.</div>}
            {g.items.map((entry) =>
              g.category === 'custom' && onEditCustomNode ? (
                <div key={entry.type} className="palette-custom-row">
                  <PaletteItem entry={entry} onAdd={onAdd} />
                  <button type="button" className="palette-custom-edit" onClick={() => onEditCustomNode(entry.type)} aria-label={`Edit ${entry.title}`} title="Edit the code" data-testid={`palette-edit-${entry.type}`}>
                    Edit
                  </button>
                </div>
              ) : (
                <PaletteItem key={entry.type} entry={entry} onAdd={onAdd} />
              ),
            )}
          </section>
        ))}
      </div>
      <div className="palette-footer muted">Drag onto the canvas, or press Enter to add (↑↓ to move).</div>
    </aside>
  );
}
