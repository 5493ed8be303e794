import { useState } from 'react';
import type { CostRow, CostSummary } from '../../../engine/research/summary.ts';
import { fmtInt, fmtMoney, fmtNumber, fmtPercent } from '../../format.ts';
import { useSize } from './use-size.ts';

type CostMetric = 'totalReturn' | 'sharpe' | 'maxDrawdown';
const metricText: Record<CostMetric, { label: string; format: (v: number) => string }> = {
  totalReturn: { label: 'Total return', format: (v) => fmtPercent(v, 1, true) },
  sharpe: { label: 'Sharpe ratio', format: (v) => fmtNumber(v, 2) },
  maxDrawdown: { label: 'Max drawdown', format: (v) => fmtPercent(v === 0 ? 0 : -v, 1) },
};
/** One line per slippage multiplier; the palette of the price chart's overlays. */
const lineColours = ['#3d8bfd', '#f5c542', '#26a69a', '#ef5350', '#ab47bc', '#ff9800', '#8d6e63', '#26c6da'];

/** Cost sensitivity: the metric against the commission multiplier, one line per slippage multiplier, and the grid as a table. */
export function CostView({ summary }: { summary: CostSummary }) {
  const [metric, setMetric] = useState<CostMetric>('totalReturn');
  return (
    <div className="cost-view" data-testid="cost-view">
      <div className="cost-chart-area">
        <div className="sweep-controls">
          <label className="inline-select">
            <span>Show</span>
            <select value={metric} onChange={(e) => setMetric(e.target.value as CostMetric)} data-testid="cost-metric">
              {(Object.keys(metricText) as CostMetric[]).map((m) => (
                <option key={m} value={m}>
                  {metricText[m].label}
                </option>
              ))}
            </select>
          </label>
          <span className="muted">against the commission multiplier, one line per slippage multiplier (1× = the strategy’s own costs)</span>
        </div>
        <CostChart summary={summary} metric={metric} />
      </div>
      <div className="table-wrap">
        <table className="trades" data-testid="cost-table">
          <thead>
            <tr>
              <th className="num">Commission ×</th>
              <th className="num">Slippage ×</th>
              <th className="num">Return</th>
              <th className="num">Sharpe</th>
              <th className="num">Max DD</th>
              <th className="num">Trades</th>
              <th className="num">Commission paid</th>
            </tr>
          </thead>
          <tbody>
            {summary.table.map((r) => (
              <tr key={`${r.commission}-${r.slippage}`} className={r.commission === 1 && r.slippage === 1 ? 'is-base' : undefined}>
                <td className="num mono">{r.commission}×</td>
                <td className="num mono">{r.slippage}×</td>
                {r.error ? (
                  <td colSpan={5} className="trial-error">
                    {r.error}
                  </td>
                ) : (
                  <>
                    <td className={`num mono ${(r.totalReturn ?? 0) >= 0 ? 'pos' : 'neg'}`}>{fmtPercent(r.totalReturn, 2, true)}</td>
                    <td className="num mono">{fmtNumber(r.sharpe, 2)}</td>
                    <td className="num mono">{fmtPercent(r.maxDrawdown === null ? null : -r.maxDrawdown, 2)}</td>
                    <td className="num mono">{r.trades === null ? '—' : fmtInt(r.trades)}</td>
                    <td className="num mono">{fmtMoney(r.commissionPaid, 0)}</td>
                  </>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

const margin = { top: 10, right: 96, bottom: 32, left: 56 };

function CostChart({ summary, metric }: { summary: CostSummary; metric: CostMetric }) {
  const [host, size] = useSize<HTMLDivElement>();
  const xs = [...new Set(summary.commissionMultipliers)].sort((a, b) => a - b);
  const lines = summary.slippageMultipliers.map((s, i) => ({
    slippage: s,
    colour: lineColours[i % lineColours.length]!,
    points: xs.flatMap((c) => {
      const row = summary.table.find((r: CostRow) => r.commission === c && r.slippage === s);
      const v = row?.[metric];
      return typeof v === 'number' && Number.isFinite(v) ? [{ x: c, y: v }] : [];
    }),
  }));
  const ys = lines.flatMap((l) => l.points.map((p) => p.y));
  const w = Math.max(0, size.width - margin.left - margin.right);
  const h = Math.max(0, size.height - margin.top - margin.bottom);
  const [x0, x1] = [xs[0] ?? 0, xs.at(-1) ?? 1];
  let [y0, y1] = [Math.min(0, ...ys), Math.max(0, ...ys)];
  if (y0 === y1) [y0, y1] = [y0 - 1, y1 + 1];
  const px = (x: number) => margin.left + (x1 === x0 ? w / 2 : ((x - x0) / (x1 - x0)) * w);
  const py = (y: number) => margin.top + (1 - (y - y0) / (y1 - y0)) * h;
  const ticks = [y0, (y0 + y1) / 2, y1];
  const fmt = metricText[metric].format;
  return (
    <div className="cost-chart" ref={host} data-testid="cost-chart" data-lines={lines.length}>
      {size.width > 0 && ys.length > 0 && (
        <svg width={size.width} height={size.height} role="img" aria-label={`${metricText[metric].label} by commission multiplier; see the table for the values`}>
          {ticks.map((t) => (
            <g key={t}>
              <line className="chart-grid" x1={margin.left} x2={margin.left + w} y1={py(t)} y2={py(t)} />
              <text className="heat-tick" x={margin.left - 6} y={py(t)} textAnchor="end" dominantBaseline="middle">
                {fmt(t)}
              </text>
            </g>
          ))}
          {y0 < 0 && y1 > 0 && <line className="hist-zero" x1={margin.left} x2={margin.left + w} y1={py(0)} y2={py(0)} />}
          {xs.map((x) => (
            <text key={x} className="heat-tick" x={px(x)} y={margin.top + h + 13} textAnchor="middle">
              {x}×
            </text>
          ))}
          <text className="heat-axis" x={margin.left + w / 2} y={size.height - 2} textAnchor="middle">
            commission ×
          </text>
          {lines.map((l) => (
            <g key={l.slippage}>
              <polyline fill="none" stroke={l.colour} strokeWidth={2} points={l.points.map((p) => `${px(p.x)},${py(p.y)}`).join(' ')} />
              {l.points.map((p) => (
                <circle key={p.x} cx={px(p.x)} cy={py(p.y)} r={3} fill={l.colour}>
                  <title>{`commission ${p.x}×, slippage ${l.slippage}×: ${fmt(p.y)}`}</title>
                </circle>
              ))}
              {l.points.length > 0 && (
                <text className="cost-line-label" x={px(l.points.at(-1)!.x) + 8} y={py(l.points.at(-1)!.y)} dominantBaseline="middle" fill={l.colour}>
                  slip {l.slippage}×
                </text>
              )}
            </g>
          ))}
        </svg>
      )}
    </div>
  );
}
