import type { RobustnessResult } from '../../api.ts';
import type { Loadable } from '../../hooks/useResearch.ts';
import { Icon } from '../Icon.tsx';

interface Props {
  gate: Loadable<RobustnessResult>;
  onReload: () => void;
  /** Show the walk-forward or Monte Carlo study a verdict was made from. */
  onShowStudy: (id: string) => void;
}

const fmt = (v: number | null) => (v === null ? 'n/a' : Number(v.toFixed(2)).toLocaleString('en-US'));

/**
 * The promotion section: whether the strategy's latest walk-forward and Monte Carlo results pass the
 * robustness gate, check by check with value and threshold. Promotion to paper or live (which must
 * pass it) arrives with deployments; this is where a trader sees what stands in the way.
 */
export function RobustnessGate({ gate, onReload, onShowStudy }: Props) {
  if (gate.state === 'idle' || gate.state === 'loading') return <div className="empty-state">Checking the robustness gate…</div>;
  if (gate.state === 'error')
    return (
      <div className="empty-state error-text">
        Could not evaluate the robustness gate: {gate.error}{' '}
        <button type="button" className="button small" onClick={onReload}>
          Retry
        </button>
      </div>
    );
  const v = gate.data;
  return (
    <div className="gate" data-testid="gate" data-pass={v.pass}>
      <div className={`gate-head ${v.pass ? 'is-pass' : 'is-fail'}`}>
        <span className={`gate-verdict ${v.pass ? 'is-pass' : 'is-fail'}`} data-testid="gate-verdict">
          <Icon name={v.pass ? 'check' : 'cross'} size={13} />
          {v.pass ? 'Passes the robustness gate' : 'Does not pass the robustness gate'}
        </span>
        <span className="muted">
          {v.pass ? 'Eligible for promotion to paper or live trading.' : 'Promotion to paper or live trading stays closed until every check passes.'} Judged on the latest finished{' '}
          {v.walkForwardRunId ? (
            <button type="button" className="link-button" onClick={() => onShowStudy(v.walkForwardRunId!)}>
              walk-forward
            </button>
          ) : (
            'walk-forward'
          )}{' '}
          and{' '}
          {v.monteCarloRunId ? (
            <button type="button" className="link-button" onClick={() => onShowStudy(v.monteCarloRunId!)}>
              Monte Carlo
            </button>
          ) : (
            'Monte Carlo'
          )}{' '}
          studies.
        </span>
        <button type="button" className="button small ghost" onClick={onReload} title="Evaluate again">
          Re-check
        </button>
      </div>
      <div className="table-wrap">
        <table className="trades gate-table" data-testid="gate-checks">
          <thead>
            <tr>
              <th />
              <th>Check</th>
              <th className="num">Value</th>
              <th className="num">Threshold</th>
              <th>Why</th>
            </tr>
          </thead>
          <tbody>
            {v.checks.map((c) => (
              <tr key={c.name} data-testid="gate-check" data-pass={c.pass}>
                <td className={c.pass ? 'pos' : 'neg'} aria-label={c.pass ? 'passed' : 'failed'}>
                  <Icon name={c.pass ? 'check' : 'cross'} size={12} />
                </td>
                <td>{c.name}</td>
                <td className="num mono">{fmt(c.value)}</td>
                <td className="num mono">
                  {c.comparison === '>=' ? '≥' : '≤'} {fmt(c.threshold)}
                </td>
                <td className="muted gate-reason">{c.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="table-note muted">Thresholds are the documented defaults (docs/research.md): a missing study fails its checks, so a strategy never passes by absence.</div>
      </div>
    </div>
  );
}
