import { z } from 'zod';
import { defineNode } from '../../contract.ts';

/** Votes of Hurst, variance ratio and ADF combined into one market regime. */
export const regime = defineNode({
  type: 'model.regime',
  version: 1,
  category: 'model',
  title: 'Regime classifier',
  description: 'Trending, mean-reverting or random, from the Hurst exponent, the variance ratio and the ADF statistic.',
  docs: {
    example: 'Hurst(100), variance ratio(2, 50) and ADF(50) of the close: trade breakouts while "trending", fade extremes while "mean-reverting".',
    caveats: [
      'Each wired input votes. Hurst above its trending level votes trending, below its mean-reverting level votes mean-reverting. The variance ratio likewise with its own two levels. ADF below its level votes mean-reverting (the unit root is rejected); ADF cannot vote trending.',
      'Rule: regime +1 (trending) when at least "min votes" inputs vote trending and none votes mean-reverting; −1 (mean-reverting) the other way round; 0 (random) otherwise, including when the inputs disagree.',
      'ADF level: −2.86 is the 5 % critical value of the test statistic (constant, no trend, large sample). If your ADF input is a p-value, set the level to 0.05 instead: below it still means mean-reverting.',
      'No warm-up of its own: regime, trending and mean-reverting are NaN (unknown) while any wired input is NaN, so the inputs’ own warm-ups carry through. Unwired inputs do not vote; with none wired the regime is always 0.',
      'With "min votes" above the number of wired inputs that can vote that way, that regime never fires.',
    ],
  },
  inputs: {
    hurst: { kind: 'number', description: 'Hurst exponent (0.5 = random walk).', optional: true },
    varianceRatio: { kind: 'number', description: 'Variance ratio (1 = random walk).', optional: true },
    adf: { kind: 'number', description: 'ADF test statistic (or p-value, see the level).', optional: true },
  },
  outputs: {
    regime: { kind: 'number', description: '+1 trending, −1 mean-reverting, 0 random or undecided.' },
    trending: { kind: 'bool', description: 'The regime is trending.' },
    meanReverting: { kind: 'bool', description: 'The regime is mean-reverting.' },
  },
  params: z.object({
    hurstTrending: z.number().finite().default(0.55).describe('Hurst above this votes trending.'),
    hurstMeanReverting: z.number().finite().default(0.45).describe('Hurst below this votes mean-reverting.'),
    vrTrending: z.number().finite().default(1.1).describe('Variance ratio above this votes trending.'),
    vrMeanReverting: z.number().finite().default(0.9).describe('Variance ratio below this votes mean-reverting.'),
    adfLevel: z.number().finite().default(-2.86).describe('ADF below this votes mean-reverting (−2.86: 5 % critical value; use 0.05 for a p-value).'),
    minVotes: z.number().int().min(1).max(3).default(1).describe('Votes needed for a regime, with no vote against it.'),
  }),
  warmup: () => 0,
  init: (_p, wired) => ({ useHurst: wired.hurst ? 1 : 0, useVr: wired.varianceRatio ? 1 : 0, useAdf: wired.adf ? 1 : 0 }),
  step(s, p, input, out) {
    const { hurst, varianceRatio: vr, adf } = input;
    if ((s.useHurst === 1 && hurst !== hurst) || (s.useVr === 1 && vr !== vr) || (s.useAdf === 1 && adf !== adf)) {
      out.regime = out.trending = out.meanReverting = NaN;
      return;
    }
    let up = 0;
    let down = 0;
    if (s.useHurst === 1) {
      if (hurst > p.hurstTrending) up++;
      else if (hurst < p.hurstMeanReverting) down++;
    }
    if (s.useVr === 1) {
      if (vr > p.vrTrending) up++;
      else if (vr < p.vrMeanReverting) down++;
    }
    if (s.useAdf === 1 && adf < p.adfLevel) down++;
    const code = up >= p.minVotes && down === 0 ? 1 : down >= p.minVotes && up === 0 ? -1 : 0;
    out.regime = code;
    out.trending = code === 1 ? 1 : 0;
    out.meanReverting = code === -1 ? 1 : 0;
  },
  kernel(s, p, input, out, from, to) {
    const H = input.hurst, V = input.varianceRatio, A = input.adf, R = out.regime, trending = out.trending, meanReverting = out.meanReverting;
    const useHurst = s.useHurst === 1, useVr = s.useVr === 1, useAdf = s.useAdf === 1;
    const hurstTrending = p.hurstTrending, hurstMeanReverting = p.hurstMeanReverting, vrTrending = p.vrTrending, vrMeanReverting = p.vrMeanReverting, adfLevel = p.adfLevel, minVotes = p.minVotes;
    for (let t = from; t < to; t++) {
      const hurst = H[t]!, vr = V[t]!, adf = A[t]!;
      if ((useHurst && hurst !== hurst) || (useVr && vr !== vr) || (useAdf && adf !== adf)) {
        R[t] = trending[t] = meanReverting[t] = NaN;
        continue;
      }
      let up = 0;
      let down = 0;
      if (useHurst) {
        if (hurst > hurstTrending) up++;
        else if (hurst < hurstMeanReverting) down++;
      }
      if (useVr) {
        if (vr > vrTrending) up++;
        else if (vr < vrMeanReverting) down++;
      }
      if (useAdf && adf < adfLevel) down++;
      const code = up >= minVotes && down === 0 ? 1 : down >= minVotes && up === 0 ? -1 : 0;
      R[t] = code;
      trending[t] = code === 1 ? 1 : 0;
      meanReverting[t] = code === -1 ? 1 : 0;
    }
  },
});
