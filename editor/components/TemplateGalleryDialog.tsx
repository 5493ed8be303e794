import { useRef, useState, type KeyboardEvent } from 'react';
import type { TemplateSummary } from '../api.ts';
import type { Loadable } from '../hooks/useLoad.ts';
import { Dialog } from './Dialog.tsx';
import { TemplateTags } from './TemplateCard.tsx';

interface Props {
  templates: Loadable<TemplateSummary[]>;
  /** The template to show first; the first one when unset. */
  initial?: string;
  onUse: (template: TemplateSummary) => void;
  onRetry: () => void;
  onClose: () => void;
}

/** A description written as "The idea: … Rules: … Watch out: …", cut into its labelled parts. */
export function descriptionParts(description: string): { label?: string; text: string }[] {
  return description
    .split(/\s(?=(?:Rules|Watch out): )/)
    .map((part) => {
      const m = /^(The idea|Rules|Watch out): ([\s\S]*)$/.exec(part);
      return m ? { label: `${m[1]}: `, text: m[2]! } : { text: part };
    });
}

/**
 * "New from template…": the templates as a list (arrow keys move, Enter uses) beside the chosen one's
 * full description, author and version.
 */
export function TemplateGalleryDialog({ templates, initial, onUse, onRetry, onClose }: Props) {
  const items = templates.data ?? [];
  const [selectedId, setSelectedId] = useState(initial);
  const selected = items.find((t) => t.id === selectedId) ?? items[0];
  const list = useRef<HTMLDivElement>(null);

  const select = (index: number) => {
    const t = items[(index + items.length) % items.length];
    if (!t) return;
    setSelectedId(t.id);
    list.current?.querySelector<HTMLElement>(`[data-id="${t.id}"]`)?.focus();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const at = selected ? items.indexOf(selected) : 0;
    const moves: Record<string, number> = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: items.length - 1 };
    if (e.key in moves) {
      e.preventDefault();
      select(moves[e.key]!);
    } else if (e.key === 'Enter' && selected) {
      e.preventDefault();
      onUse(selected);
    }
  };

  return (
    <Dialog
      title="New strategy from a template"
      onClose={onClose}
      testId="template-dialog"
      wide
      actions={
        <>
          <button type="button" className="button small primary" onClick={() => selected && onUse(selected)} disabled={!selected} data-autofocus data-testid="template-use">
            {selected ? `Use “${selected.name}”` : 'Use template'}
          </button>
          <button type="button" className="button small ghost" onClick={onClose}>
            Cancel
          </button>
        </>
      }
    >
      {items.length === 0 ? (
        <div className="tpl-dialog-note">
          {templates.state === 'error' ? (
            <>
              <span className="error-text">Could not load the templates: {templates.error}</span>
              <button type="button" className="button small" onClick={onRetry}>
                Retry
              </button>
            </>
          ) : (
            <span className="muted">Loading templates…</span>
          )}
        </div>
      ) : (
        <div className="tpl-dialog">
          <div className="tpl-list" role="listbox" aria-label="Templates" ref={list} onKeyDown={onKeyDown}>
            {items.map((t) => {
              const isSelected = t.id === selected?.id;
              return (
                <div
                  key={t.id}
                  role="option"
                  aria-selected={isSelected}
                  tabIndex={isSelected ? 0 : -1}
                  className={`tpl-option${isSelected ? ' is-selected' : ''}`}
                  data-id={t.id}
                  data-testid={`template-option-${t.id}`}
                  onClick={() => setSelectedId(t.id)}
                  onDoubleClick={() => onUse(t)}
                >
                  <span className="tpl-option-name">{t.name}</span>
                  <span className="tpl-option-summary">{t.summary}</span>
                </div>
              );
            })}
          </div>
          {selected && (
            <div className="tpl-details" aria-live="polite" data-testid="template-details">
              <h3>{selected.name}</h3>
              <div className="tpl-details-meta">
                by {selected.author} · version {selected.version} · {selected.nodeCount} nodes
              </div>
              <TemplateTags tags={selected.tags} />
              <p className="tpl-details-summary">{selected.summary}</p>
              <div className="tpl-details-description">
                {descriptionParts(selected.description).map((part, i) => (
                  <p key={i}>
                    {part.label && <b>{part.label}</b>}
                    {part.text}
                  </p>
                ))}
              </div>
              <p className="tpl-details-note">Runs out of the box on the built-in synthetic data; a copy is saved as a new strategy you can edit freely.</p>
            </div>
          )}
        </div>
      )}
    </Dialog>
  );
}
