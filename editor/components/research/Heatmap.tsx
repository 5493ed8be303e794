import { useState } from 'react';
import { metricInfo, type MetricKey } from '../results/metric-info.ts';
import { useSize } from './use-size.ts';
import { cellTextColour, heatColour, scalePosition, type HeatCell, type Heatmap as HeatmapData } from './heatmap.ts';

interface Props {
  map: HeatmapData;
  metric: MetricKey;
  /** What the cells stand for regarding the params not on an axis, e.g. "best over order.percent". */
  note: string;
  selectedTrial: number | null;
  onSelect: (cell: HeatCell) => void;
}

const margin = { top: 8, right: 12, bottom: 34, left: 58 };
const legendWidth = 84;

/**
 * The chosen metric over two params as coloured cells (SVG: lightweight-charts has no heatmap), with a
 * colour legend, a tooltip on hover, and the same numbers as a table for screen readers.
 */
export function Heatmap({ map, metric, note, selectedTrial, onSelect }: Props) {
  const [host, size] = useSize<HTMLDivElement>();
  const [hover, setHover] = useState<{ cell: HeatCell; left: number; top: number } | null>(null);

  const info = metricInfo.find((m) => m.key === metric)!;
  const format = (v: number | null) => (v === null ? 'no result' : info.format(v, {} as never));
  const plotW = Math.max(0, size.width - margin.left - margin.right - legendWidth);
  const plotH = Math.max(0, size.height - margin.top - margin.bottom);
  const cw = map.xs.length ? plotW / map.xs.length : 0;
  const ch = map.ys.length ? plotH / map.ys.length : 0;
  // Rows run from the largest y value at the top down to the smallest, as a chart's y axis does.
  const rowTop = (y: number) => margin.top + (map.ys.length - 1 - y) * ch;
  const colour = (v: number | null) => (v === null || map.min === null || map.max === null ? 'var(--panel-3)' : heatColour(scalePosition(v, map.min, map.max, map.better)));
  const showValues = cw >= 46 && ch >= 18;
  const xEvery = Math.max(1, Math.ceil(36 / Math.max(1, cw)));
  const yEvery = Math.max(1, Math.ceil(14 / Math.max(1, ch)));
  const legendX = margin.left + plotW + 22;
  const gradientId = `heat-${metric}`;

  return (
    <figure className="heatmap" data-testid="heatmap" data-cells={map.cells.filter((c) => c.value !== null).length} aria-label={`${info.label} by ${map.xKey}${map.yKey ? ` and ${map.yKey}` : ''}`}>
      <div className="heatmap-host" ref={host} onMouseLeave={() => setHover(null)}>
        {size.width > 0 && (
          <svg width={size.width} height={size.height} aria-hidden>
            <defs>
              <linearGradient id={gradientId} x1="0" y1="1" x2="0" y2="0">
                {/* The legend runs from min (bottom) to max (top) in value, so it shows the scale's pivot on zero where the cells have it. */}
                {Array.from({ length: 21 }, (_, i) => i / 20).map((o) => (
                  <stop key={o} offset={o} stopColor={map.min === null || map.max === null ? 'transparent' : heatColour(scalePosition(map.min + o * (map.max - map.min), map.min, map.max, map.better))} />
                ))}
              </linearGradient>
            </defs>
            {map.cells.map((c) => {
              const x = margin.left + c.x * cw;
              const y = rowTop(c.y);
              const selected = c.trial !== null && c.trial.trialIndex === selectedTrial;
              return (
                <g
                  key={`${c.x}-${c.y}`}
                  className={`heat-cell${c.trial ? ' is-clickable' : ''}`}
                  onMouseMove={(e) => {
                    const box = host.current!.getBoundingClientRect();
                    setHover({ cell: c, left: e.clientX - box.left, top: e.clientY - box.top });
                  }}
                  onClick={() => c.trial && onSelect(c)}
                  data-testid="heat-cell"
                  data-x={map.xs[c.x]}
                  data-y={map.ys[c.y] ?? ''}
                  data-value={c.value ?? ''}
                >
                  <rect x={x + 0.5} y={y + 0.5} width={Math.max(0, cw - 1)} height={Math.max(0, ch - 1)} fill={colour(c.value)} rx={2} />
                  {selected && <rect className="heat-selected" x={x + 1.5} y={y + 1.5} width={Math.max(0, cw - 3)} height={Math.max(0, ch - 3)} rx={2} />}
                  {showValues && c.value !== null && (
                    <text x={x + cw / 2} y={y + ch / 2} fill={cellTextColour} className="heat-value">
                      {format(c.value)}
                    </text>
                  )}
                </g>
              );
            })}
            {map.xs.map((v, i) =>
              i % xEvery === 0 ? (
                <text key={`x${i}`} className="heat-tick" x={margin.left + (i + 0.5) * cw} y={margin.top + plotH + 13} textAnchor="middle">
                  {v}
                </text>
              ) : null,
            )}
            <text className="heat-axis" x={margin.left + plotW / 2} y={size.height - 4} textAnchor="middle">
              {map.xKey}
            </text>
            {map.yKey &&
              map.ys.map((v, i) =>
                i % yEvery === 0 ? (
                  <text key={`y${i}`} className="heat-tick" x={margin.left - 6} y={rowTop(i) + ch / 2} textAnchor="end" dominantBaseline="middle">
                    {v}
                  </text>
                ) : null,
              )}
            {map.yKey && (
              <text className="heat-axis" transform={`translate(12 ${margin.top + plotH / 2}) rotate(-90)`} textAnchor="middle">
                {map.yKey}
              </text>
            )}
            {map.min !== null && map.max !== null && (
              <g className="heat-legend">
                <rect x={legendX} y={margin.top} width={10} height={plotH} fill={`url(#${gradientId})`} rx={2} />
                <text className="heat-tick" x={legendX + 14} y={margin.top + 8}>
                  {format(map.max)}
                </text>
                <text className="heat-tick" x={legendX + 14} y={margin.top + plotH}>
                  {format(map.min)}
                </text>
                {map.min < 0 && map.max > 0 && plotH * (map.max / (map.max - map.min)) > 16 && plotH * (-map.min / (map.max - map.min)) > 16 && (
                  <text className="heat-tick" x={legendX + 14} y={margin.top + plotH * (map.max / (map.max - map.min)) + 3}>
                    {format(0)}
                  </text>
                )}
              </g>
            )}
          </svg>
        )}
        {hover && (
          <div className="heat-tooltip" style={{ left: Math.min(hover.left + 12, size.width - 190), top: Math.max(0, hover.top - 60) }} data-testid="heat-tooltip">
            <div className="mono">
              {map.xKey} {map.xs[hover.cell.x]}
              {map.yKey && (
                <>
                  {' · '}
                  {map.yKey} {map.ys[hover.cell.y]}
                </>
              )}
            </div>
            <div>
              {info.label}: <b className="mono">{format(hover.cell.value)}</b>
            </div>
            <div className="muted">{hover.cell.trial ? `trial #${hover.cell.trial.trialIndex} · ${hover.cell.count} in cell · click to pick` : 'no trial with a result'}</div>
          </div>
        )}
      </div>
      <figcaption className="heatmap-note muted">
        Colour: {info.label} ({map.better === 'higher' ? 'higher' : 'lower'} is better) · {note}
      </figcaption>
      <table className="visually-hidden" data-testid="heatmap-table">
        <caption>
          {info.label} by {map.xKey}
          {map.yKey ? ` (columns) and ${map.yKey} (rows)` : ''}; {note}
        </caption>
        <thead>
          <tr>
            <th scope="col">{map.yKey ?? ''}</th>
            {map.xs.map((x) => (
              <th key={x} scope="col">
                {x}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {map.ys.map((y, yi) => (
            <tr key={String(y)}>
              <th scope="row">{y ?? info.label}</th>
              {map.xs.map((_, xi) => (
                <td key={xi}>{format(map.cells[yi * map.xs.length + xi]!.value)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
