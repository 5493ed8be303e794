import type { Dataset } from '../../api.ts';
import type { DataChoice } from '../../../engine/data.ts';
import type { GraphInput } from '../../../engine/graph.ts';

/**
 * A trial's params (`nodeId.param` → value) as edits to the strategy's nodes: each node's params with
 * the new values merged in. Keys naming a node that is no longer in the graph are returned apart, so the
 * editor can say which could not be applied instead of silently dropping them.
 */
export function paramEdits(
  nodes: readonly { id: string; data: { params: Record<string, unknown> } }[],
  override: Readonly<Record<string, number>>,
): { edits: { nodeId: string; params: Record<string, unknown> }[]; missing: string[]; changed: string[] } {
  const byNode = new Map<string, Record<string, unknown>>();
  const missing: string[] = [];
  const changed: string[] = [];
  for (const [key, value] of Object.entries(override)) {
    const dot = key.lastIndexOf('.');
    const nodeId = key.slice(0, dot);
    const param = key.slice(dot + 1);
    const node = nodes.find((n) => n.id === nodeId);
    if (dot <= 0 || !node) {
      missing.push(key);
      continue;
    }
    const params = byNode.get(nodeId) ?? { ...node.data.params };
    if (params[param] !== value) changed.push(key);
    params[param] = value;
    byNode.set(nodeId, params);
  }
  return { edits: [...byNode].map(([nodeId, params]) => ({ nodeId, params })), missing, changed };
}

/** Synthetic bars when a synthetic node does not say (the engine's default). */
const defaultSyntheticBars = 5000;

/**
 * How many bars the study will run on, when the editor can tell: the graph's own data node, a synthetic
 * seed instead (same length as the graph's synthetic node), or an uploaded dataset. Null when unknown.
 */
export function dataBars(graph: GraphInput, choice: DataChoice | undefined, datasets: readonly Dataset[]): number | null {
  const sources = graph.nodes.filter((n) => n.type.startsWith('data.'));
  const source = sources.length === 1 ? sources[0]! : undefined;
  const syntheticBars = () => (source?.type === 'data.synthetic' && typeof source.params?.bars === 'number' ? source.params.bars : defaultSyntheticBars);
  if (choice?.kind === 'dataset') return datasets.find((d) => d.id === choice.datasetId)?.bars ?? null;
  if (choice?.kind === 'synthetic') return choice.bars ?? syntheticBars();
  if (!source) return null;
  if (source.type === 'data.synthetic') return syntheticBars();
  if (source.type === 'data.csv') return datasets.find((d) => d.id === source.params?.dataset)?.bars ?? null;
  return null;
}
