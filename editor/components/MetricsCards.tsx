import type { Metrics } from '../../engine/metrics.ts';
import { fmtInt, fmtMoney, fmtNumber, fmtPercent } from '../format.ts';

type Tone = 'pos' | 'neg' | '';
const sign = (n: number | null | undefined): Tone => (n === null || n === undefined || n === 0 ? '' : n > 0 ? 'pos' : 'neg');

/**
 * The headline figures of a finished backtest. Trades counts closed round trips only (win rate is over
 * those); a trade still open at the end is named beside it, so the trade list's extra row adds up.
 */
export function MetricsCards({ metrics, openTrades }: { metrics: Metrics; openTrades: number }) {
  const cards: { key: string; label: string; value: string; tone: Tone; sub?: string; hint?: string }[] = [
    { key: 'totalReturn', label: 'Total return', value: fmtPercent(metrics.totalReturn, 2, true), tone: sign(metrics.totalReturn) },
    { key: 'cagr', label: 'CAGR', value: fmtPercent(metrics.cagr, 2, true), tone: sign(metrics.cagr), hint: metrics.cagr === null ? 'Too little time to annualise' : undefined },
    { key: 'sharpe', label: 'Sharpe', value: fmtNumber(metrics.sharpe, 2), tone: sign(metrics.sharpe) },
    { key: 'maxDrawdown', label: 'Max drawdown', value: fmtPercent(metrics.maxDrawdown === 0 ? 0 : -metrics.maxDrawdown, 2), tone: metrics.maxDrawdown > 0 ? 'neg' : '' },
    {
      key: 'trades',
      label: 'Trades',
      value: fmtInt(metrics.trades),
      tone: '',
      sub: openTrades > 0 ? `closed · ${openTrades} open` : 'closed',
      hint: openTrades > 0 ? 'Closed round trips. The open trade is marked at the last close: it is in final equity but not in win rate.' : 'Closed round trips',
    },
    { key: 'winRate', label: 'Win rate', value: fmtPercent(metrics.winRate, 1), tone: '', sub: metrics.trades > 0 ? 'of closed' : undefined },
    { key: 'finalEquity', label: 'Final equity', value: fmtMoney(metrics.finalEquity, 0), tone: '' },
    { key: 'exposure', label: 'Exposure', value: fmtPercent(metrics.exposure, 1), tone: '' },
  ];
  return (
    <div className="metrics" data-testid="metrics">
      {cards.map((c) => (
        <div className="metric" key={c.key} data-testid={`metric-${c.key}`} title={c.hint}>
          <div className="metric-label">{c.label}</div>
          <div className="metric-line">
            <span className={`metric-value ${c.tone}`}>{c.value}</span>
            {c.sub && <span className="metric-sub">{c.sub}</span>}
          </div>
        </div>
      ))}
    </div>
  );
}
