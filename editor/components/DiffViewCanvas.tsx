import { applyNodeChanges, Background, BackgroundVariant, Controls, MiniMap, ReactFlow, ReactFlowProvider, useReactFlow, type Edge, type NodeChange } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { placeAnnotations } from '../annotations.ts';
import { NodeErrorsContext } from '../catalog-context.ts';
import { DiffStatusContext, type DiffStatus } from '../diff-context.ts';
import { annotationsToFlow, graphToFlow, type AnnotationFlowNode, type CommentFlowNode, type GroupFlowNode, type StrategyFlowNode } from '../graph-mapping.ts';
import type { Comparison } from '../hooks/useVersionHistory.ts';
import { annotationOverlay, diffCounts, diffOverlay } from '../strategy-diff.ts';
import { useThemeValue } from '../theme.ts';
import { nodeTypes } from './node-types.ts';

interface Props {
  comparison: Comparison;
  /** The node the change list asked to show; `seq` changes on every request, even for the same node. */
  focus: { id: string; seq: number } | null;
  onClose: () => void;
}

/** Colours of the diff, shared by nodes (through CSS classes), wires and the minimap. */
export const diffColors: Record<DiffStatus, string> = {
  added: '#26a69a',
  removed: '#ef5350',
  changed: '#ffb74d',
  moved: '#5d6878',
  same: '#3a4453',
};

// Compile errors belong to the graph on the editing canvas, not to a past version.
const noErrors = new Map();

/** What the diff draws: the strategies' nodes, and their notes and group frames (read-only). */
type DiffNode = StrategyFlowNode | AnnotationFlowNode;
const readOnly = { draggable: false, selectable: false, connectable: false } as const;

/**
 * Two versions drawn as one read-only canvas over the editor: the newer graph with added nodes green and
 * changed ones amber, and what the older graph had and lost as red ghosts where it used to be; notes and
 * group frames likewise (a note only moved or resized is marked moved, not changed). It has
 * its own React Flow store, so the editing canvas underneath keeps its viewport and selection.
 */
export function DiffViewCanvas(props: Props) {
  const { before, after } = props.comparison;
  return (
    <div className="diff-canvas nokey" data-testid="diff-canvas" data-from={before.number} data-to={after.number}>
      <ReactFlowProvider>
        <DiffFlow key={`${before.strategyId}:${before.number}:${after.number}`} {...props} />
      </ReactFlowProvider>
    </div>
  );
}

function DiffFlow({ comparison, focus, onClose }: Props) {
  const { before, after, diff } = comparison;
  const { fitView } = useReactFlow();

  const overlay = useMemo(() => diffOverlay(before.graph, after.graph, diff), [before, after, diff]);
  const notes = useMemo(() => annotationOverlay(before.graph, after.graph, diff), [before, after, diff]);
  const statuses = useMemo(
    () => new Map<string, DiffStatus>([...overlay.nodes.map((n) => [n.node.id, n.status] as const), ...notes.comments.map((c) => [c.comment.id, c.status] as const), ...notes.groups.map((g) => [g.group.id, g.status] as const)]),
    [overlay, notes],
  );

  const laidOut = useMemo((): (StrategyFlowNode | CommentFlowNode)[] => {
    const flow = graphToFlow({ nodes: overlay.nodes.map((n) => n.node), edges: [] }).nodes;
    const strategyNodes = flow.map(
      (n): StrategyFlowNode => ({
        ...n,
        ...readOnly,
        className: `diff-node-${statuses.get(n.id)}${focus?.id === n.id ? ' diff-focus' : ''}`,
        // Ghosts sit behind the live graph where the two overlap.
        zIndex: statuses.get(n.id) === 'removed' ? 0 : 1,
      }),
    );
    const comments = annotationsToFlow({ comments: notes.comments.map((c) => c.comment), groups: [] }).flatMap((a): CommentFlowNode[] =>
      a.type === 'comment' ? [{ ...a, ...readOnly, className: `diff-node-${statuses.get(a.id)}${focus?.id === a.id ? ' diff-focus' : ''}`, zIndex: statuses.get(a.id) === 'removed' ? 0 : 2 }] : [],
    );
    return [...strategyNodes, ...comments];
  }, [overlay, notes, statuses, focus]);

  const theme = useThemeValue();
  // Local state only so React Flow can store each node's measured size, which the minimap draws from.
  const [nodes, setNodes] = useState<(StrategyFlowNode | CommentFlowNode)[]>(laidOut);
  useEffect(() => {
    setNodes((current) => {
      const measured = new Map(current.map((n) => [n.id, n.measured]));
      return laidOut.map((n) => ({ ...n, measured: measured.get(n.id) }));
    });
  }, [laidOut]);
  // Frames wrap their members as drawn here (measured), as on the editing canvas.
  const frames = useMemo(() => {
    const frameNodes = notes.groups.map((g): GroupFlowNode => ({ id: g.group.id, type: 'frame', position: { x: 0, y: 0 }, data: { label: g.group.label, members: [...g.group.nodes] } }));
    return placeAnnotations(frameNodes, nodes.filter((n): n is StrategyFlowNode => n.type === 'strategy')).map((f) => ({ ...f, ...readOnly, className: `diff-node-${statuses.get(f.id)}${focus?.id === f.id ? ' diff-focus' : ''}` }));
  }, [notes, nodes, statuses, focus]);
  const shown = useMemo<DiffNode[]>(() => [...frames, ...nodes], [frames, nodes]);

  const onNodesChange = useCallback((changes: NodeChange<DiffNode>[]) => {
    // Read-only: only measurements get through.
    const sizes = changes.filter((c) => c.type === 'dimensions');
    if (sizes.length > 0) setNodes((ns) => applyNodeChanges(sizes as NodeChange<StrategyFlowNode | CommentFlowNode>[], ns));
  }, []);

  const edges = useMemo<Edge[]>(
    () =>
      overlay.edges.map(({ edge, status }) => ({
        id: edge.id,
        source: edge.source.node,
        sourceHandle: edge.source.port,
        target: edge.target.node,
        targetHandle: edge.target.port,
        className: `diff-edge-${status}`,
        selectable: false,
        focusable: false,
        style: { stroke: diffColors[status], strokeWidth: status === 'same' ? 1.5 : 2.5, strokeDasharray: status === 'removed' ? '6 4' : undefined },
      })),
    [overlay],
  );

  // Escape leaves the diff (a dialog on top takes Escape first: it listens in the capture phase).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !e.defaultPrevented) onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  useEffect(() => {
    if (!focus) return;
    void fitView({ nodes: [{ id: focus.id }], duration: 300, maxZoom: 1.1, padding: 0.8 });
  }, [focus, fitView]);

  const counts = diffCounts(diff);
  return (
    <DiffStatusContext.Provider value={statuses}>
      <NodeErrorsContext.Provider value={noErrors}>
        <div className="diff-legend" role="status" data-testid="diff-legend">
          <span className="diff-legend-title">
            Comparing <b>v{before.number}</b> → <b>v{after.number}</b>
          </span>
          <span className="diff-chip is-added">{counts.added} added</span>
          <span className="diff-chip is-changed">{counts.changed} changed</span>
          <span className="diff-chip is-removed">{counts.removed} removed</span>
          <span className="muted">
            wires +{counts.edgesAdded} −{counts.edgesRemoved}
            {counts.settings > 0 && ` · ${counts.settings} setting${counts.settings > 1 ? 's' : ''}`}
            {counts.annotations > 0 && ` · notes/groups ${counts.annotations}`}
          </span>
          <span className="diff-legend-spacer" />
          <span className="muted small">Read-only</span>
          <button type="button" className="button small" onClick={onClose} title="Back to editing (Esc)" data-testid="diff-close">
            Back to editing
          </button>
        </div>
        <ReactFlow<DiffNode, Edge>
          nodes={shown}
          edges={edges}
          onNodesChange={onNodesChange}
          nodeTypes={nodeTypes}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          deleteKeyCode={null}
          colorMode={theme}
          fitView
          fitViewOptions={{ padding: 0.2, maxZoom: 1 }}
          minZoom={0.2}
          maxZoom={2}
          attributionPosition="top-right"
        >
          <Background variant={BackgroundVariant.Dots} gap={20} size={1} color="var(--canvas-dots)" />
          <Controls position="bottom-left" showInteractive={false} />
          <MiniMap
            position="bottom-right"
            pannable
            zoomable
            nodeColor={(n) => diffColors[statuses.get(n.id) ?? 'same']}
            maskColor="var(--minimap-mask)"
            style={{ width: 160, height: 100 }}
            ariaLabel="Diff overview"
          />
        </ReactFlow>
      </NodeErrorsContext.Provider>
    </DiffStatusContext.Provider>
  );
}
