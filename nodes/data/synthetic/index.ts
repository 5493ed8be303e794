import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { barOutputs, publishBar } from '../outputs.ts';

/** Seeded synthetic prices: the same seed always gives the same bars, so results are reproducible. */
export const syntheticBars = defineNode({
  type: 'data.synthetic',
  version: 1,
  category: 'data',
  title: 'Synthetic bars',
  description: 'Seeded random-walk (GBM) prices for trying strategies without data.',
  docs: {
    example: 'Seed 42, 5 000 one-hour bars, 60 % volatility: a crypto-like market to test a trend strategy.',
    caveats: [
      'Geometric Brownian motion has no trends or mean reversion on purpose: a strategy that shines here is probably overfit.',
      'Change the seed to see how much of a result is luck.',
      'With several symbols, every node before the portfolio nodes runs once per symbol; symbol k uses its own seed derived from the seed.',
    ],
  },
  inputs: {},
  outputs: barOutputs,
  params: z.object({
    seed: z.number().int().min(0).max(2 ** 32 - 1).default(42).describe('Random seed; the same seed gives the same bars.'),
    bars: z.number().int().min(10).max(20_000_000).default(5000).describe('How many bars to generate.'),
    startPrice: z.number().positive().max(1e9).default(100).describe('Price of the first bar.'),
    drift: z.number().min(-5).max(5).default(0.05).describe('Annualised drift, e.g. 0.05 for +5 % a year.'),
    volatility: z.number().min(0).max(10).default(0.6).describe('Annualised volatility, e.g. 0.6 for 60 %.'),
    intervalMinutes: z.number().int().min(1).max(10_080).default(60).describe('Bar length in minutes.'),
    startTime: z.iso.datetime().default('2024-01-01T00:00:00Z').describe('Open time of the first bar (UTC).'),
    symbols: z.number().int().min(1).max(500).default(1).describe('How many symbols to trade together (SYN1, SYN2…), each its own seeded walk.'),
  }),
  source: (p) => ({ kind: 'synthetic', seed: p.seed, bars: p.bars, startPrice: p.startPrice, drift: p.drift, volatility: p.volatility, intervalMinutes: p.intervalMinutes, startTime: Date.parse(p.startTime), ...(p.symbols > 1 && { symbols: p.symbols }) }),
  init: () => ({}),
  step: publishBar,
});
