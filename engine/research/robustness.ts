import { z } from 'zod';
import type { MonteCarloSummary, WalkForwardSummary } from './summary.ts';

/**
 * What a strategy's latest walk-forward and Monte Carlo results must show before it may be promoted to
 * paper or live trading. The defaults are deliberately modest: they reject strategies whose edge
 * vanishes out of sample or whose risk depends on a lucky order of trades, not merely mediocre ones.
 */
export const RobustnessThresholds = z.strictObject({
  walkForward: z
    .object({
      minStitchedReturn: z.number().default(0).describe('Stitched out-of-sample return, percent, at least.'),
      maxStitchedDrawdown: z.number().min(0).max(100).default(25).describe('Stitched out-of-sample max drawdown, percent, at most.'),
      minEfficiency: z.number().default(0.5).describe('Out-of-sample return per bar over in-sample, at least (0.5 = keeps half its in-sample edge).'),
      minProfitableWindowsPct: z.number().min(0).max(100).default(50).describe('Out-of-sample windows that made money, percent, at least.'),
    })
    .default({ minStitchedReturn: 0, maxStitchedDrawdown: 25, minEfficiency: 0.5, minProfitableWindowsPct: 50 }),
  monteCarlo: z
    .object({
      minFinalReturnP5: z.number().default(-10).describe('5th percentile of final return, percent, at least.'),
      maxDrawdownP95: z.number().min(0).max(100).default(35).describe('95th percentile of max drawdown, percent, at most.'),
      maxProbabilityOfLoss: z.number().min(0).max(100).default(40).describe('Share of paths ending below the initial cash, percent, at most.'),
    })
    .default({ minFinalReturnP5: -10, maxDrawdownP95: 35, maxProbabilityOfLoss: 40 }),
});
export type RobustnessThresholds = z.infer<typeof RobustnessThresholds>;
export type RobustnessThresholdsInput = z.input<typeof RobustnessThresholds>;

export interface RobustnessCheck {
  name: string;
  /** The measured value; null when the result needed for it is missing or undefined. */
  value: number | null;
  threshold: number;
  comparison: '>=' | '<=';
  pass: boolean;
  reason: string;
}

export interface RobustnessVerdict {
  pass: boolean;
  checks: RobustnessCheck[];
}

function check(name: string, value: number | null | undefined, comparison: '>=' | '<=', threshold: number, unit: string): RobustnessCheck {
  const v = value ?? null;
  const pass = v !== null && Number.isFinite(v) && (comparison === '>=' ? v >= threshold : v <= threshold);
  const shown = v === null ? 'not available' : `${Number(v.toFixed(4))}${unit}`;
  const reason = pass ? `${name} ${shown} ${comparison} ${threshold}${unit}` : `${name} is ${shown}; needs ${comparison === '>=' ? 'at least' : 'at most'} ${threshold}${unit}`;
  return { name, value: v, threshold, comparison, pass, reason };
}

/**
 * The robustness gate: does the latest walk-forward and Monte Carlo result pass every threshold? A
 * missing result fails its checks (never pass by absence), and every check says why.
 */
export function evaluateRobustness(latestWalkForward: WalkForwardSummary | null | undefined, latestMonteCarlo: MonteCarloSummary | null | undefined, thresholds: RobustnessThresholdsInput = {}): RobustnessVerdict {
  const t = RobustnessThresholds.parse(thresholds);
  const wf = latestWalkForward;
  const mc = latestMonteCarlo;
  const checks: RobustnessCheck[] = [];
  if (!wf) checks.push({ name: 'walk-forward', value: null, threshold: 1, comparison: '>=', pass: false, reason: 'no finished walk-forward run' });
  else {
    checks.push(
      check('stitched out-of-sample return', wf.stitched.metrics?.totalReturn, '>=', t.walkForward.minStitchedReturn, ' %'),
      check('stitched out-of-sample max drawdown', wf.stitched.metrics?.maxDrawdown, '<=', t.walkForward.maxStitchedDrawdown, ' %'),
      check('walk-forward efficiency', wf.efficiency, '>=', t.walkForward.minEfficiency, ''),
      check('profitable out-of-sample windows', wf.profitableWindowsPct, '>=', t.walkForward.minProfitableWindowsPct, ' %'),
    );
  }
  if (!mc) checks.push({ name: 'Monte Carlo', value: null, threshold: 1, comparison: '>=', pass: false, reason: 'no finished Monte Carlo run' });
  else {
    checks.push(
      check('Monte Carlo 5th percentile final return', mc.paths ? mc.finalReturn.p5 : null, '>=', t.monteCarlo.minFinalReturnP5, ' %'),
      check('Monte Carlo 95th percentile max drawdown', mc.paths ? mc.maxDrawdown.p95 : null, '<=', t.monteCarlo.maxDrawdownP95, ' %'),
      check('Monte Carlo probability of loss', mc.paths ? mc.probabilityOfLoss : null, '<=', t.monteCarlo.maxProbabilityOfLoss, ' %'),
    );
  }
  return { pass: checks.every((c) => c.pass), checks };
}
