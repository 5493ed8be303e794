import type { TemplateSummary } from '../api.ts';
import { EmptyCanvasHint } from './EmptyCanvasHint.tsx';
import type { Loadable } from '../hooks/useLoad.ts';
import { Icon } from './Icon.tsx';
import { TemplateCard } from './TemplateCard.tsx';

interface Props {
  templates: Loadable<TemplateSummary[]>;
  /** Id of the template being created, if any. */
  creating: string | null;
  onUse: (template: TemplateSummary) => void;
  onDetails: (id: string) => void;
  onRetry: () => void;
  onDismiss: () => void;
}

/**
 * First start: ready strategies docked along the bottom of the empty canvas, with the hint to build one
 * from scratch in the space above. Only the gallery takes the pointer: the canvas above it stays a drop
 * target, so a node can still be dragged straight in.
 */
export function TemplateWelcome({ templates, creating, onUse, onDetails, onRetry, onDismiss }: Props) {
  const items = templates.data ?? [];
  return (
    <div className="tpl-welcome-layer">
      <div className="tpl-welcome-hint">
        <EmptyCanvasHint />
      </div>
      <section className="tpl-welcome nokey" aria-labelledby="tpl-welcome-title" data-testid="template-gallery">
      <div className="tpl-welcome-head">
        <h2 id="tpl-welcome-title">Start from a ready strategy</h2>
        <span className="muted">
          {items.length > 0 ? `${items.length} templates · each runs on the built-in synthetic data` : 'Templates run on the built-in synthetic data'}
        </span>
        <span className="tpl-welcome-spacer" />
        <button type="button" className="icon-button" onClick={onDismiss} aria-label="Hide templates" title="Hide templates (reopen them from Strategies ▾)" data-testid="template-gallery-dismiss">
          <Icon name="cross" />
        </button>
      </div>
      {templates.state === 'error' && items.length === 0 ? (
        <div className="tpl-welcome-note">
          <span className="error-text">Could not load the templates: {templates.error}</span>
          <button type="button" className="button small" onClick={onRetry}>
            Retry
          </button>
        </div>
      ) : items.length === 0 ? (
        <div className="tpl-welcome-note muted">Loading templates…</div>
      ) : (
        <div className="tpl-grid">
          {items.map((t) => (
            <TemplateCard key={t.id} template={t} busy={creating === t.id} disabled={creating !== null} onUse={() => onUse(t)} onDetails={() => onDetails(t.id)} />
          ))}
        </div>
      )}
      </section>
    </div>
  );
}
