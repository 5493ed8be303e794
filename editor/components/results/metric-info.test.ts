import { describe, expect, it } from 'vitest';
import type { Metrics } from '../../../engine/metrics.ts';
import { compareMetric, metricInfo, metricValue } from './metric-info.ts';

const base: Metrics = {
  totalReturn: 10, cagr: 12, volatility: 20, sharpe: 1.2, sortino: 1.5, maxDrawdown: 8, maxDrawdownBars: 300, trades: 40, winRate: 55, profitFactor: 1.4,
  exposure: 60, finalEquity: 110_000, commissionPaid: 120, periodsPerYear: 8766, calmar: 1.5, expectancy: 250, turnover: 12, var95: 1.1, cvar95: 1.6,
  benchmarkReturn: 5, beta: 0.6, alpha: 3,
};
const info = (key: string) => metricInfo.find((m) => m.key === key)!;

describe('metric info', () => {
  it('covers every metric the engine reports except the annualisation constant', () => {
    expect(metricInfo.map((m) => m.key).sort()).toEqual(Object.keys(base).filter((k) => k !== 'periodsPerYear').sort());
    expect(metricInfo.every((m) => m.help.length > 10)).toBe(true);
  });

  it('formats drawdown as a loss and says which way a change is better', () => {
    expect(info('maxDrawdown').format(8, base)).toBe('-8.00 %');
    expect(compareMetric(info('maxDrawdown'), base, { ...base, maxDrawdown: 5 })).toEqual({ delta: -3, tone: 'better' });
    expect(info('maxDrawdown').delta(-3)).toBe('+3.00 pp');
    expect(compareMetric(info('sharpe'), base, { ...base, sharpe: 0.9 }).tone).toBe('worse');
    expect(compareMetric(info('trades'), base, { ...base, trades: 50 })).toEqual({ delta: 10, tone: 'neutral' });
    expect(compareMetric(info('totalReturn'), base, base)).toEqual({ delta: 0, tone: 'same' });
    expect(compareMetric(info('cagr'), base, { ...base, cagr: null })).toEqual({ delta: null, tone: 'neutral' });
    expect(metricValue({ ...base, calmar: undefined } as unknown as Metrics, 'calmar')).toBeNull();
  });
});
