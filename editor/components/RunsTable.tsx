import type { Dataset, Run } from '../api.ts';
import { describeRunData } from '../data-source.ts';
import { fmtAgo, fmtInt, fmtMoney, fmtPercent, fmtTime, toMillis } from '../format.ts';
import { statusText } from './RunProgress.tsx';

interface Props {
  runs: readonly Run[];
  currentId: string | null;
  onShow: (run: Run) => void;
  error: string | null;
  datasets: readonly Dataset[];
  /** Runs ticked for comparison; with `onToggle`, a checkbox column lets finished runs be ticked. */
  selected?: readonly string[];
  onToggle?: (run: Run) => void;
}

/** 15,000,000 → "15M": a cancelled run's "2.5M / 15M" must fit its column. */
const compact = (n: number) => (n >= 1e6 ? n.toLocaleString('en-US', { notation: 'compact', maximumFractionDigits: 2 }) : fmtInt(n));

function duration(run: Run): string {
  if (!run.startedAt || !run.finishedAt) return '—';
  const s = (toMillis(run.finishedAt) - toMillis(run.startedAt)) / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/**
 * Every run of this strategy, newest first, with enough columns to compare them at a glance. Clicking
 * a row shows that run: its results, or why it failed or was cancelled.
 */
export function RunsTable({ runs, currentId, onShow, error, datasets, selected = [], onToggle }: Props) {
  if (error) return <div className="empty-state error-text">Could not load the runs: {error}</div>;
  if (runs.length === 0) return <div className="empty-state">No runs yet. Each backtest you run is listed here.</div>;
  return (
    <div className="table-wrap">
      <table className="trades runs" data-testid="run-history">
        <thead>
          <tr>
            {onToggle && (
              <th className="runs-pick">
                <span className="visually-hidden">Compare</span>
              </th>
            )}
            <th>Status</th>
            <th>Started (UTC)</th>
            <th>Data</th>
            <th className="num">Bars</th>
            <th className="num">Return</th>
            <th className="num">Max DD</th>
            <th className="num">Trades</th>
            <th className="num">Final equity</th>
            <th className="num">Took</th>
            <th>Note</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => {
            const m = r.metrics;
            return (
              <tr
                key={r.id}
                className={`clickable${r.id === currentId ? ' is-current' : ''}`}
                onClick={() => onShow(r)}
                onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), onShow(r))}
                tabIndex={0}
                aria-selected={r.id === currentId}
                data-testid="history-item"
                data-status={r.status}
                data-run-id={r.id}
              >
                {onToggle && (
                  <td className="runs-pick" onClick={(e) => e.stopPropagation()} onKeyDown={(e) => e.stopPropagation()}>
                    <input
                      type="checkbox"
                      checked={selected.includes(r.id)}
                      disabled={r.status !== 'succeeded'}
                      onChange={() => onToggle(r)}
                      aria-label={`Compare the run of ${fmtTime(r.createdAt)}`}
                      title={r.status === 'succeeded' ? 'Tick two runs to compare them' : 'Only finished runs can be compared'}
                      data-testid="compare-pick"
                    />
                  </td>
                )}
                <td>
                  <span className={`status-pill status-${r.status}`}>{statusText[r.status]}</span>
                </td>
                <td className="mono" title={fmtAgo(r.createdAt)}>
                  {fmtTime(r.createdAt)}
                </td>
                <td className="runs-data">{describeRunData(r.data, datasets)}</td>
                <td className="num mono">{r.barsTotal > 0 ? (r.status === 'succeeded' ? fmtInt(r.barsTotal) : `${compact(r.barsDone)} / ${compact(r.barsTotal)}`) : '—'}</td>
                <td className={`num mono ${m ? (m.totalReturn >= 0 ? 'pos' : 'neg') : 'muted'}`}>{m ? fmtPercent(m.totalReturn, 2, true) : '—'}</td>
                <td className="num mono">{m ? fmtPercent(m.maxDrawdown === 0 ? 0 : -m.maxDrawdown, 2) : '—'}</td>
                <td className="num mono">{m ? fmtInt(m.trades) : '—'}</td>
                <td className="num mono">{m ? fmtMoney(m.finalEquity, 0) : '—'}</td>
                <td className="num mono muted">{duration(r)}</td>
                <td className="runs-note" title={r.error ?? undefined}>
                  {r.error ?? ''}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
