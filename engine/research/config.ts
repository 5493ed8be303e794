import { z } from 'zod';
import { MonteCarloMethod } from './montecarlo.ts';
import { RankMetric } from './rank.ts';
import { Sampling } from './sampling.ts';
import { WindowMode } from './windows.ts';

/** Params by `nodeId.param`, for runs that test one set of params rather than search for one. */
export const ParamsOverrideSchema = z
  .record(z.string().regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_]+$/, 'keys are nodeId.param'), z.number().finite())
  .default({})
  .describe('Param values to use instead of the graph’s, by nodeId.param (e.g. {"fast.period": 12}).');

// Strict, as every request object: a misspelt field ("blockBars") was dropped and its default used,
// so the study that ran was not the one asked for, with nothing said.
export const SweepConfig = z.strictObject({
  sampling: Sampling,
  metric: RankMetric.default('sharpe'),
});

export const WalkForwardConfig = z.strictObject({
  mode: WindowMode.default('rolling'),
  inSampleBars: z.number().int().min(20).max(10_000_000).describe('Bars each in-sample optimisation sees.'),
  outOfSampleBars: z.number().int().min(5).max(10_000_000).describe('Bars each out-of-sample test runs on; windows move on by this much.'),
  sampling: Sampling,
  metric: RankMetric.default('sharpe'),
});

export const MonteCarloConfig = z.strictObject({
  method: MonteCarloMethod.default('blockBootstrap'),
  paths: z.number().int().min(10).max(100_000).default(1000),
  blockLength: z.number().int().min(1).max(100_000).default(20).describe('Bars per block (block bootstrap only).'),
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(1),
  params: ParamsOverrideSchema,
});

const Multipliers = z.array(z.number().min(0).max(20)).min(1).max(20);
export const CostSensitivityConfig = z.strictObject({
  commissionMultipliers: Multipliers.default([0, 1, 2, 3]).describe('Each commission part times these.'),
  slippageMultipliers: Multipliers.default([0, 1, 2, 4]).describe('Each slippage amount times these.'),
  params: ParamsOverrideSchema,
});

/** How a run spreads over workers: trials per activity and activities in flight at once. */
export const Execution = z
  .strictObject({
    trialsPerActivity: z.number().int().min(1).max(500).optional().describe('Default: 10 for sweeps and cost grids, 1 out-of-sample window, 2 Monte Carlo batches of 100 paths.'),
    concurrency: z.number().int().min(1).max(64).default(8).describe('Activities in flight at once, across all workers.'),
  })
  .default({ concurrency: 8 });
export type Execution = z.infer<typeof Execution>;

/** What a research run does: its kind and that kind's config, as stored with the run. */
export const ResearchSpec = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sweep'), config: SweepConfig.default({ sampling: { kind: 'grid' }, metric: 'sharpe' }) }),
  z.object({ kind: z.literal('walkForward'), config: WalkForwardConfig }),
  z.object({ kind: z.literal('monteCarlo'), config: MonteCarloConfig.default(MonteCarloConfig.parse({})) }),
  z.object({ kind: z.literal('costSensitivity'), config: CostSensitivityConfig.default(CostSensitivityConfig.parse({})) }),
]);
export type ResearchSpec = z.infer<typeof ResearchSpec>;
export type ResearchKind = ResearchSpec['kind'];
export const researchKinds = ['sweep', 'walkForward', 'monteCarlo', 'costSensitivity'] as const satisfies readonly ResearchKind[];
