import type { CatalogEntry } from '../nodes/registry.ts';
import { connectionError } from '../nodes/ports.ts';

/** Everything a connection check needs to know about the canvas, without React Flow's store. */
export interface ConnectionContext {
  /** Catalog type of each node on the canvas, by node id. */
  nodeType: (nodeId: string) => string | undefined;
  entry: (type: string) => CatalogEntry | undefined;
  edges: readonly { source: string; sourceHandle?: string | null; target: string; targetHandle?: string | null }[];
}

interface PortRef {
  source: string;
  sourceHandle?: string | null;
  target: string;
  targetHandle?: string | null;
}

/**
 * Why `conn` may not be drawn, in words a trader understands, or `null` when it may.
 *
 * @example
 * refusalReason({ source: 'cross', sourceHandle: 'above', target: 'sma-1a2b', targetHandle: 'source' }, ctx)
 * // → 'a Condition output cannot feed a Number input'
 */
export function refusalReason(conn: PortRef, ctx: ConnectionContext): string | null {
  if (conn.source === conn.target) return 'a node cannot feed itself';
  const fromEntry = ctx.entry(ctx.nodeType(conn.source) ?? '');
  const toEntry = ctx.entry(ctx.nodeType(conn.target) ?? '');
  if (!fromEntry || !toEntry) return 'unknown node';
  const out = fromEntry.outputs.find((p) => p.name === conn.sourceHandle);
  const inp = toEntry.inputs.find((p) => p.name === conn.targetHandle);
  if (!out || !inp) return 'connect an output (right side) to an input (left side)';
  const kindError = connectionError(out.kind, inp.kind);
  if (kindError) return kindError;
  if (ctx.edges.some((e) => e.target === conn.target && e.targetHandle === conn.targetHandle)) {
    return `${toEntry.title} input “${inp.name}” is already connected; delete that wire first`;
  }
  if (reaches(conn.target, conn.source, ctx.edges)) return 'that would make a loop; values must flow one way';
  return null;
}

/** Whether following edges downstream from `from` arrives at `to`. */
function reaches(from: string, to: string, edges: ConnectionContext['edges']): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === to) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const e of edges) if (e.source === id) stack.push(e.target);
  }
  return false;
}
