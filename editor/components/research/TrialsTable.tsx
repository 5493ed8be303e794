import { useEffect, useMemo, useRef, useState } from 'react';
import type { ResearchTrial } from '../../api.ts';
import { metricInfo, type MetricKey } from '../results/metric-info.ts';
import { betterOf, metricOf, sortTrials, type TrialSortKey } from './heatmap.ts';

interface Props {
  trials: readonly ResearchTrial[];
  paramKeys: readonly string[];
  /** The metric the sweep ranked by: its column comes first and the table opens sorted by it, best first. */
  metric: MetricKey;
  selected: number | null;
  onSelect: (trial: ResearchTrial) => void;
}

const shownMetrics: MetricKey[] = ['sharpe', 'totalReturn', 'maxDrawdown', 'trades', 'winRate'];
const rowLimit = 500;

/**
 * Every trial with its params and headline metrics, sortable; picking a row (or a heatmap cell) makes it
 * the trial the sweep's "apply" button offers.
 * The parent keys it by metric, so picking another metric re-sorts by that one.
 */
export function TrialsTable({ trials, paramKeys, metric, selected, onSelect }: Props) {
  const [sort, setSort] = useState<{ key: TrialSortKey; dir: 'asc' | 'desc' }>({ key: `metric:${metric}`, dir: betterOf(metric) === 'higher' ? 'desc' : 'asc' });
  const sorted = useMemo(() => sortTrials(trials, sort.key, sort.dir), [trials, sort]);
  const metrics = [metric, ...shownMetrics.filter((m) => m !== metric)];
  const body = useRef<HTMLTableSectionElement>(null);

  // A cell picked on the heatmap brings its row into view.
  useEffect(() => {
    body.current?.querySelector('tr.is-selected')?.scrollIntoView({ block: 'nearest' });
  }, [selected]);

  const header = (key: TrialSortKey, label: string, title?: string) => {
    const active = sort.key === key;
    return (
      <th key={key} className={key === 'trialIndex' ? undefined : 'num'} aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'} title={title}>
        <button
          type="button"
          className={`sort-button${active ? ' is-active' : ''}`}
          onClick={() => setSort((s) => (s.key === key ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: key.startsWith('metric:') && betterOf(key.slice(7) as MetricKey) === 'higher' ? 'desc' : 'asc' }))}
          data-testid={`trial-sort-${key}`}
        >
          {label}
          <span className="sort-arrow" aria-hidden>
            {active ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
          </span>
        </button>
      </th>
    );
  };

  return (
    <div className="table-wrap trials-wrap">
      <table className="trades trials-table" data-testid="trials-table">
        <thead>
          <tr>
            {header('trialIndex', '#')}
            {paramKeys.map((k) => header(`param:${k}`, k))}
            {metrics.map((m) => {
              const info = metricInfo.find((i) => i.key === m)!;
              return header(`metric:${m}`, info.label, info.help);
            })}
          </tr>
        </thead>
        <tbody ref={body}>
          {sorted.slice(0, rowLimit).map((t) => (
            <tr key={t.trialIndex} className={`clickable${t.trialIndex === selected ? ' is-selected' : ''}`} onClick={() => onSelect(t)} onKeyDown={(e) => e.key === 'Enter' && e.target === e.currentTarget && onSelect(t)} tabIndex={0} data-testid="trial-row" data-trial={t.trialIndex}>
              <td className="mono muted">{t.trialIndex}</td>
              {paramKeys.map((k) => (
                <td key={k} className="num mono">
                  {t.params[k] ?? '—'}
                </td>
              ))}
              {t.metrics ? (
                metrics.map((m, i) => {
                  const info = metricInfo.find((x) => x.key === m)!;
                  return (
                    <td key={m} className={`num mono${i === 0 ? ' is-key' : ''}`}>
                      {info.format(metricOf(t, m), t.metrics!)}
                    </td>
                  );
                })
              ) : (
                <td colSpan={metrics.length} className="trial-error" title={t.error ?? undefined}>
                  {t.error ?? 'no result'}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {sorted.length > rowLimit && <div className="table-note muted">Showing the first {rowLimit} of {sorted.length.toLocaleString('en-US')} trials in this order.</div>}
    </div>
  );
}
