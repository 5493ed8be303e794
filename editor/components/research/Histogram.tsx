import { useState } from 'react';
import type { HistogramBin } from '../../../engine/research/stats.ts';
import { useSize } from './use-size.ts';

export interface Marker {
  value: number;
  label: string;
  tone: 'base' | 'pct';
}

interface Props {
  title: string;
  bins: readonly HistogramBin[];
  /** Vertical lines: the base backtest and percentiles. */
  markers: readonly Marker[];
  format: (v: number) => string;
  /** Bars below zero are losses (final return); drawdowns are all one colour. */
  signed: boolean;
  testId: string;
}

const margin = { top: 16, right: 10, bottom: 22, left: 10 };

/** How often each outcome came up over the Monte Carlo paths, with the base run and percentiles marked. */
export function Histogram({ title, bins, markers, format, signed, testId }: Props) {
  const [host, size] = useSize<HTMLDivElement>();
  const [hover, setHover] = useState<number | null>(null);
  const total = bins.reduce((n, b) => n + b.count, 0);
  const lo = bins[0]?.from ?? 0;
  const hi = bins.at(-1)?.to ?? 1;
  const span = hi - lo || 1;
  const peak = Math.max(1, ...bins.map((b) => b.count));
  const w = Math.max(0, size.width - margin.left - margin.right);
  const h = Math.max(0, size.height - margin.top - margin.bottom);
  const x = (v: number) => margin.left + ((v - lo) / span) * w;
  const hovered = hover === null ? null : bins[hover];

  return (
    <figure className="histogram" data-testid={testId} data-bins={bins.length}>
      <figcaption className="chart-caption">
        <span>{title}</span>
        <span className="muted mono">{hovered ? `${format(hovered.from)} … ${format(hovered.to)}: ${hovered.count} paths (${((hovered.count / total) * 100).toFixed(1)} %)` : `${total.toLocaleString('en-US')} paths`}</span>
      </figcaption>
      <div className="histogram-host" ref={host} onMouseLeave={() => setHover(null)}>
        {size.width > 0 && bins.length > 0 && (
          <svg width={size.width} height={size.height} role="img" aria-label={`${title}: ${markers.map((m) => `${m.label} ${format(m.value)}`).join(', ')}`}>
            <line className="hist-axis" x1={margin.left} x2={margin.left + w} y1={margin.top + h} y2={margin.top + h} />
            {bins.map((b, i) => {
              const bh = (b.count / peak) * h;
              // One bin (every path alike) spans the plot: a 1-pixel bar would read as nothing.
              const x0 = bins.length === 1 ? margin.left : x(b.from);
              const bw = bins.length === 1 ? w : Math.max(1, x(b.to) - x0 - 1);
              const loss = signed && (b.from + b.to) / 2 < 0;
              return (
                <rect
                  key={i}
                  className={`hist-bar${loss ? ' is-loss' : ''}${hover === i ? ' is-hover' : ''}`}
                  x={x0}
                  y={margin.top + h - bh}
                  width={bw}
                  height={bh}
                  onMouseEnter={() => setHover(i)}
                />
              );
            })}
            {signed && lo < 0 && hi > 0 && <line className="hist-zero" x1={x(0)} x2={x(0)} y1={margin.top} y2={margin.top + h} />}
            {markers.map((m) => (
              <g key={m.label} className={`hist-marker is-${m.tone}`}>
                <line x1={x(m.value)} x2={x(m.value)} y1={margin.top - 2} y2={margin.top + h} />
                {/* Percentiles label the top edge; the base run labels itself inside the plot, beside its line. */}
                <text x={m.tone === 'base' ? x(m.value) + 4 : x(m.value)} y={m.tone === 'base' ? margin.top + 10 : margin.top - 5} textAnchor={m.tone === 'base' ? 'start' : 'middle'}>
                  {m.label}
                </text>
              </g>
            ))}
            <text className="heat-tick" x={margin.left} y={size.height - 2}>
              {format(lo)}
            </text>
            <text className="heat-tick" x={margin.left + w} y={size.height - 2} textAnchor="end">
              {format(hi)}
            </text>
          </svg>
        )}
      </div>
    </figure>
  );
}
