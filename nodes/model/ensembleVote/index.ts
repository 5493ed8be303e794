import { z } from 'zod';
import { defineNode } from '../../contract.ts';

const voters = ['s1', 's2', 's3', 's4', 's5'] as const;

/** Majority (or any quorum) vote over up to five conditions. */
export const ensembleVote = defineNode({
  type: 'model.ensembleVote',
  version: 1,
  category: 'model',
  title: 'Ensemble vote',
  description: 'Share of the connected signals that are true, and whether it reaches a threshold.',
  docs: {
    example: 'Three trend signals (MA cross, MACD > 0, ADX > 25), threshold 0.6: act when at least two of three agree.',
    caveats: [
      'No warm-up of its own. Only wired inputs count: the share is (true signals) ÷ (wired signals), and "agreed" is share ≥ threshold.',
      'A wired signal that is unknown (NaN, still warming up) counts as a vote against, as everywhere in logic: it stays in the count but is not true. Any value other than exactly 1 is false.',
      'Signals are conditions: turn a number (a regime code, a forecast) into one with Threshold or Compare first.',
      'With no input wired, share and agreed are NaN.',
    ],
  },
  inputs: {
    s1: { kind: 'bool', description: 'Signal 1 (optional).', optional: true },
    s2: { kind: 'bool', description: 'Signal 2 (optional).', optional: true },
    s3: { kind: 'bool', description: 'Signal 3 (optional).', optional: true },
    s4: { kind: 'bool', description: 'Signal 4 (optional).', optional: true },
    s5: { kind: 'bool', description: 'Signal 5 (optional).', optional: true },
  },
  outputs: {
    share: { kind: 'number', description: 'Fraction (0–1) of the wired signals that are true.' },
    agreed: { kind: 'bool', description: 'The share reaches the threshold.' },
  },
  params: z.object({
    threshold: z.number().min(0).max(1).default(0.5).describe('Share of true signals needed (0.5: at least half).'),
  }),
  warmup: () => 0,
  init: (_p, wired) => ({ count: voters.filter((v) => wired[v]).length }),
  step(s, p, input, out) {
    if (s.count === 0) {
      out.share = out.agreed = NaN;
      return;
    }
    // An unwired input reads NaN, never 1, so only the denominator needs the wiring.
    const yes = (input.s1 === 1 ? 1 : 0) + (input.s2 === 1 ? 1 : 0) + (input.s3 === 1 ? 1 : 0) + (input.s4 === 1 ? 1 : 0) + (input.s5 === 1 ? 1 : 0);
    const share = yes / s.count;
    out.share = share;
    out.agreed = share >= p.threshold ? 1 : 0;
  },
  kernel(s, p, input, out, from, to) {
    const S1 = input.s1, S2 = input.s2, S3 = input.s3, S4 = input.s4, S5 = input.s5, share = out.share, agreed = out.agreed;
    const count = s.count, threshold = p.threshold;
    if (count === 0) {
      for (let t = from; t < to; t++) share[t] = agreed[t] = NaN;
      return;
    }
    for (let t = from; t < to; t++) {
      // An unwired input reads NaN, never 1, so only the denominator needs the wiring.
      const yes = (S1[t] === 1 ? 1 : 0) + (S2[t] === 1 ? 1 : 0) + (S3[t] === 1 ? 1 : 0) + (S4[t] === 1 ? 1 : 0) + (S5[t] === 1 ? 1 : 0);
      const v = yes / count;
      share[t] = v;
      agreed[t] = v >= threshold ? 1 : 0;
    }
  },
});
