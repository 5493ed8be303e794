import type { ResearchSpec } from './config.ts';
import { comboAt, type Dimension, type ParamsOverride } from './space.ts';
import { MAX_TRIALS, trialCombos, trialCount } from './sampling.ts';
import { splitWindows, type WalkWindow } from './windows.ts';

/** Monte Carlo paths per stored trial: a trial row holds this many paths' outcomes. */
export const PATHS_PER_TRIAL = 100;

export const phaseNames = ['sweep', 'inSample', 'outOfSample', 'monteCarlo', 'cost'] as const;
export type PhaseName = (typeof phaseNames)[number];

/**
 * A stage of a research run: trials `[start, end)`, handed to activities `batch` at a time. Phases run
 * in order (walk-forward's out-of-sample windows need every in-sample result); trials within a phase
 * are independent and spread over any number of workers.
 */
export interface Phase {
  name: PhaseName;
  start: number;
  end: number;
  batch: number;
}

/** What the trial indices mean, recomputed from the stored spec, the graph's dimensions and the data length. */
export interface ResearchLayout {
  phases: Phase[];
  total: number;
  /** Grid combination of each search trial (sweep, and walk-forward in-sample per window). */
  combos: number[];
  windows: WalkWindow[];
}

export class ResearchPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResearchPlanError';
  }
}

/** Lay out a run's trials. Throws `ResearchPlanError` for a run that cannot be laid out (no window fits, too many trials). */
export function layout(spec: ResearchSpec, dimensions: readonly Dimension[], totalBars: number, trialsPerActivity?: number): ResearchLayout {
  const per = (fallback: number) => trialsPerActivity ?? fallback;
  switch (spec.kind) {
    case 'sweep': {
      const count = trialCount(dimensions, spec.config.sampling);
      if (dimensions.length === 0) throw new ResearchPlanError('nothing to sweep: mark at least one node param as optimisable (its "optimize" field)');
      if (count > MAX_TRIALS) throw new ResearchPlanError(`the grid has ${count} combinations; use random sampling or narrow the ranges (at most ${MAX_TRIALS})`);
      return { phases: [{ name: 'sweep', start: 0, end: count, batch: per(10) }], total: count, combos: trialCombos(dimensions, spec.config.sampling), windows: [] };
    }
    case 'walkForward': {
      const { config } = spec;
      if (dimensions.length === 0) throw new ResearchPlanError('nothing to optimise in-sample: mark at least one node param as optimisable (its "optimize" field)');
      const windows = splitWindows(totalBars, config);
      if (windows.length === 0) throw new ResearchPlanError(`${totalBars} bars hold no window of ${config.inSampleBars} in-sample + ${config.outOfSampleBars} out-of-sample bars`);
      const perWindow = trialCount(dimensions, config.sampling);
      if (perWindow * windows.length > MAX_TRIALS) throw new ResearchPlanError(`${windows.length} windows × ${perWindow} combinations is more than ${MAX_TRIALS} trials; sample fewer combinations or use longer windows`);
      const is = perWindow * windows.length;
      return {
        phases: [
          { name: 'inSample', start: 0, end: is, batch: per(10) },
          { name: 'outOfSample', start: is, end: is + windows.length, batch: 1 },
        ],
        total: is + windows.length,
        combos: trialCombos(dimensions, config.sampling),
        windows,
      };
    }
    case 'monteCarlo': {
      const { method, blockLength } = spec.config;
      // A block as long as the data makes every path the data itself, rotated: one final return, drawn
      // as a histogram of rounding noise.
      if (method === 'blockBootstrap' && blockLength >= totalBars) {
        throw new ResearchPlanError(`a block of ${blockLength} bars covers all ${totalBars} bars: every path would be the data itself, rotated, with the same final return; use blocks much shorter than the data`);
      }
      const count = Math.ceil(spec.config.paths / PATHS_PER_TRIAL);
      return { phases: [{ name: 'monteCarlo', start: 0, end: count, batch: per(2) }], total: count, combos: [], windows: [] };
    }
    case 'costSensitivity': {
      const count = spec.config.commissionMultipliers.length * spec.config.slippageMultipliers.length;
      return { phases: [{ name: 'cost', start: 0, end: count, batch: per(10) }], total: count, combos: [], windows: [] };
    }
  }
}

/** What one trial index means. */
export type TrialWork =
  | { phase: 'sweep'; params: ParamsOverride }
  | { phase: 'inSample'; window: WalkWindow; params: ParamsOverride }
  | { phase: 'outOfSample'; window: WalkWindow }
  | { phase: 'monteCarlo'; from: number; to: number }
  | { phase: 'cost'; commission: number; slippage: number; params: ParamsOverride };

export function trialWork(spec: ResearchSpec, plan: ResearchLayout, dimensions: readonly Dimension[], index: number): TrialWork {
  if (!(Number.isInteger(index) && index >= 0 && index < plan.total)) throw new RangeError(`trial ${index} is outside 0..${plan.total - 1}`);
  switch (spec.kind) {
    case 'sweep':
      return { phase: 'sweep', params: comboAt(dimensions, plan.combos[index]!) };
    case 'walkForward': {
      const perWindow = plan.combos.length;
      const inSample = perWindow * plan.windows.length;
      if (index >= inSample) return { phase: 'outOfSample', window: plan.windows[index - inSample]! };
      return { phase: 'inSample', window: plan.windows[Math.floor(index / perWindow)]!, params: comboAt(dimensions, plan.combos[index % perWindow]!) };
    }
    case 'monteCarlo':
      return { phase: 'monteCarlo', from: index * PATHS_PER_TRIAL, to: Math.min(spec.config.paths, (index + 1) * PATHS_PER_TRIAL) };
    case 'costSensitivity': {
      const s = spec.config.slippageMultipliers;
      return { phase: 'cost', commission: spec.config.commissionMultipliers[Math.floor(index / s.length)]!, slippage: s[index % s.length]!, params: spec.config.params };
    }
  }
}

/** The in-sample trial indices of walk-forward window `w`. */
export function inSampleTrials(plan: ResearchLayout, w: number): { from: number; to: number } {
  return { from: w * plan.combos.length, to: (w + 1) * plan.combos.length };
}
