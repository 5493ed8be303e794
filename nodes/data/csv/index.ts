import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { barOutputs, publishBar } from '../outputs.ts';

/** Bars from an uploaded OHLCV CSV file, validated row by row at upload. */
export const csvBars = defineNode({
  type: 'data.csv',
  version: 1,
  category: 'data',
  title: 'CSV bars',
  description: 'Bars from an uploaded OHLCV CSV file.',
  docs: {
    example: 'Upload daily BTC-USD bars (time, open, high, low, close, volume) and pick the file here.',
    caveats: [
      'Times may be ISO-8601 (read as UTC when no zone is given), YYYYMMDD dates, or epoch seconds, milliseconds, microseconds or nanoseconds (told apart by size), strictly increasing, in the years 1900–2199.',
      'A file with any bad row (NaN, non-positive price, high below low) is refused at upload with the line and column.',
    ],
  },
  inputs: {},
  outputs: barOutputs,
  params: z.object({
    dataset: z.string({ error: 'pick an uploaded CSV file' }).min(1, 'pick an uploaded CSV file').describe('The uploaded dataset to read.'),
  }),
  source: (p) => ({ kind: 'dataset', datasetId: p.dataset }),
  init: () => ({}),
  step: publishBar,
});
