import type { Metrics } from '../../../engine/metrics.ts';
import { metricInfo, metricValue, type MetricInfo } from './metric-info.ts';

const groups = ['Returns', 'Risk', 'Trading', 'Benchmark'] as const;

function tone(info: MetricInfo, v: number | null): string {
  if (v === null || v === 0) return '';
  if (info.key === 'maxDrawdown') return 'neg';
  if (['totalReturn', 'cagr', 'expectancy', 'sharpe', 'sortino', 'calmar', 'alpha'].includes(info.key)) return v > 0 ? 'pos' : 'neg';
  return '';
}

/** Every metric of a run, grouped, each with a tooltip saying what it measures. */
export function MetricsTable({ metrics }: { metrics: Metrics }) {
  return (
    <div className="metrics-table" data-testid="metrics-table">
      {groups.map((g) => (
        <section key={g} className="metrics-group" aria-label={g}>
          <h3 className="metrics-group-title">{g}</h3>
          <dl>
            {metricInfo
              .filter((m) => m.group === g)
              .map((m) => {
                const v = metricValue(metrics, m.key);
                return (
                  <div key={m.key} className="metrics-row" data-testid={`metrics-row-${m.key}`}>
                    <dt title={m.help} tabIndex={0} aria-description={m.help}>
                      {m.label}
                    </dt>
                    <dd className={`mono ${tone(m, v)}`}>{m.format(v, metrics)}</dd>
                  </div>
                );
              })}
          </dl>
        </section>
      ))}
    </div>
  );
}
