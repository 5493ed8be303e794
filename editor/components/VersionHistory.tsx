import { useState } from 'react';
import { errorMessage, type StrategyVersionSummary } from '../api.ts';
import { fmtAgo, fmtTime } from '../format.ts';
import type { VersionHistoryState } from '../hooks/useVersionHistory.ts';
import { Dialog } from './Dialog.tsx';
import { DiffViewSummary } from './DiffViewSummary.tsx';
import { Icon } from './Icon.tsx';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

interface Props {
  history: VersionHistoryState;
  strategyId: string | null;
  /** The canvas has changes that are not saved: a restore would replace them. */
  dirty: boolean;
  /** Restore a version; resolves once the strategy on the canvas is the restored one. */
  onRestore: (n: number) => Promise<void>;
  onClose: () => void;
}

/**
 * The version history panel, in place of the inspector: every save of the strategy, newest first. Tick
 * two to compare them (the canvas shows the diff), or restore one, which saves it again as the newest.
 */
export function VersionHistory({ history, strategyId, dirty, onRestore, onClose }: Props) {
  const { versions, selected, toggle, clear, comparison } = history;
  const [confirm, setConfirm] = useState<StrategyVersionSummary | null>(null);
  const [restoring, setRestoring] = useState(false);
  const [restoreError, setRestoreError] = useState<string | null>(null);
  const items = versions?.data ?? [];
  const latest = items[0]?.number;

  const restore = async () => {
    if (!confirm) return;
    setRestoring(true);
    setRestoreError(null);
    try {
      await onRestore(confirm.number);
      setConfirm(null);
    } catch (err) {
      setRestoreError(errorMessage(err));
    } finally {
      setRestoring(false);
    }
  };

  return (
    <aside className="inspector version-history" aria-label="Version history" data-testid="version-history">
      <div className="panel-header">
        <span>Version history</span>
        <button type="button" className="icon-button" aria-label="Close version history" title="Close" onClick={onClose} data-testid="history-close">
          <Icon name="cross" size={12} />
        </button>
      </div>
      {strategyId === null || versions === null ? (
        <div className="vh-empty" data-testid="history-empty">
          <p>This strategy is not saved yet.</p>
          <p className="muted">Every save becomes a version here that you can compare with another or restore.</p>
        </div>
      ) : versions.state === 'error' && items.length === 0 ? (
        <div className="vh-empty" role="alert">
          <p className="error-text">Could not load the history: {versions.error}</p>
          <button type="button" className="button small" onClick={() => void history.reload()}>
            Retry
          </button>
        </div>
      ) : versions.state === 'loading' && items.length === 0 ? (
        <div className="vh-empty muted" data-testid="history-loading">
          Loading versions…
        </div>
      ) : (
        <div className="vh-body">
          <div className="vh-hint" aria-live="polite">
            {selected.length === 2 ? (
              <>
                <span>Comparing 2 versions</span>
                <button type="button" className="link-button" onClick={clear} data-testid="compare-clear">
                  Clear
                </button>
              </>
            ) : (
              <span className="muted">{selected.length === 1 ? 'Tick one more version to compare.' : 'Tick two versions to compare them.'}</span>
            )}
            {versions.state === 'error' && <span className="error-text small">Refresh failed: {versions.error}</span>}
          </div>
          <ul className={`vh-list${selected.length === 2 ? ' is-compact' : ''}`} aria-label="Versions" data-testid="version-list">
            {items.map((v) => {
              const isSelected = selected.includes(v.number);
              return (
                <li key={v.number} className={`vh-item${isSelected ? ' is-selected' : ''}`} data-testid={`version-${v.number}`}>
                  <input
                    type="checkbox"
                    className="vh-check"
                    checked={isSelected}
                    onChange={() => toggle(v.number)}
                    aria-label={`Compare version ${v.number}`}
                    data-testid={`version-check-${v.number}`}
                  />
                  <div className="vh-main">
                    <div className="vh-line">
                      <span className="vh-number mono">v{v.number}</span>
                      <time className="vh-time" dateTime={v.createdAt} title={`${fmtTime(v.createdAt)} UTC`}>
                        {fmtAgo(v.createdAt)}
                      </time>
                      {v.number === latest && <span className="vh-tag">Current</span>}
                      {v.restoredFrom !== null && <span className="vh-tag is-restore">from v{v.restoredFrom}</span>}
                    </div>
                    {v.message && (
                      <div className="vh-message" title={v.message}>
                        {v.message}
                      </div>
                    )}
                    <div className="vh-meta">
                      {plural(v.nodeCount, 'node')} · {plural(v.edgeCount, 'wire')}
                    </div>
                  </div>
                  {v.number !== latest && (
                    <button type="button" className="button small ghost vh-restore" onClick={() => setConfirm(v)} data-testid={`version-restore-${v.number}`} aria-label={`Restore version ${v.number}`}>
                      Restore
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
          {comparison.state !== 'idle' && (
            <div className="vh-diff">
              {comparison.state === 'loading' && <div className="muted vh-diff-note">Loading the two versions…</div>}
              {comparison.state === 'error' && (
                <div className="vh-diff-note" role="alert">
                  <span className="error-text">Could not load the versions: {comparison.error}</span>
                  <button type="button" className="button small" onClick={history.retryComparison}>
                    Retry
                  </button>
                </div>
              )}
              {comparison.state === 'ready' && <DiffViewSummary comparison={comparison} onFocusNode={history.focusNode} />}
            </div>
          )}
        </div>
      )}
      {confirm && (
        <Dialog
          title={`Restore version ${confirm.number}`}
          onClose={() => !restoring && setConfirm(null)}
          testId="restore-dialog"
          actions={
            <>
              <button type="button" className="button small primary" onClick={() => void restore()} disabled={restoring} data-testid="restore-confirm">
                {restoring ? 'Restoring…' : `Restore v${confirm.number}`}
              </button>
              <button type="button" className="button small ghost" onClick={() => setConfirm(null)} disabled={restoring} data-autofocus>
                Cancel
              </button>
            </>
          }
        >
          <p>
            This saves the graph of version {confirm.number} ({fmtTime(confirm.createdAt)} UTC) as a new version {latest !== undefined ? `v${latest + 1}` : ''}. The
            versions after it stay in the history.
          </p>
          {dirty && (
            <p className="restore-warning" data-testid="restore-dirty">
              <Icon name="alert" /> Your unsaved changes on the canvas will be discarded.
            </p>
          )}
          {restoreError && (
            <p className="error-text" role="alert">
              Could not restore: {restoreError}
            </p>
          )}
        </Dialog>
      )}
    </aside>
  );
}
