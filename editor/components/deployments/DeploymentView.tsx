import { useState } from 'react';
import type { DeploymentControlPath, DeploymentDetail } from '../../api.ts';
import { fmtMoney, fmtNumber, fmtPrice, fmtQty, fmtTime } from '../../format.ts';
import { detailLimit } from '../../hooks/useDeployments.ts';
import { EquityChart } from '../EquityChart.tsx';
import { StatCards } from '../research/StatCards.tsx';
import { DeploymentControls } from './DeploymentControls.tsx';
import { EventsTable, FillsTable, OrdersTable } from './DeploymentTables.tsx';
import { deploymentState, failureReason, modeText, pnlFromFills } from './deployment-view.ts';

interface Props {
  deployment: DeploymentDetail;
  curve: readonly { time: number; value: number }[];
  live: boolean;
  busy: DeploymentControlPath | null;
  controlError: string | null;
  onControl: (what: DeploymentControlPath) => void;
}

type Section = 'orders' | 'fills' | 'denials' | 'events';

const reasonText = (r: unknown): string | null => {
  if (!r || typeof r !== 'object') return null;
  const { code, message } = r as { code?: unknown; message?: unknown };
  return [code, message].filter((x) => typeof x === 'string' && x).join(': ') || null;
};

/** One deployment, kept current by the stream: state and controls, headline figures, equity, position, risk state, and its orders, fills, denials and journal. */
export function DeploymentView({ deployment: d, curve, live, busy, controlError, onControl }: Props) {
  const [section, setSection] = useState<Section>('orders');
  const state = deploymentState(d);
  const failure = failureReason(d);
  // A running replay that has played its last bar (the journal says so once): idle, not trading on.
  const ended = (d.status === 'running' || d.status === 'paused') && d.events.some((e) => e.code === 'REPLAY_ENDED');
  // Exact while every fill is in the detail; past the limit the oldest are missing, so say nothing rather than something wrong.
  const pnl = d.fills.length < detailLimit ? pnlFromFills(d.fills, d.lastPrice) : null;
  const risk = d.riskState as { peakEquity?: number; dayStartEquity?: number; dailyLoss?: unknown; killSwitch?: unknown; halt?: unknown; messages?: unknown[] };
  const limits = d.riskLimits as { maxDrawdownPct?: number; maxDailyLossPct?: number; throttle?: { maxOrders?: number; windowMs?: number } };
  const drawdown = d.equity !== null && risk.peakEquity ? ((risk.peakEquity - d.equity) / risk.peakEquity) * 100 : null;
  const dayLoss = d.equity !== null && risk.dayStartEquity ? ((risk.dayStartEquity - d.equity) / risk.dayStartEquity) * 100 : null;
  const sections: { id: Section; label: string; count: number }[] = [
    { id: 'orders', label: 'Orders', count: d.orders.length },
    { id: 'fills', label: 'Fills', count: d.fills.length },
    { id: 'denials', label: 'Denials', count: d.denials.length },
    { id: 'events', label: 'Journal', count: d.events.length },
  ];
  // The book's starting cash: the curve holds only the bars streamed since the page opened.
  const baseline = d.initialCash;
  return (
    <div className="deploy-view" data-testid="deployment" data-state={state.tone} data-mode={d.mode} data-status={d.status}>
      <div className="study-head deploy-head">
        <span className={`deploy-mode mode-${d.mode}`}>{modeText[d.mode]}</span>
        <span className="study-title" title={d.name}>
          {d.name}
        </span>
        <span className={`deploy-state tone-${state.tone}`} data-testid="deployment-state">
          {state.label}
        </span>
        {d.status === 'stopped' || d.status === 'failed' ? (
          <span className="deploy-live" title="The deployment has ended: nothing more to stream">
            ended
          </span>
        ) : (
          <span className={`deploy-live${live ? ' is-live' : ''}`} title={live ? 'Streaming live updates' : 'Not streaming: reconnecting to the server'} data-testid="deploy-live">
            {live ? 'live' : 'reconnecting'}
          </span>
        )}
        <span className="tabs-spacer" />
        <DeploymentControls deployment={d} busy={busy} onControl={onControl} />
      </div>
      {controlError && <div className="run-error deploy-error">{controlError}</div>}
      {failure && (
        <div className="deploy-banner is-failed" role="alert" data-testid="failure-reason">
          Failed — {failure} It no longer trades.
        </div>
      )}
      {d.halt && (
        <div className="deploy-banner is-halted" data-testid="halt-reason">
          Halted — <span className="mono">{d.halt.code}</span>: {d.halt.message}. Nothing trades until someone re-enables it.
        </div>
      )}
      {ended && (
        <div className="deploy-banner is-ended" data-testid="replay-ended">
          The replay has ended: no more bars come, and the position is kept. Stop the deployment to end it.
        </div>
      )}
      {d.killSwitch && <div className="deploy-banner is-killed">Kill switch engaged{reasonText(risk.killSwitch) ? ` (${reasonText(risk.killSwitch)})` : ''}: only orders that reduce the position are allowed.</div>}
      <StatCards
        items={[
          { label: 'Equity', value: fmtMoney(d.equity) },
          { label: 'PnL', value: pnl === null ? '—' : `${pnl > 0 ? '+' : ''}${fmtMoney(pnl)}`, tone: pnl === null || pnl === 0 ? undefined : pnl > 0 ? 'pos' : 'neg', help: 'Realised and unrealised, from the fills and the last price' },
          { label: 'Bars', value: fmtNumber(d.barsProcessed, 0), help: d.cursor === null ? 'No bar yet' : `Last bar ${fmtTime(d.cursor)}` },
          { label: 'Last price', value: d.lastPrice === null ? '—' : fmtPrice(d.lastPrice) },
          { label: 'Drawdown', value: drawdown === null ? '—' : `${fmtNumber(Math.max(0, drawdown), 2)} %`, help: `Halts at ${limits.maxDrawdownPct ?? '?'} %` },
        ]}
      />
      <div className="deploy-grid">
        <div className="deploy-chart" data-testid="deploy-equity" data-points={curve.length}>
          {curve.length > 1 ? <EquityChart equity={curve} initialCash={baseline} /> : <div className="empty-state">The equity curve draws as bars arrive.</div>}
        </div>
        <div className="deploy-side">
          <h3 className="deploy-side-title">Position</h3>
          <table className="trades deploy-position" data-testid="positions">
            <thead>
              <tr>
                <th>Symbol</th>
                <th className="num">Quantity</th>
                <th className="num">Value</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <td className="mono">{d.symbol}</td>
                <td className={`num mono ${d.position > 0 ? 'pos' : d.position < 0 ? 'neg' : 'muted'}`} data-testid="position-qty">
                  {fmtQty(d.position)}
                </td>
                <td className="num mono">{d.lastPrice === null ? '—' : fmtMoney(d.position * d.lastPrice)}</td>
              </tr>
            </tbody>
          </table>
          <h3 className="deploy-side-title">Risk state</h3>
          <dl className="deploy-risk" data-testid="risk-state">
            <dt>Trading</dt>
            <dd className={`tone-text-${d.tradingState.toLowerCase()}`}>{d.tradingState}</dd>
            <dt>Kill switch</dt>
            <dd>{d.killSwitch ? 'on' : 'off'}</dd>
            <dt>Halt</dt>
            <dd title={reasonText(risk.halt) ?? undefined}>{d.halt ? d.halt.code : 'none'}</dd>
            <dt>Daily loss</dt>
            <dd>
              {dayLoss === null ? '—' : `${fmtNumber(Math.max(0, dayLoss), 2)} % of ${limits.maxDailyLossPct ?? '?'} %`}
              {reasonText(risk.dailyLoss) ? ' (reduce-only)' : ''}
            </dd>
            <dt>Peak equity</dt>
            <dd>{fmtMoney(risk.peakEquity ?? null)}</dd>
            <dt>Throttle</dt>
            <dd>
              {Array.isArray(risk.messages) ? risk.messages.length : 0} / {limits.throttle?.maxOrders ?? '?'} orders per {Math.round((limits.throttle?.windowMs ?? 0) / 1000)} s
            </dd>
          </dl>
        </div>
      </div>
      <div className="deploy-tables">
        <div className="segmented deploy-sections" role="tablist" aria-label="Deployment records">
          {sections.map((s) => (
            <button key={s.id} type="button" role="tab" aria-selected={section === s.id} className={section === s.id ? 'is-on' : ''} onClick={() => setSection(s.id)} data-testid={`deploy-section-${s.id}`}>
              {s.label} <span className="muted">{s.count}</span>
            </button>
          ))}
        </div>
        <div className="deploy-table-body">
          {section === 'orders' && <OrdersTable orders={d.orders} />}
          {section === 'fills' && <FillsTable fills={d.fills} />}
          {section === 'denials' && <EventsTable events={d.denials} empty="No order has been refused by the risk gate." testId="denials-table" />}
          {section === 'events' && <EventsTable events={d.events} empty="Nothing journaled yet." testId="events-table" />}
        </div>
      </div>
    </div>
  );
}
