import { z } from 'zod';
import { mulberry32, sampleDistinct } from './prng.ts';
import { gridSize, type Dimension } from './space.ts';

/** The most trials one research run may hold (per walk-forward window for walk-forward runs). */
export const MAX_TRIALS = 100_000;

export const Sampling = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('grid') }).describe('Every combination of the optimisable params.'),
    z
      .strictObject({
        kind: z.literal('random'),
        samples: z.number().int().min(1).max(MAX_TRIALS).describe('How many distinct combinations to try.'),
        seed: z.number().int().min(0).max(2 ** 32 - 1).default(1).describe('Same seed, same combinations.'),
      })
      .describe('A seeded random subset of the grid, without repeats.'),
  ])
  .default({ kind: 'grid' });
export type Sampling = z.infer<typeof Sampling>;

/**
 * Which grid combinations the trials run, in trial order. Deterministic from the dimensions and the
 * sampling alone, so every activity recomputes the same list from the run's stored config.
 */
export function trialCombos(dimensions: readonly Dimension[], sampling: Sampling): number[] {
  const size = gridSize(dimensions);
  if (sampling.kind === 'grid') return Array.from({ length: size }, (_, i) => i);
  return sampleDistinct(size, sampling.samples, mulberry32(sampling.seed));
}

/** How many trials a sampling gives, without listing them (for validating a request). */
export function trialCount(dimensions: readonly Dimension[], sampling: Sampling): number {
  const size = gridSize(dimensions);
  return sampling.kind === 'grid' ? size : Math.min(size, sampling.samples);
}
