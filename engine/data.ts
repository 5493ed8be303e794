import { z } from 'zod';
import type { DataRequest } from '../nodes/contract.ts';
import { BasketDatasets, symbolKey, symbolOfName, type BasketDataset } from '../nodes/data/basket.ts';
import { alignOnUnion, barInterval, checkBars, DataError, syntheticBars, syntheticMarket, type Bars, type Market } from './bars.ts';
import { parseOhlcvCsv } from './csv.ts';

/**
 * Data chosen at run time instead of the graph's own source: a synthetic seed, an uploaded dataset, or a
 * basket of them. Keeps the graph's other synthetic settings (length, volatility) when only the seed changes.
 */
export const DataChoice = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('synthetic'), seed: z.number().int().min(0).max(2 ** 32 - 1), bars: z.number().int().min(10).max(20_000_000).optional() }),
  z.strictObject({ kind: z.literal('dataset'), datasetId: z.string().min(1).max(64) }),
  z.strictObject({ kind: z.literal('datasets'), datasets: BasketDatasets }),
]);
export type DataChoice = z.infer<typeof DataChoice>;

const syntheticDefaults = { bars: 5000, startPrice: 100, drift: 0.05, volatility: 0.6, intervalMinutes: 60, startTime: Date.parse('2024-01-01T00:00:00Z') };

/**
 * The request a run loads: the graph's own, or the choice made at run time. A synthetic seed over a CSV
 * basket generates as many symbols as the basket has, so a rotation still has symbols to compare.
 */
export function chooseData(fromGraph: DataRequest, choice: DataChoice | undefined): DataRequest {
  if (!choice) return fromGraph;
  if (choice.kind === 'dataset') return { kind: 'dataset', datasetId: choice.datasetId };
  if (choice.kind === 'datasets') return { kind: 'datasets', datasets: choice.datasets };
  const symbols = symbolCount(fromGraph);
  const base = fromGraph.kind === 'synthetic' ? fromGraph : { kind: 'synthetic' as const, seed: 0, ...syntheticDefaults, ...(symbols > 1 && { symbols }) };
  return { ...base, seed: choice.seed, bars: choice.bars ?? base.bars };
}

/** How many symbols a request trades. */
export function symbolCount(request: DataRequest): number {
  if (request.kind === 'synthetic') return request.symbols ?? 1;
  return request.kind === 'datasets' ? request.datasets.length : 1;
}

/** An uploaded dataset's text, with its name when the reader knows it: a basket's symbols default to it. */
export interface DatasetText {
  name: string;
  csv: string;
}

/** Reads a dataset by id for the engine, which owns no I/O: undefined when there is no such dataset. */
export type ReadDataset = (id: string) => Promise<string | DatasetText | undefined>;

/** Turn a data request into the bars of every symbol it names. */
export async function loadMarket(request: DataRequest, readDataset: ReadDataset): Promise<Market> {
  // Every bar is checked once here, not in each run over these bars (`checkBars`).
  if (request.kind === 'datasets') return checkBars(await loadBasket(request.datasets, readDataset));
  if (request.kind === 'synthetic' && (request.symbols ?? 1) > 1) return checkBars(syntheticMarket(request));
  return checkBars({ symbols: [''], lanes: [await loadBars(request, readDataset)] });
}

/**
 * Turn a one-symbol data request into bars. Dataset text comes from the caller, who owns the I/O. A
 * multi-symbol request is refused: use `loadMarket`.
 */
export async function loadBars(request: DataRequest, readDataset: ReadDataset): Promise<Bars> {
  const symbols = symbolCount(request);
  if (symbols > 1 || request.kind === 'datasets') {
    throw new DataError(`the data has ${symbols} symbol${symbols === 1 ? '' : 's'}${request.kind === 'datasets' ? ' (a CSV basket)' : ''}; this feature supports one symbol`);
  }
  if (request.kind === 'synthetic') return syntheticBars(request);
  const got = await readDataset(request.datasetId);
  if (got === undefined) throw new DataError(`dataset "${request.datasetId}" was not found`);
  return parseOhlcvCsv(typeof got === 'string' ? got : got.csv);
}

/**
 * The symbol each basket entry trades as: its own, else its dataset's name. Names are only known once
 * the datasets are read, so two entries may turn out to share a symbol: `clash` then holds the first
 * pair, by position.
 */
export function resolveSymbols(entries: readonly BasketDataset[], names: readonly string[]): { symbols: string[]; clash?: [number, number] } {
  const symbols = entries.map((e, i) => e.symbol ?? symbolOfName(names[i]!));
  const seen = new Map<string, number>();
  for (let i = 0; i < symbols.length; i++) {
    const first = seen.get(symbolKey(symbols[i]!));
    if (first !== undefined) return { symbols, clash: [first, i] };
    seen.set(symbolKey(symbols[i]!), i);
  }
  return { symbols };
}

/** `resolveSymbols`, refusing a clash with a DataError that names both datasets. */
export function basketSymbols(entries: readonly BasketDataset[], names: readonly string[]): string[] {
  const { symbols, clash } = resolveSymbols(entries, names);
  if (clash) {
    const [a, b] = clash;
    throw new DataError(`datasets "${names[a]}" and "${names[b]}" would both trade as symbol "${symbols[b]}"; give one of them a symbol of its own`);
  }
  return symbols;
}

/**
 * A basket's datasets as one market. Each file is read and parsed once, one at a time, so only one CSV
 * text is held at once; the bars are then aligned on the union of their times (`alignOnUnion`).
 */
async function loadBasket(entries: readonly BasketDataset[], readDataset: ReadDataset): Promise<Market> {
  const names: string[] = [];
  const lanes: Bars[] = [];
  for (const entry of entries) {
    const got = await readDataset(entry.datasetId);
    if (got === undefined) throw new DataError(`dataset "${entry.symbol ?? entry.datasetId}" was not found`);
    const name = typeof got === 'string' ? entry.datasetId : got.name;
    try {
      lanes.push(parseOhlcvCsv(typeof got === 'string' ? got : got.csv));
    } catch (err) {
      if (err instanceof DataError) throw new DataError(`dataset "${name}": ${err.message}`);
      throw err;
    }
    names.push(name);
  }
  const symbols = basketSymbols(entries, names);
  checkIntervals(names, lanes);
  return alignOnUnion(symbols, lanes);
}

/** Refuse a basket mixing bar intervals: aligning hourly with daily bars would trade each on a different clock. */
function checkIntervals(names: readonly string[], lanes: readonly Bars[]): void {
  const groups = new Map<number, string[]>();
  lanes.forEach((lane, i) => {
    const interval = barInterval(lane.time);
    // One bar says nothing about its interval; it fits any.
    if (Number.isNaN(interval)) return;
    groups.set(interval, [...(groups.get(interval) ?? []), names[i]!]);
  });
  if (groups.size <= 1) return;
  const listed = [...groups].sort(([a], [b]) => a - b).map(([interval, of]) => `${formatInterval(interval)} bars: ${quoteSome(of)}`);
  throw new DataError(`the datasets have different bar intervals (${listed.join('; ')}); a basket needs one interval, so resample them to the same one`);
}

function quoteSome(names: readonly string[], max = 5): string {
  const shown = names.slice(0, max).map((n) => `"${n}"`).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/** 86 400 000 → "1 d", 3 600 000 → "1 h", 90 000 → "90 s". */
export function formatInterval(ms: number): string {
  const units: [number, string][] = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'min'], [1000, 's']];
  for (const [size, unit] of units) if (ms >= size && ms % size === 0) return `${ms / size} ${unit}`;
  return `${ms} ms`;
}
