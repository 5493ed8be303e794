import { useMemo, useState, type CSSProperties } from 'react';
import type { Trade } from '../../engine/broker.ts';
import { fmtInt, fmtMoney, fmtPercent, fmtPrice, fmtQty, fmtTime } from '../format.ts';
import { downloadText, tradesCsv } from './results/csv-export.ts';
import { useSize } from './research/use-size.ts';
import { allTrades, nextSort, numberTrades, outcomeLabel, outcomeOf, viewTrades, type TradeFilter, type TradeOutcome, type TradeSort, type TradeSortKey } from './results/trades-view.ts';

const allColumns: { key: TradeSortKey; label: string; num?: boolean }[] = [
  { key: 'n', label: '#' },
  { key: 'side', label: 'Side' },
  { key: 'entryTime', label: 'Entry time' },
  { key: 'exitTime', label: 'Exit time' },
  { key: 'exitReason', label: 'Closed by' },
  { key: 'quantity', label: 'Qty', num: true },
  { key: 'entryPrice', label: 'Entry', num: true },
  { key: 'exitPrice', label: 'Exit', num: true },
  { key: 'bars', label: 'Bars', num: true },
  { key: 'pnl', label: 'PnL', num: true },
  { key: 'returnPct', label: 'Return', num: true },
];

/**
 * Every round trip of the backtest, sortable by any column and filtered by side, by what closed it and
 * by PnL sign; what is shown can be downloaded as CSV. A trade still open at the end is its own row,
 * marked open and valued at the last close, and the summary says so: the Trades metric counts closed ones only.
 */
export function TradesTable({ trades, runId }: { trades: readonly Trade[]; runId?: string }) {
  const numbered = useMemo(() => numberTrades(trades), [trades]);
  const [filter, setFilter] = useState<TradeFilter>(allTrades);
  const [sort, setSort] = useState<TradeSort>({ key: 'n', dir: 'asc' });
  const shown = useMemo(() => viewTrades(numbered, filter, sort), [numbered, filter, sort]);
  const outcomes = useMemo(() => [...new Set(numbered.map(outcomeOf))], [numbered]);
  // The table's header sticks under the toolbar, which wraps onto two lines in a narrow panel.
  const [toolbarRef, toolbar] = useSize<HTMLDivElement>();
  if (trades.length === 0) return <div className="empty-state">The strategy made no trades on this data.</div>;
  const open = trades.filter((t) => t.open).length;
  const closed = trades.length - open;
  const filtered = shown.length !== trades.length;
  // The Symbol column appears for a multi-symbol run only.
  const columns = trades.some((t) => t.symbol !== undefined) ? [allColumns[0]!, { key: 'symbol' as const, label: 'Symbol' }, ...allColumns.slice(1)] : allColumns;
  const set = (patch: Partial<TradeFilter>) => setFilter((f) => ({ ...f, ...patch }));
  const exportCsv = () => downloadText(`trades-${runId ? runId.slice(0, 8) : 'run'}${filtered ? '-filtered' : ''}.csv`, tradesCsv(shown));

  return (
    <div className="table-wrap trades-view" style={{ '--trades-toolbar-h': `${toolbar.height || 38}px` } as CSSProperties}>
      <div className="trades-toolbar" ref={toolbarRef}>
        <div className="trades-summary" data-testid="trades-summary">
          {closed} closed{open > 0 ? ` · ${open} open at the end, valued at the last close (unrealised, not in win rate)` : ''}
        </div>
        <div className="trades-filters">
          <Segmented label="Side" value={filter.side} options={[['all', 'All'], ['long', 'Long'], ['short', 'Short']]} onChange={(side) => set({ side })} testId="filter-side" />
          <Segmented label="PnL" value={filter.pnl} options={[['all', 'All'], ['win', 'Wins'], ['loss', 'Losses']]} onChange={(pnl) => set({ pnl })} testId="filter-pnl" />
          <label className="trades-filter-select">
            <span>Exit</span>
            <select value={filter.exit} onChange={(e) => set({ exit: e.target.value as TradeFilter['exit'] })} data-testid="filter-exit">
              <option value="all">Any</option>
              {(Object.keys(outcomeLabel) as TradeOutcome[])
                .filter((o) => outcomes.includes(o))
                .map((o) => (
                  <option key={o} value={o}>
                    {outcomeLabel[o]}
                  </option>
                ))}
            </select>
          </label>
          <span className="muted trades-count" data-testid="trades-count">
            {filtered ? `${fmtInt(shown.length)} of ${fmtInt(trades.length)}` : `${fmtInt(trades.length)} trades`}
          </span>
          <button type="button" className="button small" onClick={exportCsv} disabled={shown.length === 0} data-testid="export-csv" title="Download the trades shown, in this order, as CSV">
            Export CSV
          </button>
        </div>
      </div>
      <table className="trades" data-testid="trades-table">
        <thead>
          <tr>
            {columns.map((c) => {
              const active = sort.key === c.key;
              return (
                <th key={c.key} className={c.num ? 'num' : undefined} aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
                  <button type="button" className={`sort-button${active ? ' is-active' : ''}`} onClick={() => setSort((s) => nextSort(s, c.key))} data-testid={`sort-${c.key}`}>
                    {c.label}
                    <span className="sort-arrow" aria-hidden>
                      {active ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
                    </span>
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {shown.map((t) => (
            <tr key={t.n} className={t.open ? 'is-open' : undefined} data-trade={t.n}>
              <td className="muted">{t.n}</td>
              {t.symbol !== undefined && <td className="mono">{t.symbol}</td>}
              <td>
                <span className={`side side-${t.side}`}>{t.side}</span>
              </td>
              <td className="mono">{fmtTime(t.entryTime)}</td>
              <td className="mono">{t.open ? <span className="open-pill">open</span> : fmtTime(t.exitTime)}</td>
              <td>
                <span className={`exit-reason exit-${outcomeOf(t)}`}>{outcomeLabel[outcomeOf(t)]}</span>
              </td>
              <td className="num mono">{fmtQty(t.quantity)}</td>
              <td className="num mono">{fmtPrice(t.entryPrice)}</td>
              <td className="num mono">{fmtPrice(t.exitPrice)}</td>
              <td className="num mono">{fmtInt(t.bars)}</td>
              <td className={`num mono ${t.pnl >= 0 ? 'pos' : 'neg'}`} title={t.open ? 'Unrealised, at the last close' : undefined}>
                {fmtMoney(t.pnl)}
              </td>
              <td className={`num mono ${t.returnPct >= 0 ? 'pos' : 'neg'}`}>{fmtPercent(t.returnPct, 2, true)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown.length === 0 && <div className="empty-note">No trade matches these filters.</div>}
    </div>
  );
}

function Segmented<T extends string>({ label, value, options, onChange, testId }: { label: string; value: T; options: [T, string][]; onChange: (v: T) => void; testId: string }) {
  return (
    <div className="segmented small" role="group" aria-label={label} data-testid={testId}>
      {options.map(([v, text]) => (
        <button key={v} type="button" className={v === value ? 'is-on' : undefined} aria-pressed={v === value} onClick={() => onChange(v)} data-value={v}>
          {text}
        </button>
      ))}
    </div>
  );
}
