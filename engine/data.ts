import { z } from 'zod';
import type { DataRequest } from '../nodes/contract.ts';
import { DataError, syntheticBars, syntheticMarket, type Bars, type Market } from './bars.ts';
import { parseOhlcvCsv } from './csv.ts';

/**
 * Data chosen at run time instead of the graph's own source: a synthetic seed, or an uploaded dataset.
 * Keeps the graph's other synthetic settings (length, volatility) when only the seed changes.
 */
export const DataChoice = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('synthetic'), seed: z.number().int().min(0).max(2 ** 32 - 1), bars: z.number().int().min(10).max(20_000_000).optional() }),
  z.object({ kind: z.literal('dataset'), datasetId: z.string().min(1).max(64) }),
]);
export type DataChoice = z.infer<typeof DataChoice>;

const syntheticDefaults = { bars: 5000, startPrice: 100, drift: 0.05, volatility: 0.6, intervalMinutes: 60, startTime: Date.parse('2024-01-01T00:00:00Z') };

export function chooseData(fromGraph: DataRequest, choice: DataChoice | undefined): DataRequest {
  if (!choice) return fromGraph;
  if (choice.kind === 'dataset') return { kind: 'dataset', datasetId: choice.datasetId };
  const base = fromGraph.kind === 'synthetic' ? fromGraph : { kind: 'synthetic' as const, seed: 0, ...syntheticDefaults };
  return { ...base, seed: choice.seed, bars: choice.bars ?? base.bars };
}

/** Turn a data request into the bars of every symbol it names. */
export async function loadMarket(request: DataRequest, readDataset: (id: string) => Promise<string | undefined>): Promise<Market> {
  if (request.kind === 'synthetic' && (request.symbols ?? 1) > 1) return syntheticMarket(request);
  return { symbols: [''], lanes: [await loadBars(request, readDataset)] };
}

/**
 * Turn a one-symbol data request into bars. Dataset text comes from the caller, who owns the I/O. A
 * multi-symbol request is refused: use `loadMarket`.
 */
export async function loadBars(request: DataRequest, readDataset: (id: string) => Promise<string | undefined>): Promise<Bars> {
  if (request.kind === 'synthetic' && (request.symbols ?? 1) > 1) throw new DataError(`the data has ${request.symbols} symbols; this feature supports one symbol`);
  if (request.kind === 'synthetic') return syntheticBars(request);
  const text = await readDataset(request.datasetId);
  if (text === undefined) throw new DataError(`dataset "${request.datasetId}" was not found`);
  return parseOhlcvCsv(text);
}
