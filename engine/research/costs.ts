import type { BacktestSettings } from '../graph.ts';

/**
 * The graph's cost settings scaled: every commission part by `commission`, every slippage model's
 * amount by `slippage`. 0 removes the cost, 2 doubles it; the slippage model itself stays the graph's.
 */
export function scaleCosts(settings: BacktestSettings, commission: number, slippage: number): Partial<BacktestSettings> {
  return {
    commissionBps: settings.commissionBps * commission,
    commissionPerShare: settings.commissionPerShare * commission,
    commissionFixed: settings.commissionFixed * commission,
    commissionMinimum: settings.commissionMinimum * commission,
    slippageBps: settings.slippageBps * slippage,
    slippageTicks: settings.slippageTicks * slippage,
    slippageVolatility: settings.slippageVolatility * slippage,
  };
}
