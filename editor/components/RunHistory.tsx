import type { Run } from '../api.ts';
import { fmtAgo, fmtPercent } from '../format.ts';

/** Earlier runs of this strategy, newest first; click one to show its results. */
export function RunHistory({ runs, currentId, onShow, error }: { runs: Run[]; currentId: string | null; onShow: (run: Run) => void; error: string | null }) {
  return (
    <div className="run-history" data-testid="run-history">
      <h3>History</h3>
      {error && <div className="field-error">Could not load runs: {error}</div>}
      {!error && runs.length === 0 && <div className="empty-note">No runs yet.</div>}
      <ul>
        {runs.map((r) => (
          <li key={r.id}>
            <button type="button" className={`history-item${r.id === currentId ? ' is-current' : ''}`} onClick={() => onShow(r)}>
              <span className={`status-dot status-${r.status}`} title={r.status} />
              <span className="history-when">{fmtAgo(r.createdAt)}</span>
              <span className={`mono history-return ${r.metrics ? (r.metrics.totalReturn >= 0 ? 'pos' : 'neg') : 'muted'}`}>
                {r.metrics ? fmtPercent(r.metrics.totalReturn, 1, true) : r.status}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
