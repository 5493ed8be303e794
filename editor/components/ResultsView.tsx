import type { BacktestResult } from '../../engine/backtest.ts';
import type { Run } from '../api.ts';
import { fmtInt, fmtTime } from '../format.ts';
import { EquityChart } from './EquityChart.tsx';
import { MetricsCards } from './MetricsCards.tsx';

interface Props {
  run: Run | null;
  result: BacktestResult | null;
  resultError: string | null;
  initialCash: number;
}

/** Metrics and the equity curve of the run being shown, or what to do to get some. */
export function ResultsView({ run, result, resultError, initialCash }: Props) {
  if (!run) return <div className="empty-state">Run a backtest to see its metrics, equity curve and trades here.</div>;
  if (run.status === 'queued' || run.status === 'running') return <div className="empty-state">The backtest is running; results appear here when it finishes.</div>;
  if (run.status === 'failed') return <div className="empty-state error-text">The run failed: {run.error ?? 'no reason given'}</div>;
  if (run.status === 'cancelled') return <div className="empty-state">The run was cancelled{run.error ? `: ${run.error}` : '.'}</div>;
  if (resultError) return <div className="empty-state error-text">Could not load the result: {resultError}</div>;
  if (!result) return <div className="empty-state">Loading the result…</div>;
  return (
    <div className="results" data-testid="results">
      <MetricsCards metrics={result.metrics} />
      <div className="chart-area">
        <div className="chart-caption">
          <span>Equity</span>
          <span className="muted mono">
            {fmtTime(result.startTime)} → {fmtTime(result.endTime)} · {fmtInt(result.bars)} bars · warm-up {fmtInt(result.warmup)}
          </span>
        </div>
        <EquityChart equity={result.equity} initialCash={result.equity[0]?.value ?? initialCash} />
      </div>
    </div>
  );
}
