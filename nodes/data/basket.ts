import { z } from 'zod';

/**
 * A basket of uploaded CSV datasets traded together, one symbol each. The one schema of a basket: the
 * `data.csvBasket` node's param, the `datasets` data request and the run-time data choice all use it, so
 * a basket the node accepts is exactly one the engine can load.
 */

// The limits and the default symbol live in a module without zod, so the editor can use them without
// building the schemas below on its first paint; re-exported here, the basket's one home.
import { maxBasketDatasets, maxSymbolLength, symbolOfName } from './basket-names.ts';

export { maxBasketDatasets, maxSymbolLength, symbolOfName };

export const SymbolName = z
  .string()
  .trim()
  .min(1, 'a symbol needs at least one character')
  .max(maxSymbolLength, `a symbol has at most ${maxSymbolLength} characters`)
  // Control characters would garble trade lists and exported CSV rows.
  .regex(/^[^\u0000-\u001f\u007f]*$/, 'a symbol cannot contain control characters');

export const BasketDataset = z.object({
  datasetId: z.string({ error: 'pick an uploaded CSV file' }).min(1, 'pick an uploaded CSV file').max(64).describe('An uploaded dataset.'),
  symbol: SymbolName.optional().describe('The symbol its bars trade as; absent for the dataset’s name (without “.csv”).'),
});
export type BasketDataset = z.infer<typeof BasketDataset>;

/** Symbols are compared without case, so "spy" and "SPY" can never be two lanes of one portfolio. */
export const symbolKey = (symbol: string) => symbol.toLowerCase();

export const BasketDatasets = z
  .array(BasketDataset, { error: 'pick uploaded CSV files' })
  .min(1, 'pick at least one uploaded CSV file')
  .max(maxBasketDatasets, `a basket holds at most ${maxBasketDatasets} datasets`)
  .superRefine((list, ctx) => {
    const ids = new Set<string>();
    const symbols = new Set<string>();
    list.forEach((entry, i) => {
      if (ids.has(entry.datasetId)) ctx.addIssue({ code: 'custom', path: [i, 'datasetId'], message: 'this dataset is already in the basket' });
      ids.add(entry.datasetId);
      if (entry.symbol === undefined) return;
      if (symbols.has(symbolKey(entry.symbol))) ctx.addIssue({ code: 'custom', path: [i, 'symbol'], message: `symbol "${entry.symbol}" is already used by another dataset of the basket` });
      else symbols.add(symbolKey(entry.symbol));
    });
  });
