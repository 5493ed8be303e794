import type { DataChoice } from '../engine/data.ts';
import type { GraphInput } from '../engine/graph.ts';
import { symbolOfName } from '../nodes/data/basket-names.ts';
import type { Dataset } from './api.ts';
import { fmtInt } from './format.ts';

/** Catalog defaults of the synthetic node, for a graph saved before a param was set. */
const syntheticDefaults = { seed: 42, bars: 5000 };

/**
 * One line naming the data a graph reads, e.g. "Synthetic · seed 42 · 5,000 bars" or
 * "CSV btc.csv · 8,760 bars", so “Graph” in the data switch is never a mystery.
 */
export function describeGraphData(graph: GraphInput, datasets: readonly Dataset[]): string {
  const sources = graph.nodes.filter((n) => n.type.startsWith('data.'));
  if (sources.length === 0) return 'No data node in the graph yet';
  if (sources.length > 1) return `${sources.length} data nodes: the strategy needs exactly one`;
  const node = sources[0]!;
  const params = node.params ?? {};
  if (node.type === 'data.synthetic') {
    const seed = typeof params.seed === 'number' ? params.seed : syntheticDefaults.seed;
    const bars = typeof params.bars === 'number' ? params.bars : syntheticDefaults.bars;
    return `Synthetic · seed ${seed} · ${fmtInt(bars)} bars`;
  }
  if (node.type === 'data.csv') {
    const id = typeof params.dataset === 'string' ? params.dataset : '';
    if (!id) return 'CSV node without a dataset chosen';
    const d = datasets.find((x) => x.id === id);
    return d ? `CSV ${d.name} · ${fmtInt(d.bars)} bars` : 'CSV dataset not found';
  }
  if (node.type === 'data.csvBasket') {
    const entries = basketEntries(params.datasets);
    if (entries.length === 0) return 'CSV basket without datasets chosen';
    return `CSV basket · ${entries.length} symbol${entries.length === 1 ? '' : 's'}: ${basketLabel(entries, datasets)}`;
  }
  return node.label ?? node.type;
}

/** Short label of the data a past run used: the graph's, a seed, or a dataset's name. */
export function describeRunData(data: DataChoice | null | undefined, datasets: readonly Dataset[]): string {
  if (!data) return 'as in graph';
  if (data.kind === 'synthetic') return `seed ${data.seed}${data.bars ? ` · ${fmtInt(data.bars)} bars` : ''}`;
  if (data.kind === 'datasets') return basketLabel(data.datasets, datasets);
  return datasets.find((d) => d.id === data.datasetId)?.name ?? 'deleted dataset';
}

/** A basket param as the editor holds it (possibly half edited): the entries that name a dataset. */
export function basketEntries(value: unknown): { datasetId: string; symbol?: string }[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((e: unknown) => {
    if (!e || typeof e !== 'object') return [];
    const { datasetId, symbol } = e as { datasetId?: unknown; symbol?: unknown };
    if (typeof datasetId !== 'string' || !datasetId) return [];
    return [typeof symbol === 'string' && symbol.trim() ? { datasetId, symbol: symbol.trim() } : { datasetId }];
  });
}

/** The symbol a basket entry trades as, as the engine will name it; undefined for a dataset that is gone. */
export function entrySymbol(entry: { datasetId: string; symbol?: string }, datasets: readonly Dataset[]): string | undefined {
  if (entry.symbol) return entry.symbol;
  const d = datasets.find((x) => x.id === entry.datasetId);
  return d && symbolOfName(d.name);
}

/** "SPY, QQQ, TLT, GLD +2": a basket's symbols, short enough for one line. */
function basketLabel(entries: readonly { datasetId: string; symbol?: string }[], datasets: readonly Dataset[], max = 4): string {
  const names = entries.map((e) => entrySymbol(e, datasets) ?? 'deleted dataset');
  return names.length > max ? `${names.slice(0, max).join(', ')} +${names.length - max}` : names.join(', ');
}
