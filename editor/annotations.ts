import type { NodeChange, NodePositionChange } from '@xyflow/react';
import type { AnnotationFlowNode, GroupFlowNode, StrategyFlowNode } from './graph-mapping.ts';

/**
 * Groups on the canvas: a frame always wraps its members, and dragging the frame drags them. Pure
 * functions over React Flow nodes and changes, so the behaviour is tested without a browser.
 */

/** Room between the members and the frame, and the frame's title strip above them. */
export const framePadding = { side: 20, top: 40, bottom: 20 };
/** Size assumed for a node the canvas has not measured yet. */
const unmeasured = { width: 180, height: 80 };

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The frame around some nodes, or null when none of them is on the canvas. */
export function frameRect(members: readonly StrategyFlowNode[]): Rect | null {
  if (members.length === 0) return null;
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  for (const n of members) {
    const w = n.measured?.width ?? n.width ?? n.initialWidth ?? unmeasured.width;
    const h = n.measured?.height ?? n.height ?? n.initialHeight ?? unmeasured.height;
    left = Math.min(left, n.position.x);
    top = Math.min(top, n.position.y);
    right = Math.max(right, n.position.x + w);
    bottom = Math.max(bottom, n.position.y + h);
  }
  return {
    x: left - framePadding.side,
    y: top - framePadding.top,
    width: right - left + 2 * framePadding.side,
    height: bottom - top + framePadding.top + framePadding.bottom,
  };
}

/**
 * Every annotation as the canvas draws it: frames placed and sized around their members (and left out
 * when no member is left), comments as they are. Frames sit far below the nodes so a member is never
 * hidden behind its own frame, even when the frame is selected.
 */
export function placeAnnotations(annotations: readonly AnnotationFlowNode[], nodes: readonly StrategyFlowNode[]): AnnotationFlowNode[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  return annotations.flatMap((a): AnnotationFlowNode[] => {
    if (a.type !== 'frame') return [a];
    const members = a.data.members.flatMap((id) => byId.get(id) ?? []);
    const rect = frameRect(members);
    if (!rect) return [];
    const placed: GroupFlowNode = {
      ...a,
      position: { x: rect.x, y: rect.y },
      width: rect.width,
      height: rect.height,
      zIndex: -1000,
      // The frame's body lets the pointer through to the pane and the nodes; its title strip takes it back.
      style: { pointerEvents: 'none' },
      data: members.length === a.data.members.length ? a.data : { ...a.data, members: members.map((m) => m.id) },
    };
    return [placed];
  });
}

/**
 * Translate frame drags into member moves. React Flow reports a dragged frame's new corner; each member
 * moves by the same amount, unless it is being dragged itself already (it was selected with the frame).
 * Returns the changes for the strategy's nodes and those for the annotations.
 */
export function routeChanges(
  changes: readonly NodeChange[],
  placed: readonly AnnotationFlowNode[],
  nodes: readonly StrategyFlowNode[],
): { nodeChanges: NodeChange<StrategyFlowNode>[]; annotationChanges: NodeChange<AnnotationFlowNode>[] } {
  const annotationById = new Map(placed.map((a) => [a.id, a]));
  const nodeById = new Map(nodes.map((n) => [n.id, n]));
  const nodeChanges: NodeChange<StrategyFlowNode>[] = [];
  const annotationChanges: NodeChange<AnnotationFlowNode>[] = [];
  const movedDirectly = new Set(changes.flatMap((c) => (c.type === 'position' && nodeById.has(c.id) ? [c.id] : [])));
  const moved = new Set<string>();

  for (const change of changes) {
    const id = 'id' in change ? change.id : change.item.id;
    const annotation = annotationById.get(id);
    if (!annotation && (change.type !== 'add' || change.item.type === 'strategy')) {
      nodeChanges.push(change as NodeChange<StrategyFlowNode>);
      continue;
    }
    if (annotation?.type === 'frame' && change.type === 'position') {
      if (!change.position) {
        // The end of a drag: members stop "dragging" with the frame, so the move becomes one undo step.
        for (const m of annotation.data.members) if (nodeById.has(m) && !movedDirectly.has(m)) nodeChanges.push({ type: 'position', id: m, dragging: change.dragging ?? false });
        continue;
      }
      const dx = change.position.x - annotation.position.x;
      const dy = change.position.y - annotation.position.y;
      for (const m of annotation.data.members) {
        const node = nodeById.get(m);
        if (!node || movedDirectly.has(m) || moved.has(m)) continue;
        moved.add(m);
        const move: NodePositionChange = { type: 'position', id: m, position: { x: node.position.x + dx, y: node.position.y + dy }, dragging: change.dragging ?? false };
        nodeChanges.push(move);
      }
      continue;
    }
    // Frames take their size from their members: React Flow's measurements of them are not news.
    if (annotation?.type === 'frame' && change.type === 'dimensions') continue;
    annotationChanges.push(change as NodeChange<AnnotationFlowNode>);
  }
  return { nodeChanges, annotationChanges };
}
