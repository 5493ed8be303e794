import { useMemo, useState } from 'react';
import type { SweepSummary } from '../../../engine/research/summary.ts';
import type { ResearchTrial } from '../../api.ts';
import type { Loadable } from '../../hooks/useResearch.ts';
import { trialLimit } from '../../hooks/useResearch.ts';
import { metricInfo, type MetricKey } from '../results/metric-info.ts';
import { buildHeatmap, chooseAxis, defaultAxes, describeOthers, type OtherParam } from './heatmap.ts';
import { Heatmap } from './Heatmap.tsx';
import { TrialsTable } from './TrialsTable.tsx';

interface Props {
  summary: SweepSummary;
  trials: Loadable<{ total: number; items: ResearchTrial[] }>;
  onApply: (params: Record<string, number>, what: string) => void;
  applyBlocked: (params: Record<string, number>) => string | null;
  /** The sweep was cancelled: its best is the best of the trials it stored, not of the grid. */
  partial?: boolean;
}

/** Metrics a heatmap can be coloured by: the ranking metrics plus a few a trader checks next. */
const colourMetrics: MetricKey[] = ['sharpe', 'sortino', 'calmar', 'totalReturn', 'cagr', 'maxDrawdown', 'profitFactor', 'winRate', 'expectancy', 'trades', 'exposure'];

/**
 * A finished sweep: the best params, a heatmap over two chosen params, and every trial in a sortable
 * table. A cell or row picks a trial; the bar offers to apply the best params or the picked trial's.
 */
export function SweepView({ summary, trials, onApply, applyBlocked, partial = false }: Props) {
  const dims = summary.dimensions;
  const [metric, setMetric] = useState<MetricKey>(summary.metric);
  const [axes, setAxes] = useState(() => defaultAxes(dims));
  const [others, setOthers] = useState<Record<string, OtherParam>>({});
  const [selected, setSelected] = useState<number | null>(summary.best?.trialIndex ?? null);
  const items = trials.state === 'ready' ? trials.data.items : null;
  const map = useMemo(() => (items && axes ? buildHeatmap(dims, items, metric, axes, others) : null), [items, axes, dims, metric, others]);
  const best = summary.best;
  const label = (m: MetricKey) => metricInfo.find((i) => i.key === m)!.label;
  const rest = axes ? dims.filter((d) => d.key !== axes.x && d.key !== axes.y) : [];
  const bestBlocked = best ? applyBlocked(best.params) : null;
  const picked = items?.find((t) => t.trialIndex === selected) ?? null;

  return (
    <div className="sweep-view" data-testid="sweep-view">
      <div className="sweep-bar">
        <div className="sweep-best" data-testid="sweep-best">
          {best ? (
            <>
              <span className="muted">{partial ? `Best of the ${summary.trials} stored by` : 'Best by'} {label(summary.metric)}:</span>{' '}
              <span className="mono">{Object.entries(best.params).map(([k, v]) => `${k} ${v}`).join(' · ')}</span>{' '}
              <b className="mono">{metricInfo.find((i) => i.key === summary.metric)!.format((best.metrics as unknown as Record<string, number | null>)[summary.metric] ?? null, best.metrics)}</b>
            </>
          ) : (
            <span className="muted">No trial produced a result{summary.failed ? ` (${summary.failed} failed)` : ''}.</span>
          )}
        </div>
        {picked && picked.trialIndex !== best?.trialIndex && (
          <button
            type="button"
            className="button small"
            disabled={!picked.metrics || applyBlocked(picked.params) !== null}
            title={applyBlocked(picked.params) ?? 'Set the strategy’s params to the picked trial’s (undo with Ctrl+Z)'}
            onClick={() => onApply(picked.params, `trial #${picked.trialIndex}`)}
            data-testid="apply-picked"
          >
            Apply trial #{picked.trialIndex}
          </button>
        )}
        {best && (
          <button type="button" className="button small primary" disabled={bestBlocked !== null} title={bestBlocked ?? 'Set the strategy’s params to the best trial’s (undo with Ctrl+Z)'} onClick={() => onApply(best.params, `trial #${best.trialIndex}`)} data-testid="apply-best">
            Apply best params
          </button>
        )}
      </div>
      <div className="sweep-controls">
        <label className="inline-select">
          <span>Colour by</span>
          <select value={metric} onChange={(e) => setMetric(e.target.value as MetricKey)} data-testid="heat-metric">
            {colourMetrics.map((m) => (
              <option key={m} value={m}>
                {label(m)}
              </option>
            ))}
          </select>
        </label>
        {axes && dims.length > 1 && (
          <>
            <label className="inline-select">
              <span>X</span>
              <select value={axes.x} onChange={(e) => setAxes(chooseAxis(axes, 'x', e.target.value))} data-testid="heat-x">
                {dims.map((d) => (
                  <option key={d.key} value={d.key}>
                    {d.key}
                  </option>
                ))}
              </select>
            </label>
            <label className="inline-select">
              <span>Y</span>
              <select value={axes.y ?? ''} onChange={(e) => setAxes(chooseAxis(axes, 'y', e.target.value))} data-testid="heat-y">
                {dims.map((d) => (
                  <option key={d.key} value={d.key}>
                    {d.key}
                  </option>
                ))}
              </select>
            </label>
          </>
        )}
        {rest.map((d) => {
          const o = others[d.key] ?? { kind: 'best' };
          return (
            <label key={d.key} className="inline-select" title={`What the cells do with ${d.key}, which is on neither axis`}>
              <span className="mono">{d.key}</span>
              <select
                value={o.kind === 'fixed' ? String(o.value) : o.kind}
                onChange={(e) => {
                  const v = e.target.value;
                  setOthers({ ...others, [d.key]: v === 'best' || v === 'mean' ? { kind: v } : { kind: 'fixed', value: Number(v) } });
                }}
                data-testid={`heat-other-${d.key}`}
              >
                <option value="best">best of all</option>
                <option value="mean">mean of all</option>
                {d.values.map((v) => (
                  <option key={v} value={String(v)}>
                    = {v}
                  </option>
                ))}
              </select>
            </label>
          );
        })}
      </div>
      {trials.state === 'error' ? (
        <div className="empty-state error-text">Could not load the trials: {trials.error}</div>
      ) : !items || !map || !axes ? (
        <div className="empty-state">Loading the trials…</div>
      ) : (
        <div className="sweep-body">
          <Heatmap map={map} metric={metric} note={describeOthers(dims, axes, others)} selectedTrial={selected} onSelect={(c) => setSelected(c.trial!.trialIndex)} />
          <div className="sweep-table">
            <TrialsTable
              key={metric}
              trials={items}
              paramKeys={dims.map((d) => d.key)}
              metric={metric}
              selected={selected}
              onSelect={(t) => setSelected(t.trialIndex)}
            />
            {trials.state === 'ready' && trials.data.total > items.length && (
              <div className="table-note muted">The heatmap and table use the first {trialLimit.toLocaleString('en-US')} of {trials.data.total.toLocaleString('en-US')} trials.</div>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
