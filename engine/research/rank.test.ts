import { describe, expect, it } from 'vitest';
import { bestTrial, score } from './rank.ts';

const m = (over: Record<string, number | null>) => ({ sharpe: null, sortino: null, calmar: null, totalReturn: 0, cagr: null, profitFactor: null, expectancy: null, winRate: null, maxDrawdown: 0, ...over });

describe('ranking trials', () => {
  it('maximises most metrics and minimises drawdown', () => {
    expect(score(m({ sharpe: 1.5 }), 'sharpe')).toBe(1.5);
    expect(score(m({ maxDrawdown: 12 }), 'maxDrawdown')).toBe(-12);
    expect(score(m({ sharpe: null }), 'sharpe')).toBe(-Infinity);
    expect(score(null, 'sharpe')).toBe(-Infinity);
  });

  it('picks the best, skipping failed trials and breaking ties by the lowest index', () => {
    const trials = [
      { trialIndex: 3, metrics: m({ sharpe: 2 }) },
      { trialIndex: 1, metrics: null },
      { trialIndex: 2, metrics: m({ sharpe: 2 }) },
      { trialIndex: 0, metrics: m({ sharpe: 1 }) },
    ];
    expect(bestTrial(trials, 'sharpe')?.trialIndex).toBe(2);
    expect(bestTrial(trials, 'maxDrawdown')?.trialIndex).toBe(0);
    expect(bestTrial([{ trialIndex: 0, metrics: null }], 'sharpe')).toBeUndefined();
  });

  it('still picks a trial when every score is undefined, so a window always has params', () => {
    expect(bestTrial([{ trialIndex: 5, metrics: m({}) }, { trialIndex: 4, metrics: m({}) }], 'sharpe')?.trialIndex).toBe(4);
  });
});
