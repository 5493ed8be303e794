import { Position, type NodeHandle } from '@xyflow/react';
import type { CatalogEntry } from '../../nodes/registry.ts';
import type { StrategyFlowNode } from '../graph-mapping.ts';
import { paramSummary } from '../schema-form.ts';

/**
 * The canvas node's geometry, fixed so its size and every handle's position follow from its ports: a
 * header, an optional one-line param summary, an optional update button (a custom node pinned to an
 * older version), then one row per port pair. StrategyNode sets these as CSS variables that styles.css
 * lays the node out with, and `nodeGeometry` computes the same numbers for React Flow, so a big
 * strategy's nodes need no measuring before React Flow can place their wires and leave the ones
 * outside the view unmounted. A compile error list below the ports only adds height (it is not
 * declared; React Flow measures it once the node is on screen), never moves a handle.
 *
 * All lengths in CSS pixels at zoom 1; the node's box is border-box (styles.css `* { box-sizing }`).
 */
export const nodeMetrics = {
  /** The node's outer width. */
  width: 196,
  /** The node's border, on every side. */
  border: 1,
  /** The header, its 3 px category stripe included. */
  header: 29,
  /** The param summary line, when the node has one. */
  params: 20,
  /** The "vN available — update" button of a custom node pinned to an older version, margins included. */
  update: 26,
  /** The ports block's top border and padding above the first row, and its padding below the last. */
  portsTop: 5,
  portsBottom: 5,
  /** One row: an input on the left, an output on the right. */
  row: 20,
  /** A handle's box (styles.css `.tl-node .react-flow__handle`), centred on the node's edge and its row. */
  handle: 10,
} as const;

/** The CSS variables StrategyNode sets from `nodeMetrics` (styles.css reads them). */
export const nodeMetricsStyle: Record<string, string> = {
  '--node-w': `${nodeMetrics.width}px`,
  '--node-header-h': `${nodeMetrics.header}px`,
  '--node-params-h': `${nodeMetrics.params}px`,
  '--node-update-h': `${nodeMetrics.update}px`,
  '--node-row-h': `${nodeMetrics.row}px`,
  '--node-handle': `${nodeMetrics.handle}px`,
};

export interface NodeLayoutInput {
  /** Input port names, top to bottom. */
  inputs: readonly string[];
  /** Output port names, top to bottom. */
  outputs: readonly string[];
  /** The param summary line is shown. */
  summary: boolean;
  /** The custom-node update button is shown. */
  update: boolean;
}

/**
 * The node's size (without a compile error list) and its handles, relative to its top-left corner, as
 * React Flow's `NodeHandle`s: inputs are targets on the left edge, outputs sources on the right, each
 * centred on its row.
 */
export function nodeGeometry({ inputs, outputs, summary, update }: NodeLayoutInput): { width: number; height: number; handles: NodeHandle[] } {
  const m = nodeMetrics;
  const rows = Math.max(inputs.length, outputs.length);
  const firstRow = m.border + m.header + (summary ? m.params : 0) + (update ? m.update : 0) + m.portsTop;
  const height = firstRow + rows * m.row + m.portsBottom + m.border;
  const half = m.handle / 2;
  const handleAt = (i: number) => firstRow + i * m.row + m.row / 2 - half;
  const handles: NodeHandle[] = [
    ...inputs.map((id, i): NodeHandle => ({ id, type: 'target', position: Position.Left, x: m.border - half, y: handleAt(i), width: m.handle, height: m.handle })),
    ...outputs.map((id, i): NodeHandle => ({ id, type: 'source', position: Position.Right, x: m.width - m.border - half, y: handleAt(i), width: m.handle, height: m.handle })),
  ];
  return { width: m.width, height, handles };
}

/**
 * The node as handed to React Flow with its geometry declared: `initialWidth`/`initialHeight` and
 * `measured` (its size) and `handles`, so React Flow takes it as measured. It places the node, draws its
 * wires and culls it without mounting it first, and when it mounts it reads the node's box once (the
 * ResizeObserver's first call), finds the declared size, and neither reads the handles from the DOM nor
 * reports a change. The node keeps its declared geometry while its size stays so; when the DOM differs
 * (a compile error list grows it), React Flow measures it for real and reports the size, and a node
 * carrying `measured` from then on is returned as it is: React Flow keeps the handle positions it read
 * (it re-reads `handles` whenever a node object changes, so declared positions must not outlive a real
 * measurement). Also returned as it is, to be measured: a node whose type the catalog lacks, or pinned
 * to another version than the catalog's (a custom node drawn with an older version's ports and an
 * update button). `initialWidth`/`initialHeight`, not `width`/`height`: those would fix the node's size
 * inline, and an error list must still grow it.
 */
export function withDeclaredGeometry(node: StrategyFlowNode, entry: CatalogEntry | undefined): StrategyFlowNode {
  if (node.measured?.width !== undefined || node.handles !== undefined) return node;
  if (!entry || entry.version !== node.data.version) return node;
  const { width, height, handles } = nodeGeometry({
    inputs: entry.inputs.map((p) => p.name),
    outputs: entry.outputs.map((p) => p.name),
    summary: paramSummary(entry.paramsSchema, node.data.params).length > 0,
    update: false,
  });
  return { ...node, initialWidth: width, initialHeight: height, measured: { width, height }, handles };
}
