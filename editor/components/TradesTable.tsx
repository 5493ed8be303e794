import type { Trade } from '../../engine/broker.ts';
import { fmtMoney, fmtPercent, fmtPrice, fmtQty, fmtTime } from '../format.ts';

/**
 * Every round trip of the backtest. A trade still open at the end is its own row, marked open and
 * valued at the last close, and the summary line says so: the Trades metric counts closed ones only.
 */
export function TradesTable({ trades }: { trades: readonly Trade[] }) {
  if (trades.length === 0) return <div className="empty-note">The strategy made no trades on this data.</div>;
  const open = trades.filter((t) => t.open).length;
  const closed = trades.length - open;
  return (
    <div className="table-wrap">
      <div className="trades-summary" data-testid="trades-summary">
        {closed} closed{open > 0 ? ` · ${open} open at the end, valued at the last close (unrealised, not in win rate)` : ''}
      </div>
      <table className="trades" data-testid="trades-table">
        <thead>
          <tr>
            <th>#</th>
            <th>Side</th>
            <th>Entry time</th>
            <th>Exit time</th>
            <th className="num">Qty</th>
            <th className="num">Entry</th>
            <th className="num">Exit</th>
            <th className="num">PnL</th>
            <th className="num">Return</th>
          </tr>
        </thead>
        <tbody>
          {trades.map((t, i) => (
            <tr key={i} className={t.open ? 'is-open' : undefined}>
              <td className="muted">{i + 1}</td>
              <td>
                <span className={`side side-${t.side}`}>{t.side}</span>
              </td>
              <td className="mono">{fmtTime(t.entryTime)}</td>
              <td className="mono">{t.open ? <span className="open-pill">open</span> : fmtTime(t.exitTime)}</td>
              <td className="num mono">{fmtQty(t.quantity)}</td>
              <td className="num mono">{fmtPrice(t.entryPrice)}</td>
              <td className="num mono">{fmtPrice(t.exitPrice)}</td>
              <td className={`num mono ${t.pnl >= 0 ? 'pos' : 'neg'}`} title={t.open ? 'Unrealised, at the last close' : undefined}>
                {fmtMoney(t.pnl)}
              </td>
              <td className={`num mono ${t.returnPct >= 0 ? 'pos' : 'neg'}`}>{fmtPercent(t.returnPct, 2, true)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
