import { useMemo, useState } from 'react';
import type { CatalogEntry } from '../../nodes/registry.ts';
import { categoryColors, categoryOrder, categoryTitles, useCatalogInfo } from '../catalog-context.ts';
import { PaletteItem } from './PaletteItem.tsx';

/** Node types grouped by category, filtered by a search over title, description and type. */
export function Palette({ onAdd }: { onAdd: (entry: CatalogEntry) => void }) {
  const { catalog } = useCatalogInfo();
  const [query, setQuery] = useState('');

  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    const matches = catalog.nodes.filter((n) => !q || `${n.title}\n${n.description}\n${n.type}`.toLowerCase().includes(q));
    const cats = [...new Set([...categoryOrder, ...matches.map((n) => n.category)])];
    return cats.map((c) => ({ category: c, items: matches.filter((n) => n.category === c) })).filter((g) => g.items.length > 0);
  }, [catalog.nodes, query]);

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
          data-testid="palette-search"
        />
      </div>
      <div className="palette-list">
        {groups.length === 0 && <div className="empty-note">No node matches “{query}”.</div>}
        {groups.map((g) => (
          <section key={g.category} className="palette-group">
            <h3 style={{ ['--cat' as string]: categoryColors[g.category] ?? '#90a4ae' }}>{categoryTitles[g.category] ?? g.category}</h3>
            {g.items.map((entry) => (
              <PaletteItem key={entry.type} entry={entry} onAdd={onAdd} />
            ))}
          </section>
        ))}
      </div>
      <div className="palette-footer muted">Drag onto the canvas, or press Enter to add.</div>
    </aside>
  );
}
