import { useReactFlow } from '@xyflow/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CatalogInfo } from '../catalog-context.ts';
import { layoutGraph, originOf, type LayoutNode, type LayoutPort } from '../layout.ts';
import type { StrategyDocument } from './useStrategyDocument.ts';

/**
 * Auto-layout for the open strategy: reads each node's measured size and handle positions from React
 * Flow, asks ELK for a left-to-right layered layout, moves every node in one undoable step, and fits the
 * view. Resolves to whether anything was laid out.
 */
export function useAutoLayout(doc: StrategyDocument, entry: CatalogInfo['entry']) {
  const { getInternalNode, fitView } = useReactFlow();
  const [busy, setBusy] = useState(false);
  /** Bumped with each layout; the view fits in the effect after the moved nodes are committed. */
  const [laidOut, setLaidOut] = useState(0);
  const latest = useRef(doc);
  latest.current = doc;

  // Effects run children first, so React Flow's store holds the new positions by the time this runs.
  useEffect(() => {
    if (laidOut > 0) void fitView({ padding: 0.2, maxZoom: 1, duration: 250 });
  }, [fitView, laidOut]);

  const layout = useCallback(async (): Promise<boolean> => {
    const { nodes, graph } = latest.current;
    if (nodes.length === 0) return false;
    setBusy(true);
    try {
      const layoutNodes = nodes.map((n): LayoutNode => {
        const internal = getInternalNode(n.id);
        const width = internal?.measured.width ?? internal?.initialWidth ?? 180;
        const height = internal?.measured.height ?? internal?.initialHeight ?? 80;
        const bounds = internal?.internals.handleBounds;
        const handleAt = (side: LayoutPort['side'], name: string) => {
          const h = (side === 'in' ? bounds?.target : bounds?.source)?.find((b) => b.id === name);
          return h ? { x: h.x + h.width / 2, y: h.y + h.height / 2 } : {};
        };
        const e = entry(n.data.type);
        const ports: LayoutPort[] = e
          ? [...e.inputs.map((p) => ({ name: p.name, side: 'in' as const, ...handleAt('in', p.name) })), ...e.outputs.map((p) => ({ name: p.name, side: 'out' as const, ...handleAt('out', p.name) }))]
          : [];
        return { id: n.id, width, height, ports };
      });
      const positions = await layoutGraph(layoutNodes, graph.edges, originOf(nodes.map((n) => n.position)));
      // The graph may have changed while ELK worked; only nodes still there move.
      latest.current.moveNodes(positions);
      setLaidOut((n) => n + 1);
      return true;
    } finally {
      setBusy(false);
    }
  }, [entry, getInternalNode]);

  return { layout, busy };
}
