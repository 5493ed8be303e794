import { z } from 'zod';
import { bool } from '../../bool.ts';
import { defineNode } from '../../contract.ts';
import { EmitMode, emitCaveats, emits, emitState } from '../emit.ts';

const label = (port: string) =>
  z.string().trim().min(1).max(64).default(port).describe(`Column header for input ${port.toUpperCase()}.`);

/** The value inputs a CSV row records, in column order. */
export const csvValuePorts = ['a', 'b', 'c', 'd'] as const;
export type CsvValuePort = (typeof csvValuePorts)[number];

export const CsvExportParams = z.object({
  name: z
    .string()
    .trim()
    .min(1)
    .max(80)
    .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, 'use letters, digits, spaces, . _ and - only')
    .default('signals')
    .describe('File name of the download, without .csv.'),
  mode: EmitMode.default('onTrue'),
  labelA: label('a'),
  labelB: label('b'),
  labelC: label('c'),
  labelD: label('d'),
});
export type CsvExportParams = z.infer<typeof CsvExportParams>;

/** The column header of each value input, from the params. */
export function csvLabels(p: CsvExportParams): Record<CsvValuePort, string> {
  return { a: p.labelA, b: p.labelB, c: p.labelC, d: p.labelD };
}

/**
 * Records rows of signal values for a CSV download. The step only decides which bars emit; the engine
 * records the bar and the inputs, and the server writes the file (GET /api/runs/{id}/exports/{node}.csv).
 */
export const csvExport = defineNode({
  type: 'output.csvExport',
  version: 1,
  category: 'output',
  title: 'Export to CSV',
  description: 'Record a row of values on the bars a condition picks, to download as a CSV file after the run.',
  docs: {
    example:
      'when = Crossover(SMA 10, SMA 50), A = close, B = RSI(14), labels "close" and "rsi", mode onRise: one row per golden cross with the price and the RSI at that bar, to check the signals in a spreadsheet.',
    caveats: [
      ...emitCaveats,
      'The file has the columns time (ISO 8601, UTC, the bar’s open time), symbol, bar (index from 0), when (if wired) and one column per wired value input, headed by its label. Unwired value inputs get no column; NaN values are empty cells.',
      'Labels and symbols that a spreadsheet would read as a formula (starting with =, +, -, @) are written with a leading apostrophe, so opening a shared strategy’s export cannot run a formula.',
      '`fired` is 1 on the bars that emit a row, else 0. No warm-up of its own.',
    ],
  },
  sink: { kind: 'csv' },
  inputs: {
    when: { kind: 'bool', description: 'Which bars to record (see the mode). Unwired: every bar.', optional: true },
    a: { kind: 'number', description: 'First value column.', optional: true },
    b: { kind: 'number', description: 'Second value column.', optional: true },
    c: { kind: 'number', description: 'Third value column.', optional: true },
    d: { kind: 'number', description: 'Fourth value column.', optional: true },
  },
  outputs: { fired: { kind: 'bool', description: 'True on the bars that record a row.' } },
  params: CsvExportParams,
  warmup: () => 0,
  init: (_p, wired) => emitState(wired.when),
  // The fifth parameter (the context) puts the node in the per-bar phase, after which the engine records its row.
  step(s, p, input, out, _ctx) {
    out.fired = bool(emits(s, p.mode, input.when));
  },
});
