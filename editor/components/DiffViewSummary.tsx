import { useCatalogInfo } from '../catalog-context.ts';
import type { Comparison } from '../hooks/useVersionHistory.ts';
import { annotationStatus, diffCounts, formatValue, isEmptyDiff, type AnnotationChange, type NodeDiff, type ValueChange } from '../strategy-diff.ts';

interface Props {
  comparison: Comparison;
  onFocusNode: (id: string) => void;
}

type GraphNodeInput = NonNullable<NodeDiff['before']>;

/** One `key: before → after` line; an added key has no "before", a removed one no "after". */
function ChangeRow({ change, label }: { change: ValueChange; label?: string }) {
  return (
    <li className={`diff-change is-${change.kind}`} data-testid={`diff-change-${change.key}`}>
      <span className="diff-change-key">{label ?? change.key}</span>
      {change.kind !== 'added' && <span className="diff-before mono">{formatValue(change.before)}</span>}
      {change.kind === 'changed' && <span className="diff-arrow" aria-label="changed to">→</span>}
      {change.kind !== 'removed' && <span className="diff-after mono">{formatValue(change.after)}</span>}
      {change.kind !== 'changed' && <span className="muted small">({change.kind})</span>}
    </li>
  );
}

/** A note's text as a one-line title: its first line, cut short. */
function noteTitle(text: string | undefined): string {
  const line = (text ?? '').split('\n').find((l) => l.trim())?.trim() ?? '';
  if (!line) return 'Empty note';
  return line.length > 48 ? `${line.slice(0, 47)}…` : line;
}

/** What changed about a note or group, in words: `text, position` → "text edited, moved". */
const fieldWords: Record<string, string> = { text: 'text edited', position: 'moved', size: 'resized', label: 'renamed', nodes: 'members changed' };

/**
 * The diff as a list beside the canvas: nodes (each focusable on the canvas, with its changed params),
 * wires, settings, and notes and groups. Nothing here is editable; restoring is done from the version list.
 */
export function DiffViewSummary({ comparison, onFocusNode }: Props) {
  const { entry, settingsSchema } = useCatalogInfo();
  const { before, after, diff } = comparison;
  const counts = diffCounts(diff);
  const oldById = new Map(before.graph.nodes.map((n) => [n.id, n]));
  const newById = new Map(after.graph.nodes.map((n) => [n.id, n]));
  const titleOf = (n: GraphNodeInput | undefined, id: string) => (n ? n.label || entry(n.type)?.title || n.type : id);
  const nodeTitle = (id: string) => titleOf(newById.get(id) ?? oldById.get(id), id);
  const oldNotes = new Map([...(before.graph.annotations?.comments ?? []).map((c) => [c.id, noteTitle(c.text)] as const), ...(before.graph.annotations?.groups ?? []).map((g) => [g.id, g.label || 'Group'] as const)]);
  const newNotes = new Map([...(after.graph.annotations?.comments ?? []).map((c) => [c.id, noteTitle(c.text)] as const), ...(after.graph.annotations?.groups ?? []).map((g) => [g.id, g.label || 'Group'] as const)]);
  const annotationRows = [
    ...(diff.annotations?.groups ?? []).map((change) => ({ change, what: 'Group' })),
    ...(diff.annotations?.comments ?? []).map((change) => ({ change, what: 'Note' })),
  ];
  const settingTitle = (key: string) => {
    const props = (settingsSchema as { properties?: Record<string, { title?: string }> }).properties;
    return props?.[key]?.title ?? key;
  };

  return (
    <div className="diff-summary" data-testid="diff-summary" aria-label={`Changes from version ${before.number} to ${after.number}`}>
      <div className="diff-summary-head">
        <span>
          v{before.number} → v{after.number}
        </span>
        <span className="diff-chip is-added">+{counts.added}</span>
        <span className="diff-chip is-changed">~{counts.changed}</span>
        <span className="diff-chip is-removed">−{counts.removed}</span>
      </div>
      {before.name !== after.name && (
        <p className="diff-note">
          Renamed from “{before.name}” to “{after.name}”.
        </p>
      )}
      {isEmptyDiff(diff) && (
        <p className="diff-note" data-testid="diff-empty">
          The two versions make the same strategy{counts.moved > 0 ? `; ${counts.moved} node${counts.moved > 1 ? 's were' : ' was'} only moved` : ''}.
        </p>
      )}
      {diff.nodes.length > 0 && (
        <section>
          <h3>Nodes</h3>
          <ul className="diff-list">
            {diff.nodes.map((n) => (
              <li key={n.id} className={`diff-item is-${n.status}`} data-testid={`diff-node-${n.id}`} data-status={n.status}>
                <button type="button" className="diff-item-head" onClick={() => onFocusNode(n.id)} title="Show on the canvas">
                  <span className="diff-dot" aria-hidden />
                  <span className="diff-item-title">{titleOf(n.after ?? n.before, n.id)}</span>
                  <span className="diff-item-status">{n.status}</span>
                </button>
                {n.status === 'changed' && (
                  <ul className="diff-changes">
                    {n.type && <ChangeRow change={{ key: 'type', kind: 'changed', before: n.type.before, after: n.type.after }} label="node type" />}
                    {n.label && <ChangeRow change={{ key: 'label', kind: 'changed', before: n.label.before ?? '(none)', after: n.label.after ?? '(none)' }} label="title" />}
                    {n.version && <ChangeRow change={{ key: 'version', kind: 'changed', before: n.version.before, after: n.version.after }} label="definition version" />}
                    {n.params.map((c) => (
                      <ChangeRow key={c.key} change={c} />
                    ))}
                    {n.fields?.map((c) => (
                      <ChangeRow key={`field-${c.key}`} change={c} />
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      {(diff.edges.added.length > 0 || diff.edges.removed.length > 0) && (
        <section>
          <h3>Wires</h3>
          <ul className="diff-list">
            {[...diff.edges.added.map((e) => ({ e, status: 'added' as const })), ...diff.edges.removed.map((e) => ({ e, status: 'removed' as const }))].map(({ e, status }) => (
              <li key={`${status}:${e.id}`} className={`diff-wire is-${status}`} data-testid="diff-wire" data-status={status}>
                <span className="diff-sign" aria-label={status}>
                  {status === 'added' ? '+' : '−'}
                </span>
                <span className="diff-wire-text">
                  {nodeTitle(e.source.node)}.<span className="mono">{e.source.port}</span> → {nodeTitle(e.target.node)}.<span className="mono">{e.target.port}</span>
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {annotationRows.length > 0 && (
        <section>
          <h3>Notes and groups</h3>
          <ul className="diff-list">
            {annotationRows.map(({ change, what }) => (
              <AnnotationRow key={change.id} change={change} what={what} before={oldNotes.get(change.id)} after={newNotes.get(change.id)} onFocus={onFocusNode} />
            ))}
          </ul>
        </section>
      )}
      {diff.settings.length > 0 && (
        <section>
          <h3>Backtest settings</h3>
          <ul className="diff-changes">
            {diff.settings.map((c) => (
              <ChangeRow key={c.key} change={c} label={settingTitle(c.key)} />
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

/** One note or group that differs: its title (the note's first line, the group's name) and what changed. */
function AnnotationRow({ change, what, before, after, onFocus }: { change: AnnotationChange; what: string; before?: string; after?: string; onFocus: (id: string) => void }) {
  const status = annotationStatus(change);
  const renamed = what === 'Group' && change.fields?.includes('label');
  const detail = (change.fields ?? []).map((f) => fieldWords[f] ?? f).join(', ');
  return (
    <li className={`diff-item is-${status === 'moved' ? 'same' : status}`} data-testid={`diff-annotation-${change.id}`} data-status={status}>
      <button type="button" className="diff-item-head" onClick={() => onFocus(change.id)} title="Show on the canvas">
        <span className="diff-dot" aria-hidden />
        <span className="diff-item-title">
          <span className="muted">{what}</span> “{after ?? before}”
        </span>
        <span className="diff-item-status">{status}</span>
      </button>
      {change.kind === 'changed' && (
        <ul className="diff-changes">
          {renamed ? <ChangeRow change={{ key: 'label', kind: 'changed', before, after }} label="name" /> : null}
          {detail && <li className="diff-change muted small">{detail}</li>}
        </ul>
      )}
    </li>
  );
}
