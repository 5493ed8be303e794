import { useEffect, useRef, useState } from 'react';
import type { StrategySummary } from '../api.ts';
import { fmtAgo } from '../format.ts';
import type { Loadable } from '../hooks/useLoad.ts';
import { Icon } from './Icon.tsx';

interface Props {
  strategies: Loadable<StrategySummary[]>;
  currentId: string | null;
  onOpen: (id: string) => void;
  onNew: () => void;
  onNewFromTemplate: () => void;
  /** Open the strategies dialog: search, rename, duplicate, import and export. */
  onManage: () => void;
  /** Open the custom node editor on a new node (Monaco, sandboxed test run). */
  onNewCustomNode?: () => void;
  onDelete: (id: string) => void;
}

/** The strategy picker: a popover listing saved strategies, newest first, with New from template and Delete. */
export function StrategyMenu({ strategies, currentId, onOpen, onNew, onNewFromTemplate, onManage, onNewCustomNode, onDelete }: Props) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const items = [...(strategies.data ?? [])].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  return (
    <div className="strategy-menu" ref={root}>
      <button type="button" className="button small" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen((o) => !o)} data-testid="strategy-menu">
        Strategies <span aria-hidden>▾</span>
      </button>
      <button
        type="button"
        className="button small"
        onClick={() => {
          setOpen(false);
          onNew();
        }}
        data-testid="new-strategy"
        title="Start a new, empty strategy"
      >
        New
      </button>
      {open && (
        <div className="menu" role="menu">
          <div className="menu-item" role="menuitem">
            <button
              type="button"
              className="menu-item-main"
              onClick={() => {
                setOpen(false);
                onNewFromTemplate();
              }}
              data-testid="new-from-template"
            >
              <span className="menu-item-name">New from template…</span>
              <span className="muted small">Start from a ready strategy that runs on synthetic data</span>
            </button>
          </div>
          <div className="menu-item" role="menuitem">
            <button
              type="button"
              className="menu-item-main"
              onClick={() => {
                setOpen(false);
                onManage();
              }}
              data-testid="manage-strategies"
            >
              <span className="menu-item-name">Manage strategies…</span>
              <span className="muted small">Search, rename, duplicate, delete, import and export</span>
            </button>
          </div>
          {onNewCustomNode && (
            <div className="menu-item" role="menuitem">
              <button
                type="button"
                className="menu-item-main"
                onClick={() => {
                  setOpen(false);
                  onNewCustomNode();
                }}
                data-testid="new-custom-node"
              >
                <span className="menu-item-name">New custom node…</span>
                <span className="muted small">Write a node in TypeScript; it runs sandboxed in every mode</span>
              </button>
            </div>
          )}
          <div className="menu-sep" role="separator" />
          {strategies.state === 'loading' && <div className="menu-note">Loading…</div>}
          {strategies.state === 'error' && <div className="menu-note error-text">Could not load strategies: {strategies.error}</div>}
          {strategies.state === 'ready' && items.length === 0 && <div className="menu-note">No saved strategies yet.</div>}
          {items.map((s) => (
            <div key={s.id} className={`menu-item${s.id === currentId ? ' is-current' : ''}`} role="menuitem">
              <button
                type="button"
                className="menu-item-main"
                onClick={() => {
                  setOpen(false);
                  onOpen(s.id);
                }}
              >
                <span className="menu-item-name">{s.name}</span>
                <span className="muted small">updated {fmtAgo(s.updatedAt)}</span>
              </button>
              <button type="button" className="icon-button danger" aria-label={`Delete ${s.name}`} title="Delete strategy" onClick={() => onDelete(s.id)}>
                <Icon name="trash" />
              </button>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
