import { useMemo } from 'react';
import type { BacktestResult } from '../../../engine/backtest.ts';
import type { Dataset, Run } from '../../api.ts';
import { describeRunData } from '../../data-source.ts';
import { fmtTime } from '../../format.ts';
import { CompareChart, type CompareCurve } from './CompareChart.tsx';
import { compareMetric, metricInfo, metricValue } from './metric-info.ts';
import { useResults } from './useResults.ts';

const colors = { a: '#8ab4ff', b: '#f5c542' };

interface Props {
  a: Run;
  b: Run;
  datasets: readonly Dataset[];
  onClose: () => void;
}

/**
 * Two runs side by side: every metric of each with the change from A to B, green where B improves on
 * A and red where it is worse (for metrics where a direction is better), and both equity curves on
 * one chart.
 */
export function CompareView({ a, b, datasets, onClose }: Props) {
  const results = useResults([a.id, b.id]);
  const label = (r: Run) => `${fmtTime(r.createdAt)} · ${describeRunData(r.data, datasets)}`;
  const curves = useMemo<CompareCurve[]>(
    () =>
      results.state === 'ready'
        ? [
            { label: 'A', color: colors.a, equity: results.results[0]!.equity },
            { label: 'B', color: colors.b, equity: results.results[1]!.equity },
          ]
        : [],
    [results],
  );

  return (
    <div className="compare" data-testid="compare-view">
      <div className="compare-head">
        <button type="button" className="button small ghost" onClick={onClose} data-testid="compare-close">
          ← Runs
        </button>
        <span className="compare-run">
          <span className="compare-key" style={{ background: colors.a }}>
            A
          </span>
          <span className="mono" data-testid="compare-a">
            {label(a)}
          </span>
        </span>
        <span className="muted">vs</span>
        <span className="compare-run">
          <span className="compare-key" style={{ background: colors.b }}>
            B
          </span>
          <span className="mono" data-testid="compare-b">
            {label(b)}
          </span>
        </span>
      </div>
      {results.state === 'loading' && <div className="empty-state">Loading both results…</div>}
      {results.state === 'error' && (
        <div className="empty-state error-text" role="alert">
          Could not load the results: {results.error}
          <button type="button" className="button small" onClick={results.retry}>
            Retry
          </button>
        </div>
      )}
      {results.state === 'ready' && <CompareBody a={results.results[0]!} b={results.results[1]!} curves={curves} />}
    </div>
  );
}

function CompareBody({ a, b, curves }: { a: BacktestResult; b: BacktestResult; curves: CompareCurve[] }) {
  return (
    <div className="compare-body">
      <div className="compare-table-wrap">
        <table className="trades compare-table" data-testid="compare-metrics">
          <thead>
            <tr>
              <th>Metric</th>
              <th className="num">A</th>
              <th className="num">B</th>
              <th className="num">B − A</th>
            </tr>
          </thead>
          <tbody>
            {metricInfo.map((m) => {
              const { delta, tone } = compareMetric(m, a.metrics, b.metrics);
              return (
                <tr key={m.key} data-testid={`compare-row-${m.key}`} data-tone={tone}>
                  <td title={m.help}>{m.label}</td>
                  <td className="num mono">{m.format(metricValue(a.metrics, m.key), a.metrics)}</td>
                  <td className="num mono">{m.format(metricValue(b.metrics, m.key), b.metrics)}</td>
                  <td className={`num mono delta delta-${tone}`}>{delta === null ? '—' : tone === 'same' ? '=' : m.delta(delta)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="compare-chart-area">
        <div className="chart-caption">
          <span>Return since start</span>
          <span className="muted">
            <span style={{ color: colors.a }}>━ A</span> <span style={{ color: colors.b }}>━ B</span>
          </span>
        </div>
        <CompareChart curves={curves} />
      </div>
    </div>
  );
}
