import type { Run } from '../api.ts';
import { fmtInt } from '../format.ts';

export const statusText: Record<Run['status'], string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Finished',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** Status, progress bar with bars done / total, and Cancel for the run being shown. */
export function RunProgress({ run, cancelling, onCancel }: { run: Run; cancelling: boolean; onCancel: () => void }) {
  const active = run.status === 'queued' || run.status === 'running';
  const pct = Math.round(Math.min(1, Math.max(0, run.status === 'succeeded' ? 1 : run.progress)) * 100);
  return (
    <div className={`run-progress status-${run.status}`} data-testid="run-progress" data-status={run.status} data-run-id={run.id}>
      <div className="run-progress-head">
        <span className={`status-pill status-${run.status}`} data-testid="run-status">
          {active && cancelling ? 'Cancelling…' : statusText[run.status]}
        </span>
        <span className="mono small muted">{pct} %</span>
        {active && (
          <button type="button" className="button small ghost danger" onClick={onCancel} disabled={cancelling} data-testid="cancel-run">
            {cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        )}
      </div>
      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label="Backtest progress">
        <div className="progress-bar" style={{ width: `${pct}%` }} />
      </div>
      <div className="mono small muted" data-testid="run-bars">
        {run.barsTotal > 0 ? `${fmtInt(run.barsDone)} / ${fmtInt(run.barsTotal)} bars` : active ? 'waiting for a worker…' : '\u00a0'}
      </div>
    </div>
  );
}
