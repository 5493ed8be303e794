import type { CostSummary, MonteCarloSummary, SweepSummary, WalkForwardSummary } from '../../../engine/research/summary.ts';
import type { ResearchRun } from '../../api.ts';
import { fmtTime } from '../../format.ts';
import type { ResearchHook } from '../../hooks/useResearch.ts';
import { Icon } from '../Icon.tsx';
import { statusText } from '../RunProgress.tsx';
import { CostView } from './CostView.tsx';
import { MonteCarloView } from './MonteCarloView.tsx';
import { describeConfig, kindText, trialsText } from './study-text.ts';
import { SweepView } from './SweepView.tsx';
import { WalkForwardView } from './WalkForwardView.tsx';

interface Props {
  research: ResearchHook;
  onApply: (params: Record<string, number>, what: string) => void;
  applyBlocked: (params: Record<string, number>) => string | null;
}

/** One study: what it is, how far it got (live), and once it succeeded, its result view. */
export function StudyView({ research, onApply, applyBlocked }: Props) {
  const { detail } = research;
  if (detail.state === 'idle' || detail.state === 'loading') return <div className="empty-state">Loading the study…</div>;
  if (detail.state === 'error') return <div className="empty-state error-text">Could not load the study: {detail.error}</div>;
  const run = detail.data;
  const active = run.status === 'queued' || run.status === 'running';
  const pct = Math.round((run.status === 'succeeded' ? 1 : run.progress) * 100);
  const cancelling = research.cancelling === run.id;
  return (
    <div className="study" data-testid="study" data-kind={run.kind} data-status={run.status}>
      <div className="study-head">
        <span className="study-title">{kindText[run.kind]}</span>
        <span className={`status-pill status-${run.status}`} data-testid="study-status">
          {active && cancelling ? 'Cancelling…' : statusText[run.status]}
        </span>
        <span className="mono small muted study-config" title={describeConfig(run)}>
          {describeConfig(run)}
        </span>
        <span className="tabs-spacer" />
        <span className="mono small muted" data-testid="study-trials">
          {trialsText(run)}
          {run.finishedAt ? ` · ${fmtTime(run.finishedAt)} UTC` : ''}
        </span>
        {active && (
          <button type="button" className="button small ghost danger" onClick={() => void research.cancel(run.id)} disabled={cancelling} data-testid="cancel-study">
            {cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        )}
      </div>
      {research.cancelError && (
        <div className="run-error" role="alert">
          {research.cancelError}
        </div>
      )}
      <div className="study-body">
        <StudyBody run={run} research={research} onApply={onApply} applyBlocked={applyBlocked} active={active} pct={pct} />
      </div>
    </div>
  );
}

function StudyBody({ run, research, onApply, applyBlocked, active, pct }: Props & { run: ResearchRun; active: boolean; pct: number }) {
  if (active)
    return (
      <div className="study-progress" data-testid="study-progress">
        <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label="Study progress">
          <div className="progress-bar" style={{ width: `${pct}%` }} />
        </div>
        <div className="muted">
          {run.status === 'queued' ? 'Queued: waiting for a worker to lay the trials out…' : `${pct} % · ${trialsText(run)} · trials run across every worker on the task queue.`}
        </div>
      </div>
    );
  if (run.status === 'failed' || run.status === 'cancelled') {
    const ended = (
      <div className={`run-ended ${run.status === 'failed' ? 'is-failed' : 'is-cancelled'}`} data-testid="study-ended">
        <div className="run-ended-title">
          <Icon name={run.status === 'failed' ? 'alert' : 'stop'} size={14} />
          {run.status === 'failed' ? 'The study failed' : 'Cancelled'}
        </div>
        <div className="muted mono">{run.trialsTotal > 0 ? `${run.trialsDone} of ${run.trialsTotal} trials were stored` : 'Stopped before any trial ran'}</div>
        <div className={run.status === 'failed' ? 'run-error' : 'run-note'}>{run.error ?? (run.status === 'failed' ? 'No reason was given.' : 'Cancelled on request; trials already run stay stored.')}</div>
      </div>
    );
    // A cancelled sweep keeps a summary of the trials it stored: its best so far and heatmap, under the notice.
    if (run.summary?.kind !== 'sweep') return ended;
    return (
      <>
        {ended}
        <SweepView key={run.id} summary={run.summary as unknown as SweepSummary} trials={research.trials} onApply={onApply} applyBlocked={applyBlocked} partial />
      </>
    );
  }
  const summary = run.summary;
  if (!summary) return <div className="empty-state">Loading the result…</div>;
  switch (summary.kind) {
    case 'sweep':
      return <SweepView key={run.id} summary={summary as SweepSummary} trials={research.trials} onApply={onApply} applyBlocked={applyBlocked} />;
    case 'walkForward':
      return <WalkForwardView summary={summary as WalkForwardSummary} />;
    case 'monteCarlo':
      return <MonteCarloView summary={summary as MonteCarloSummary} />;
    case 'costSensitivity':
      return <CostView summary={summary as CostSummary} />;
  }
}
