import { describe, expect, it } from 'vitest';
import { evaluateRobustness, RobustnessThresholds } from './robustness.ts';
import type { MonteCarloSummary, WalkForwardSummary } from './summary.ts';

function walkForward(over: { totalReturn?: number; maxDrawdown?: number; efficiency?: number | null; profitable?: number } = {}): WalkForwardSummary {
  return {
    kind: 'walkForward',
    metric: 'sharpe',
    windows: [],
    stitched: { equity: [], exact: true, metrics: { totalReturn: over.totalReturn ?? 12, maxDrawdown: over.maxDrawdown ?? 10 } as WalkForwardSummary['stitched']['metrics'] },
    efficiency: over.efficiency === undefined ? 0.8 : over.efficiency,
    profitableWindowsPct: over.profitable ?? 75,
  };
}

function monteCarlo(over: { p5?: number; dd95?: number; loss?: number } = {}): MonteCarloSummary {
  const table = { p5: 0, p25: 0, p50: 0, p75: 0, p95: 0, histogram: [] };
  return {
    kind: 'monteCarlo',
    method: 'blockBootstrap',
    base: null,
    paths: 1000,
    finalReturn: { ...table, p5: over.p5 ?? -2 },
    maxDrawdown: { ...table, p95: over.dd95 ?? 20 },
    probabilityOfLoss: over.loss ?? 10,
  };
}

describe('the robustness gate', () => {
  it('documents its defaults in the schema', () => {
    expect(RobustnessThresholds.parse({})).toEqual({
      walkForward: { minStitchedReturn: 0, maxStitchedDrawdown: 25, minEfficiency: 0.5, minProfitableWindowsPct: 50 },
      monteCarlo: { minFinalReturnP5: -10, maxDrawdownP95: 35, maxProbabilityOfLoss: 40 },
    });
  });

  it('passes when every check passes, and says so check by check', () => {
    const v = evaluateRobustness(walkForward(), monteCarlo());
    expect(v.pass).toBe(true);
    expect(v.checks).toHaveLength(7);
    expect(v.checks.every((c) => c.pass)).toBe(true);
  });

  it('fails on any one threshold, naming the value and what it needed', () => {
    const v = evaluateRobustness(walkForward({ efficiency: 0.3 }), monteCarlo());
    expect(v.pass).toBe(false);
    expect(v.checks.filter((c) => !c.pass)).toEqual([expect.objectContaining({ name: 'walk-forward efficiency', value: 0.3, threshold: 0.5, reason: 'walk-forward efficiency is 0.3; needs at least 0.5' })]);
    expect(evaluateRobustness(walkForward(), monteCarlo({ dd95: 50 })).pass).toBe(false);
    expect(evaluateRobustness(walkForward({ maxDrawdown: 30 }), monteCarlo()).pass).toBe(false);
  });

  it('never passes by absence: missing runs and undefined values fail', () => {
    const v = evaluateRobustness(null, undefined);
    expect(v.pass).toBe(false);
    expect(v.checks.map((c) => c.reason)).toEqual(['no finished walk-forward run', 'no finished Monte Carlo run']);
    const undefinedEfficiency = evaluateRobustness(walkForward({ efficiency: null }), monteCarlo());
    expect(undefinedEfficiency.checks.find((c) => c.name === 'walk-forward efficiency')).toMatchObject({ pass: false, value: null });
  });

  it('uses the thresholds the user sets', () => {
    const strict = { walkForward: { minStitchedReturn: 20 } };
    expect(evaluateRobustness(walkForward(), monteCarlo(), strict).pass).toBe(false);
    expect(evaluateRobustness(walkForward({ efficiency: 0.3 }), monteCarlo(), { walkForward: { minEfficiency: 0.2 } }).pass).toBe(true);
  });
});
