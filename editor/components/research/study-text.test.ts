import { describe, expect, it } from 'vitest';
import { describeConfig } from './study-text.ts';

describe('a study’s settings line', () => {
  const sweep = (samples: number, trialsTotal?: number) => describeConfig({ kind: 'sweep', config: { sampling: { kind: 'random', samples, seed: 3 }, metric: 'sharpe' }, trialsTotal });

  it('says a random sample as large as the grid runs the whole grid, not the samples asked for', () => {
    expect(sweep(1000, 24)).toBe('random 1000: the whole grid of 24 · Sharpe ratio');
    expect(sweep(10, 10)).toBe('random 10 (seed 3) · Sharpe ratio');
    expect(sweep(10)).toBe('random 10 (seed 3) · Sharpe ratio');
  });
});
