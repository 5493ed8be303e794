import { describe, expect, it } from 'vitest';
import { BacktestSettings } from '../graph.ts';
import { scaleCosts } from './costs.ts';

describe('scaling costs', () => {
  it('multiplies every commission part and every slippage amount, and nothing else', () => {
    const s = BacktestSettings.parse({ commissionBps: 2, commissionPerShare: 0.01, commissionFixed: 1, commissionMinimum: 0.5, slippageBps: 3, slippageTicks: 2, slippageVolatility: 0.1, initialCash: 5000 });
    expect(scaleCosts(s, 2, 0)).toEqual({ commissionBps: 4, commissionPerShare: 0.02, commissionFixed: 2, commissionMinimum: 1, slippageBps: 0, slippageTicks: 0, slippageVolatility: 0 });
    expect(scaleCosts(s, 1, 1)).toMatchObject({ commissionBps: 2, slippageBps: 3 });
    expect(scaleCosts(s, 1, 1)).not.toHaveProperty('initialCash');
  });
});
