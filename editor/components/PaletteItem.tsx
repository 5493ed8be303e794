import type { DragEvent, KeyboardEvent } from 'react';
import type { CatalogEntry } from '../../nodes/registry.ts';
import { categoryColors } from '../catalog-context.ts';
import { nodeDragType } from '../dnd.ts';

/** One draggable node type. Click or Enter adds it at the centre of the canvas, for keyboard users. */
export function PaletteItem({ entry, onAdd }: { entry: CatalogEntry; onAdd: (entry: CatalogEntry) => void }) {
  const onDragStart = (event: DragEvent) => {
    event.dataTransfer.setData(nodeDragType, entry.type);
    event.dataTransfer.setData('text/plain', entry.title);
    event.dataTransfer.effectAllowed = 'copy';
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onAdd(entry);
    }
  };
  return (
    <div
      className="palette-item"
      role="button"
      tabIndex={0}
      draggable
      onDragStart={onDragStart}
      onClick={() => onAdd(entry)}
      onKeyDown={onKeyDown}
      title={`${entry.title} (${entry.type}): ${entry.description}`}
      data-testid={`palette-${entry.type}`}
      style={{ ['--cat' as string]: categoryColors[entry.category] ?? '#90a4ae' }}
    >
      <div className="palette-item-title">{entry.title}</div>
      <div className="palette-item-desc">{entry.description}</div>
    </div>
  );
}
