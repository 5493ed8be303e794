import type { WalkForwardSummary } from '../../../engine/research/summary.ts';
import { fmtDate, fmtInt, fmtNumber, fmtPercent } from '../../format.ts';
import { EquityChart } from '../EquityChart.tsx';
import { metricInfo } from '../results/metric-info.ts';
import { StatCards } from './StatCards.tsx';

const tone = (v: number | null | undefined) => (v === null || v === undefined ? undefined : v > 0 ? 'pos' : v < 0 ? 'neg' : undefined);

/**
 * A walk-forward: headline figures of the stitched out-of-sample account, its equity and drawdown, and
 * per window the params in-sample optimisation chose and how they did out of sample.
 */
export function WalkForwardView({ summary }: { summary: WalkForwardSummary }) {
  const m = summary.stitched.metrics;
  const metricLabel = metricInfo.find((i) => i.key === summary.metric)?.label ?? summary.metric;
  const equity = summary.stitched.equity;
  return (
    <div className="wf-view" data-testid="wf-view">
      <StatCards
        items={[
          { label: 'OOS return', value: fmtPercent(m?.totalReturn, 2, true), tone: tone(m?.totalReturn), help: 'Return of one account trading every out-of-sample window in turn.' },
          { label: 'OOS max drawdown', value: fmtPercent(m ? -m.maxDrawdown : null, 2), tone: m && m.maxDrawdown > 0 ? 'neg' : undefined, help: summary.stitched.exact ? 'Deepest fall of the stitched curve.' : 'Estimated: long windows keep a thinned curve.' },
          { label: 'OOS Sharpe', value: fmtNumber(m?.sharpe, 2) },
          { label: 'WF efficiency', value: fmtNumber(summary.efficiency, 2), help: 'Out-of-sample return per bar over in-sample return per bar of the chosen params: 1 keeps the whole in-sample edge; blank when in-sample returns were not positive.' },
          { label: 'Profitable windows', value: fmtPercent(summary.profitableWindowsPct, 0), help: 'Share of out-of-sample windows that made money.' },
          { label: 'Windows', value: fmtInt(summary.windows.length), help: `Each optimised on ${metricLabel} in sample.` },
        ]}
      />
      <div className="wf-body">
        <div className="chart-area">
          <div className="chart-caption">
            <span>
              Stitched out-of-sample equity <span className="muted">and drawdown</span>
            </span>
            {!summary.stitched.exact && <span className="muted">risk figures estimated from a thinned curve</span>}
          </div>
          {equity.length > 1 ? <EquityChart equity={equity} initialCash={summary.stitched.initialCash ?? equity[0]!.value} /> : <div className="empty-state">No out-of-sample window produced a curve.</div>}
        </div>
        <div className="table-wrap">
          <table className="trades wf-table" data-testid="wf-windows">
            <thead>
              <tr>
                <th>#</th>
                <th>Out of sample</th>
                <th>Best in-sample params</th>
                <th className="num" title={`In-sample ${metricLabel} of the chosen params`}>
                  IS {metricLabel}
                </th>
                <th className="num">IS return</th>
                <th className="num">OOS return</th>
                <th className="num">OOS max DD</th>
                <th className="num">OOS trades</th>
              </tr>
            </thead>
            <tbody>
              {summary.windows.map((w) => (
                <tr key={w.index} data-testid="wf-window">
                  <td className="mono muted">{w.index + 1}</td>
                  <td className="mono" title={`in sample ${fmtDate(w.inSample.startTime)} → ${fmtDate(w.inSample.endTime)} (bars ${w.inSample.from}–${w.inSample.to})`}>
                    {fmtDate(w.outOfSample.startTime)} → {fmtDate(w.outOfSample.endTime)}
                  </td>
                  <td className="mono">{w.params ? Object.entries(w.params).map(([k, v]) => `${k} ${v}`).join(' · ') : <span className="trial-error">{w.error ?? 'no result'}</span>}</td>
                  <td className="num mono">{fmtNumber(w.inSampleScore, 2)}</td>
                  <td className={`num mono ${tone(w.inSampleReturn) ?? ''}`}>{fmtPercent(w.inSampleReturn, 2, true)}</td>
                  <td className={`num mono ${tone(w.outOfSampleReturn) ?? ''}`}>{fmtPercent(w.outOfSampleReturn, 2, true)}</td>
                  <td className="num mono">{fmtPercent(w.outOfSampleMaxDrawdown === null ? null : -w.outOfSampleMaxDrawdown, 2)}</td>
                  <td className="num mono">{w.outOfSampleTrades === null ? '—' : fmtInt(w.outOfSampleTrades)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </div>
  );
}
