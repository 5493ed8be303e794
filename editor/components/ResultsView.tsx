import type { ReactNode } from 'react';
import type { BacktestResult } from '../../engine/backtest.ts';
import type { Run } from '../api.ts';
import { fmtInt, fmtTime } from '../format.ts';
import { EquityChart } from './EquityChart.tsx';
import { Icon } from './Icon.tsx';
import { MetricsCards } from './MetricsCards.tsx';
import { ExportsBar } from './results/ExportsBar.tsx';

interface Props {
  run: Run | null;
  result: BacktestResult | null;
  resultError: string | null;
  initialCash: number;
}

/**
 * What a results tab shows until the run being shown has a result: a hint to run, progress, how it
 * ended, or a load error; null once the result is there. Every results tab shares these states.
 */
export function resultPending(run: Run | null, result: BacktestResult | null, resultError: string | null, what = 'metrics, charts and trades'): ReactNode {
  if (!run) return <div className="empty-state">Run a backtest to see its {what} here.</div>;
  if (run.status === 'queued' || run.status === 'running') return <div className="empty-state">The backtest is running; results appear here when it finishes.</div>;
  if (run.status === 'failed' || run.status === 'cancelled') return <RunEnded run={run} />;
  if (resultError) return <div className="empty-state error-text">Could not load the result: {resultError}</div>;
  if (!result) return <div className="empty-state">Loading the result…</div>;
  return null;
}

/** Headline metrics beside the equity curve and its drawdown, for the run being shown. */
export function ResultsView({ run, result, resultError, initialCash }: Props) {
  const pending = resultPending(run, result, resultError, 'metrics, equity curve and trades');
  if (pending || !result) return pending;
  return (
    <div className="results" data-testid="results">
      <MetricsCards metrics={result.metrics} openTrades={result.trades.filter((t) => t.open).length} />
      <div className="chart-area">
        <div className="chart-caption">
          <span>
            Equity <span className="muted">and drawdown</span>
          </span>
          <span className="muted mono" data-testid="result-range">
            {fmtTime(result.startTime)} → {fmtTime(result.endTime)} UTC · {fmtInt(result.bars)} bars · warm-up {fmtInt(result.warmup)}
          </span>
        </div>
        {run && <ExportsBar runId={run.id} events={result.events ?? []} truncated={result.eventsTruncated ?? []} />}
        <EquityChart equity={result.equity} initialCash={result.equity[0]?.value ?? initialCash} />
      </div>
    </div>
  );
}

/** A run that stopped without a result: how far it got, and the server's reason in full. */
function RunEnded({ run }: { run: Run }) {
  const failed = run.status === 'failed';
  return (
    <div className={`run-ended ${failed ? 'is-failed' : 'is-cancelled'}`} data-testid="run-ended" data-status={run.status}>
      <div className="run-ended-title">
        <Icon name={failed ? 'alert' : 'stop'} size={14} />
        {failed ? 'The run failed' : 'Cancelled'}
      </div>
      <div className="muted mono">
        {run.barsTotal > 0 ? `Stopped after ${fmtInt(run.barsDone)} of ${fmtInt(run.barsTotal)} bars` : 'Stopped before any bar ran'}
        {run.finishedAt ? ` · ${fmtTime(run.finishedAt)} UTC` : ''}
      </div>
      <div className={failed ? 'run-error' : 'run-note'} role={failed ? 'alert' : undefined} data-testid="run-error">
        {run.error ?? (failed ? 'No reason was given.' : 'Cancelled on request; no result was kept.')}
      </div>
    </div>
  );
}
