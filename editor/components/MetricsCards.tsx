import type { Metrics } from '../../engine/metrics.ts';
import { fmtInt, fmtMoney, fmtNumber, fmtPercent } from '../format.ts';

type Tone = 'pos' | 'neg' | '';
const sign = (n: number | null | undefined): Tone => (n === null || n === undefined || n === 0 ? '' : n > 0 ? 'pos' : 'neg');

/** The headline figures of a finished backtest. */
export function MetricsCards({ metrics }: { metrics: Metrics }) {
  const cards: { key: string; label: string; value: string; tone: Tone; hint?: string }[] = [
    { key: 'totalReturn', label: 'Total return', value: fmtPercent(metrics.totalReturn, 2, true), tone: sign(metrics.totalReturn) },
    { key: 'cagr', label: 'CAGR', value: fmtPercent(metrics.cagr, 2, true), tone: sign(metrics.cagr), hint: metrics.cagr === null ? 'Too little time to annualise' : undefined },
    { key: 'sharpe', label: 'Sharpe', value: fmtNumber(metrics.sharpe, 2), tone: sign(metrics.sharpe) },
    { key: 'maxDrawdown', label: 'Max drawdown', value: fmtPercent(metrics.maxDrawdown === 0 ? 0 : -metrics.maxDrawdown, 2), tone: metrics.maxDrawdown > 0 ? 'neg' : '' },
    { key: 'trades', label: 'Trades', value: fmtInt(metrics.trades), tone: '' },
    { key: 'winRate', label: 'Win rate', value: fmtPercent(metrics.winRate, 1), tone: '' },
    { key: 'finalEquity', label: 'Final equity', value: fmtMoney(metrics.finalEquity, 0), tone: '' },
    { key: 'exposure', label: 'Exposure', value: fmtPercent(metrics.exposure, 1), tone: '' },
  ];
  return (
    <div className="metrics" data-testid="metrics">
      {cards.map((c) => (
        <div className="metric" key={c.key} data-testid={`metric-${c.key}`} title={c.hint}>
          <div className="metric-label">{c.label}</div>
          <div className={`metric-value ${c.tone}`}>{c.value}</div>
        </div>
      ))}
    </div>
  );
}
