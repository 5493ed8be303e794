import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { BasketDatasets, maxBasketDatasets } from '../basket.ts';
import { barOutputs, publishBar } from '../outputs.ts';

/**
 * Several uploaded CSV files traded as one portfolio, one symbol per file. A node of its own rather than
 * a list on `data.csv`: the one-file node keeps its simple param (no version bump, no migration of
 * saved strategies), and a basket always means lanes, whatever its size.
 */
export const csvBasket = defineNode({
  type: 'data.csvBasket',
  version: 1,
  category: 'data',
  title: 'CSV basket',
  description: 'Several uploaded OHLCV CSV files traded together, one symbol per file.',
  docs: {
    example: 'Pick daily SPY, QQQ, TLT and GLD files, then rank their 60-bar momentum and rebalance into the top 2.',
    caveats: [
      'Every node before the Portfolio nodes runs once per file (symbol), with its own state; the Portfolio nodes compare the symbols on each bar.',
      'Each file trades as its own symbol: the name you give it, else the dataset’s name without “.csv”. Symbols must be unique (case does not count), and so must the files.',
      'The files are aligned on every time any of them has. A file with no bar at such a time gets a missing bar there, which is skipped for that symbol alone: its nodes do not step, no order of it fills, it is marked at its last close. Nothing is filled in from earlier or later bars.',
      'All files must have the same bar interval (e.g. all daily); a basket mixing hourly and daily files is refused, naming the files.',
      `At most ${maxBasketDatasets} files. A single file works too, but the CSV bars node is simpler for that.`,
    ],
  },
  inputs: {},
  outputs: barOutputs,
  params: z.object({
    datasets: BasketDatasets.describe('The uploaded datasets to trade together, in symbol order, each with an optional symbol name.'),
  }),
  source: (p) => ({ kind: 'datasets', datasets: p.datasets }),
  init: () => ({}),
  step: publishBar,
});
