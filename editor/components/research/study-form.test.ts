import { describe, expect, it } from 'vitest';
import type { GraphInput } from '../../../engine/graph.ts';
import { defaultStudyForm, searchSpace, studyRequest, type StudyForm } from './study-form.ts';

const strategyId = '7b0c6a44-3f43-4c55-9d7a-3d1c2b0e9f11';
const graph: GraphInput = {
  nodes: [
    { id: 'data', type: 'data.synthetic', params: { bars: 2000 } },
    { id: 'fast', type: 'indicator.sma', params: { period: 10 }, optimize: { period: { min: 5, max: 15, step: 5 } } },
    { id: 'slow', type: 'indicator.sma', params: { period: 50 }, optimize: { period: { values: [40, 80, 40] } } },
    // A range the graph schema refuses is the compiler's to report, not part of the space.
    { id: 'bad', type: 'indicator.sma', params: { period: 5 }, optimize: { period: { min: 9, max: 1, step: 1 } } },
  ],
  edges: [],
};
const space = searchSpace(graph);
const ctx = { strategyId, data: { ok: true as const, choice: undefined }, space, totalBars: 2000 };
const form = (patch: Partial<StudyForm>): StudyForm => ({ ...defaultStudyForm(2000), ...patch });

describe('search space', () => {
  it('lists each optimisable param as nodeId.param with its values, in graph order', () => {
    expect(space).toEqual([
      { key: 'fast.period', values: [5, 10, 15] },
      { key: 'slow.period', values: [40, 80] },
    ]);
  });
});

describe('form → request', () => {
  it('maps a grid sweep, leaving the data out when the graph’s own is used', () => {
    const r = studyRequest(form({ kind: 'sweep', metric: 'totalReturn' }), ctx);
    expect(r).toEqual({ ok: true, trials: 6, request: { kind: 'sweep', strategyId, config: { sampling: { kind: 'grid' }, metric: 'totalReturn' } } });
  });

  it('maps a random sweep with its sample count and seed, and the data picked', () => {
    const r = studyRequest(form({ kind: 'sweep', sampling: 'random', samples: '4', samplingSeed: '9' }), { ...ctx, data: { ok: true, choice: { kind: 'synthetic', seed: 3 } } });
    expect(r).toMatchObject({ ok: true, trials: 4, request: { data: { kind: 'synthetic', seed: 3 }, config: { sampling: { kind: 'random', samples: 4, seed: 9 }, metric: 'sharpe' } } });
  });

  it('maps a walk-forward and counts its trials from the windows that fit', () => {
    const r = studyRequest(form({ kind: 'walkForward', windowMode: 'anchored', inSampleBars: '1000', outOfSampleBars: '250' }), ctx);
    // Four out-of-sample windows of 250 after 1,000 bars; each optimises 6 combinations, then tests once.
    expect(r).toEqual({
      ok: true,
      trials: 4 * 6 + 4,
      request: { kind: 'walkForward', strategyId, config: { mode: 'anchored', inSampleBars: 1000, outOfSampleBars: 250, sampling: { kind: 'grid' }, metric: 'sharpe' } },
    });
  });

  it('maps a Monte Carlo study, blank inputs taking the engine’s defaults', () => {
    const r = studyRequest(form({ kind: 'monteCarlo', method: 'reshuffle', paths: '500', blockLength: '', mcSeed: '' }), ctx);
    expect(r).toMatchObject({ ok: true, request: { kind: 'monteCarlo', config: { method: 'reshuffle', paths: 500, blockLength: 20, seed: 1, params: {} } } });
  });

  it('maps cost multipliers typed as lists', () => {
    const r = studyRequest(form({ kind: 'costSensitivity', commissionMultipliers: '0 1 2.5', slippageMultipliers: '1;3' }), ctx);
    expect(r).toMatchObject({ ok: true, trials: 6, request: { config: { commissionMultipliers: [0, 1, 2.5], slippageMultipliers: [1, 3], params: {} } } });
  });
});

describe('form errors name their field', () => {
  it('reports numbers that do not parse and the engine schema’s bounds, in words', () => {
    const r = studyRequest(form({ kind: 'walkForward', inSampleBars: '10', outOfSampleBars: 'x' }), ctx);
    expect(r).toEqual({ ok: false, errors: { outOfSampleBars: 'Out-of-sample bars must be a number', inSampleBars: 'In-sample bars must be at least 20' } });
    expect(studyRequest(form({ kind: 'monteCarlo', paths: '5', blockLength: '2.5' }), ctx)).toEqual({
      ok: false,
      errors: { paths: 'Paths must be at least 10', blockLength: 'Block length must be a whole number' },
    });
    expect(studyRequest(form({ kind: 'sweep', sampling: 'random', samples: '' }), ctx)).toEqual({ ok: false, errors: { samples: 'Samples is required' } });
  });

  it('reports bad multiplier lists and a refused data choice', () => {
    const r = studyRequest(form({ kind: 'costSensitivity', commissionMultipliers: '1, two', slippageMultipliers: '50' }), { ...ctx, data: { ok: false, message: 'choose a dataset or upload a CSV' } });
    expect(r).toEqual({
      ok: false,
      errors: { data: 'Data choose a dataset or upload a CSV', commissionMultipliers: 'Commission multipliers has “two”, which is not a number', slippageMultipliers: 'Slippage multipliers must be at most 20' },
    });
  });

  it('refuses a sweep with nothing to optimise, and windows longer than the data', () => {
    expect(studyRequest(form({ kind: 'sweep' }), { ...ctx, space: [] })).toMatchObject({ ok: false, errors: { space: expect.stringMatching(/^Mark at least one numeric param optimisable/) } });
    expect(studyRequest(form({ kind: 'walkForward', inSampleBars: '1900', outOfSampleBars: '200' }), ctx)).toEqual({
      ok: false,
      errors: { outOfSampleBars: 'Out-of-sample bars leaves no window: the data has 2,000 bars, fewer than in-sample plus out-of-sample' },
    });
  });

  it('sizes the default windows to the data so a first walk-forward fits', () => {
    const r = studyRequest(form({ kind: 'walkForward' }), ctx);
    expect(r.ok).toBe(true);
  });
});
