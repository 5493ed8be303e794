import type { TemplateSummary } from '../api.ts';

/** A template's tags as small chips; past `max`, the rest are counted. */
export function TemplateTags({ tags, max = tags.length }: { tags: readonly string[]; max?: number }) {
  const shown = tags.slice(0, max);
  const more = tags.length - shown.length;
  return (
    <ul className="tpl-tags" aria-label="Tags">
      {shown.map((t) => (
        <li key={t} className="tpl-tag">
          {t}
        </li>
      ))}
      {more > 0 && (
        <li className="tpl-tag is-more" title={tags.slice(max).join(', ')}>
          +{more}
        </li>
      )}
    </ul>
  );
}

interface Props {
  template: TemplateSummary;
  /** This card's template is being created. */
  busy: boolean;
  /** Another template is being created: wait for it. */
  disabled: boolean;
  onUse: () => void;
  onDetails: () => void;
}

/** One gallery card: name (opens the details), summary, tags, author and version, and Use template. */
export function TemplateCard({ template, busy, disabled, onUse, onDetails }: Props) {
  const nameId = `tpl-name-${template.id}`;
  return (
    <article className="tpl-card" aria-labelledby={nameId} data-testid={`template-card-${template.id}`}>
      <div className="tpl-card-head">
        <button type="button" className="tpl-card-name" id={nameId} onClick={onDetails} title={`About “${template.name}”`}>
          {template.name}
        </button>
        <span className="tpl-version" title={`Version ${template.version}`}>
          v{template.version}
        </span>
      </div>
      <p className="tpl-card-summary" title={template.summary}>
        {template.summary}
      </p>
      <TemplateTags tags={template.tags} />
      <div className="tpl-card-foot">
        <span className="tpl-author" title={`By ${template.author} · ${template.nodeCount} nodes`}>
          {template.author}
        </span>
        <button
          type="button"
          className="button small primary"
          onClick={onUse}
          disabled={disabled || busy}
          aria-label={`Use template ${template.name}`}
          data-testid={`use-template-${template.id}`}
        >
          {busy ? 'Creating…' : 'Use template'}
        </button>
      </div>
    </article>
  );
}
