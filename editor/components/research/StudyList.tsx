import type { ResearchRun, RobustnessResult } from '../../api.ts';
import { fmtAgo } from '../../format.ts';
import type { Loadable } from '../../hooks/useResearch.ts';
import { statusText } from '../RunProgress.tsx';
import { kindText, trialsText } from './study-text.ts';

export type ResearchPane = { kind: 'new' } | { kind: 'study'; id: string } | { kind: 'gate' };

interface Props {
  studies: Loadable<ResearchRun[]>;
  pane: ResearchPane;
  onPane: (pane: ResearchPane) => void;
  gate: Loadable<RobustnessResult>;
  onRetry: () => void;
}

/** The research sidebar: start a study, the strategy's past studies with live progress, and the promotion gate. */
export function StudyList({ studies, pane, onPane, gate, onRetry }: Props) {
  const items = studies.state === 'ready' ? studies.data : [];
  return (
    <nav className="research-side" aria-label="Studies">
      <div className="research-side-head">
        <button type="button" className={`button small${pane.kind === 'new' ? ' is-active' : ''}`} onClick={() => onPane({ kind: 'new' })} data-testid="new-study">
          + New study
        </button>
        <button
          type="button"
          className={`gate-entry${pane.kind === 'gate' ? ' is-active' : ''}`}
          onClick={() => onPane({ kind: 'gate' })}
          data-testid="gate-entry"
          title="Can this strategy be promoted to paper or live trading?"
        >
          Gate
          {gate.state === 'ready' && <span className={`gate-dot ${gate.data.pass ? 'is-pass' : 'is-fail'}`} aria-label={gate.data.pass ? 'passes' : 'does not pass'} />}
        </button>
      </div>
      <div className="study-list" data-testid="study-list">
        {studies.state === 'loading' && <div className="empty-note">Loading studies…</div>}
        {studies.state === 'error' && (
          <div className="empty-note error-text">
            Could not load the studies: {studies.error}{' '}
            <button type="button" className="link-button" onClick={onRetry}>
              Retry
            </button>
          </div>
        )}
        {studies.state === 'idle' && <div className="empty-note">Save the strategy to run studies on it.</div>}
        {studies.state === 'ready' && items.length === 0 && <div className="empty-note">No studies yet. Start one: a sweep, a walk-forward, a Monte Carlo or a cost study.</div>}
        {items.map((r) => {
          const active = r.status === 'queued' || r.status === 'running';
          const pct = Math.round((r.status === 'succeeded' ? 1 : r.progress) * 100);
          return (
            <button
              key={r.id}
              type="button"
              className={`study-item${pane.kind === 'study' && pane.id === r.id ? ' is-current' : ''}`}
              onClick={() => onPane({ kind: 'study', id: r.id })}
              data-testid="study-item"
              data-kind={r.kind}
              data-status={r.status}
              aria-current={pane.kind === 'study' && pane.id === r.id ? 'true' : undefined}
            >
              <span className="study-item-line">
                <span className="study-kind">{kindText[r.kind]}</span>
                <span className={`status-pill status-${r.status}`}>{statusText[r.status]}</span>
              </span>
              <span className="study-item-line muted small">
                <span>{trialsText(r)}</span>
                <span>{fmtAgo(r.createdAt)}</span>
              </span>
              {active && (
                <span className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label={`${kindText[r.kind]} progress`}>
                  <span className="progress-bar" style={{ width: `${pct}%` }} />
                </span>
              )}
            </button>
          );
        })}
      </div>
    </nav>
  );
}
