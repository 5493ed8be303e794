import type { Deployment } from '../../api.ts';
import { fmtAgo, fmtMoney } from '../../format.ts';
import type { Loadable } from '../../hooks/useResearch.ts';
import { deploymentState, failureReason, modeText } from './deployment-view.ts';

interface Props {
  list: Loadable<Deployment[]>;
  selectedId: string | null;
  promoting: boolean;
  onSelect: (id: string) => void;
  onPromote: () => void;
  onRetry: () => void;
}

/** The deployments sidebar: promote, then each deployment with its mode, state, equity and PnL. */
export function DeploymentList({ list, selectedId, promoting, onSelect, onPromote, onRetry }: Props) {
  const items = list.state === 'ready' ? list.data : [];
  return (
    <nav className="research-side" aria-label="Deployments">
      <div className="research-side-head">
        <button type="button" className={`button small${promoting ? ' is-active' : ''}`} onClick={onPromote} data-testid="promote-open">
          Promote…
        </button>
      </div>
      <div className="study-list" data-testid="deployment-list">
        {list.state === 'loading' && <div className="empty-note">Loading deployments…</div>}
        {list.state === 'error' && (
          <div className="empty-note error-text">
            Could not load the deployments: {list.error}{' '}
            <button type="button" className="link-button" onClick={onRetry}>
              Retry
            </button>
          </div>
        )}
        {list.state === 'idle' && <div className="empty-note">Save the strategy to deploy it.</div>}
        {list.state === 'ready' && items.length === 0 && <div className="empty-note">Not deployed yet. Promote it to shadow trading first: orders are computed and checked, never sent.</div>}
        {items.map((d) => {
          const s = deploymentState(d);
          const failure = failureReason(d);
          // Against the deployment's own starting cash, not the strategy's setting now (which may have changed since).
          const pnl = d.equity === null ? null : d.equity - d.initialCash;
          return (
            <button
              key={d.id}
              type="button"
              className={`study-item${d.id === selectedId ? ' is-current' : ''}`}
              onClick={() => onSelect(d.id)}
              data-testid="deployment-item"
              data-mode={d.mode}
              data-state={s.tone}
              aria-current={d.id === selectedId ? 'true' : undefined}
            >
              <span className="study-item-line">
                <span className={`deploy-mode mode-${d.mode}`}>{modeText[d.mode]}</span>
                <span className={`deploy-state tone-${s.tone}`}>{s.label}</span>
              </span>
              <span className="study-item-line small">
                <span className="mono">{fmtMoney(d.equity)}</span>
                <span className={`mono ${pnl === null || pnl === 0 ? 'muted' : pnl > 0 ? 'pos' : 'neg'}`} title={`Equity minus the deployment’s initial cash (${fmtMoney(d.initialCash)})`} data-testid="deployment-item-pnl">
                  {pnl === null ? '–' : `${pnl > 0 ? '+' : ''}${fmtMoney(pnl)}`}
                </span>
              </span>
              <span className="study-item-line muted small">
                <span className="deploy-item-name" title={`${d.name} · ${d.symbol} · ${d.barsProcessed} bars`}>
                  {d.name} · {d.symbol} · {d.barsProcessed} bars
                </span>
                <span>{fmtAgo(d.createdAt)}</span>
              </span>
              {failure && (
                <span className="study-item-line small">
                  <span className="deploy-item-name error-text" title={failure} data-testid="deployment-item-error">
                    {failure}
                  </span>
                </span>
              )}
            </button>
          );
        })}
      </div>
    </nav>
  );
}
