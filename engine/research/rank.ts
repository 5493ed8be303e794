import { z } from 'zod';
import type { Metrics } from '../metrics.ts';

export const RankMetric = z
  .enum(['sharpe', 'sortino', 'calmar', 'totalReturn', 'cagr', 'profitFactor', 'expectancy', 'winRate', 'maxDrawdown'])
  .describe('The metric that picks the best params; maxDrawdown is minimised, every other one maximised.');
export type RankMetric = z.infer<typeof RankMetric>;

const lowerIsBetter: ReadonlySet<RankMetric> = new Set(['maxDrawdown']);

/**
 * A comparable score: higher is better for every metric. A metric that cannot be computed (a Sharpe
 * with no variation, a profit factor with no losing trade) scores −∞, so it never wins by being undefined.
 */
export function score(metrics: Pick<Metrics, RankMetric> | null | undefined, metric: RankMetric): number {
  const v = metrics?.[metric];
  if (typeof v !== 'number' || !Number.isFinite(v)) return -Infinity;
  return lowerIsBetter.has(metric) ? -v : v;
}

/** The best trial by `metric`; ties go to the lowest trial index, so the choice is reproducible. */
export function bestTrial<T extends { trialIndex: number; metrics: Pick<Metrics, RankMetric> | null }>(trials: readonly T[], metric: RankMetric): T | undefined {
  let best: T | undefined;
  let bestScore = -Infinity;
  for (const t of trials) {
    if (!t.metrics) continue;
    const s = score(t.metrics, metric);
    if (!best || s > bestScore || (s === bestScore && t.trialIndex < best.trialIndex)) {
      best = t;
      bestScore = s;
    }
  }
  return best;
}
