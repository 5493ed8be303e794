import {
  Background,
  BackgroundVariant,
  Controls,
  getNodesBounds,
  MiniMap,
  ReactFlow,
  SelectionMode,
  useReactFlow,
  useStore,
  useStoreApi,
  type Connection,
  type Edge,
  type FinalConnectionState,
  type ColorMode,
  type IsValidConnection,
  type NodeChange,
  type OnConnectEnd,
  type Viewport,
} from '@xyflow/react';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type DragEvent, type MouseEvent, type PointerEvent } from 'react';
import { AnnotationActionsContext, type AnnotationActions } from '../annotation-actions.ts';
import { placeAnnotations, routeChanges } from '../annotations.ts';
import { categoryColors, useCatalogInfo } from '../catalog-context.ts';
import { refusalReason, type ConnectionContext } from '../connection.ts';
import { nodeDragType } from '../dnd.ts';
import { newEdgeId, type AnnotationFlowNode, type StrategyFlowNode } from '../graph-mapping.ts';
import type { StrategyDocument } from '../hooks/useStrategyDocument.ts';
import { fitViewOptions, minZoom, openingViewport, overviewZoom } from '../opening-viewport.ts';
import { CanvasToast, type Toast } from './CanvasToast.tsx';
import { EmptyCanvasHint } from './EmptyCanvasHint.tsx';
import { withDeclaredGeometry } from './node-geometry.ts';
import { nodeTypes } from './node-types.ts';

/**
 * Shift-click and shift-drag select nodes here, but to the browser they also extend a text selection
 * across the panels around the canvas (and a text selection would make Ctrl+C copy text, not nodes).
 */
function keepTextUnselected(event: MouseEvent) {
  if (!event.shiftKey) return;
  event.preventDefault();
  window.getSelection()?.removeAllRanges();
}

/**
 * Panning drags the empty pane. Capturing the pointer on it spares the browser a hit test of every
 * node and wire under the pointer on each move (measured: the largest main-thread cost of panning a
 * 300-node strategy). The pane gets the moves either way; capture ends by itself on release.
 */
function capturePan(event: PointerEvent<HTMLDivElement>) {
  const target = event.target as Element;
  if (event.button !== 0 || !target.classList.contains('react-flow__pane')) return;
  target.setPointerCapture(event.pointerId);
}

/** Everything React Flow draws: the strategy's nodes, and the comments and group frames around them. */
type CanvasNode = StrategyFlowNode | AnnotationFlowNode;

/** Strategies with more nodes than this mount only the nodes in view. */
const visibleOnlyAbove = 120;
const selectOverview = (s: { transform: [number, number, number] }) => s.transform[2] < overviewZoom;

/** Minimap colours of the annotations (strategy nodes take their category's colour). */
const minimapColors = { comment: '#c9a227', frame: 'rgba(120, 140, 170, 0.18)' };

/**
 * `hint` false leaves the empty-canvas hint to whoever covers the canvas instead (the first-start
 * templates). `colorMode` follows the app's theme.
 */
export function Canvas({ doc, hint = true, colorMode = 'dark' }: { doc: StrategyDocument; hint?: boolean; colorMode?: ColorMode }) {
  const { catalog, entry } = useCatalogInfo();
  const { screenToFlowPosition, fitView } = useReactFlow();
  const [toast, setToast] = useState<Toast | null>(null);
  // Fit a loaded strategy once; never later, or the first node dropped on an empty canvas would jump.
  const [fitOnOpen] = useState(() => doc.nodes.length > 0);
  const canvasRef = useRef<HTMLDivElement>(null);
  const store = useStoreApi();
  // The viewport a loaded strategy opens at, and whether React Flow must refit it once it has measured a
  // node whose size was not declared; undefined until the canvas's size is known, null when not fitted.
  const [opening, setOpening] = useState<{ viewport: Viewport; refit: boolean } | null | undefined>(undefined);
  const dismissToast = useCallback(() => setToast(null), []);
  const overview = useStore(selectOverview);
  const { nodes, edges, setEdges, addNode, annotations, onNodesChange: onStrategyNodesChange, onAnnotationsChange } = doc;

  // Each node's size and handles declared up front (node-geometry.ts) until React Flow measures a
  // different size: React Flow draws wires to nodes it has not mounted and mounts only the nodes in view,
  // instead of rendering every node once to measure it, and reads no handle positions from the DOM. One declared object per node object (a WeakMap, new
  // per catalog), so a node that did not change stays the same object and React Flow skips it.
  const declared = useMemo(() => new WeakMap<StrategyFlowNode, StrategyFlowNode>(), [entry]);
  const flowNodes = useMemo(
    () =>
      nodes.map((n) => {
        let d = declared.get(n);
        if (!d) declared.set(n, (d = withDeclaredGeometry(n, entry(n.data.type))));
        return d;
      }),
    [declared, entry, nodes],
  );
  // Frames are placed around their members on every render, so they follow any move of a member.
  const placed = useMemo(() => placeAnnotations(annotations, flowNodes), [annotations, flowNodes]);
  const canvasNodes = useMemo<CanvasNode[]>(
    () => [...placed.filter((a) => a.type === 'frame'), ...flowNodes, ...placed.filter((a) => a.type !== 'frame')],
    [flowNodes, placed],
  );
  const onNodesChange = useCallback(
    (changes: NodeChange<CanvasNode>[]) => {
      const routed = routeChanges(changes, placed, nodes);
      if (routed.nodeChanges.length > 0) onStrategyNodesChange(routed.nodeChanges);
      if (routed.annotationChanges.length > 0) onAnnotationsChange(routed.annotationChanges);
    },
    [nodes, onAnnotationsChange, onStrategyNodesChange, placed],
  );
  // Open a loaded strategy already fitted: its nodes' sizes are declared, so the fit is known before React
  // Flow renders anything. Otherwise React Flow would first render at the store's viewport (zoom 1 at the
  // origin: the top-left corner of the strategy), measure those nodes, and only then fit, mounting the
  // rest a frame later. Runs once, before the first paint. React Flow's own `fitView` is used only for a
  // strategy with a node whose size is not declared (it refits once it has measured it): with every size
  // declared React Flow measures nothing, and a queued `fitView` would wait and fire at some later
  // measurement or selection, snapping the view back after the trader had moved it.
  useLayoutEffect(() => {
    const el = canvasRef.current;
    if (!fitOnOpen || !el || el.clientWidth === 0 || el.clientHeight === 0) {
      setOpening(null);
      return;
    }
    const viewport = openingViewport(getNodesBounds(canvasNodes), el.clientWidth, el.clientHeight);
    const sized = (n: CanvasNode) => (n.measured?.width ?? n.width ?? n.initialWidth) !== undefined && (n.measured?.height ?? n.height ?? n.initialHeight) !== undefined;
    store.setState({ transform: [viewport.x, viewport.y, viewport.zoom] });
    setOpening({ viewport, refit: !canvasNodes.every(sized) });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, when the strategy opens
  }, []);
  // No size to fit to when it opened (a hidden canvas): fit once React Flow is there.
  useEffect(() => {
    if (fitOnOpen && opening === null) void fitView(fitViewOptions);
  }, [fitOnOpen, fitView, opening]);

  const annotationActions = useMemo<AnnotationActions>(
    () => ({ setCommentText: doc.setCommentText, setGroupLabel: doc.setGroupLabel, removeAnnotation: doc.removeAnnotation }),
    [doc.removeAnnotation, doc.setCommentText, doc.setGroupLabel],
  );

  const ctx = useMemo<ConnectionContext>(() => {
    const typeOf = new Map(nodes.map((n) => [n.id, n.data.type]));
    return { nodeType: (id) => typeOf.get(id), entry, edges };
  }, [nodes, edges, entry]);

  const isValidConnection = useCallback<IsValidConnection>((c) => refusalReason(c, ctx) === null, [ctx]);

  const onConnect = useCallback(
    (c: Connection) => {
      if (refusalReason(c, ctx) !== null) return;
      setEdges((es) => [...es, { id: newEdgeId(new Set(es.map((e) => e.id))), source: c.source, sourceHandle: c.sourceHandle, target: c.target, targetHandle: c.targetHandle }]);
    },
    [ctx, setEdges],
  );

  // React Flow only says a drop was invalid; say why, in the trader's terms, where they are looking.
  const onConnectEnd = useCallback<OnConnectEnd>(
    (_event, state: FinalConnectionState) => {
      if (state.isValid !== false || !state.fromHandle || !state.toHandle) return;
      const from = state.fromHandle;
      const to = state.toHandle;
      let message: string;
      if (from.type === to.type) {
        message = from.type === 'source' ? 'two outputs cannot be joined; connect an output to an input' : 'two inputs cannot be joined; connect an output to an input';
      } else {
        const [src, dst] = from.type === 'source' ? [from, to] : [to, from];
        message = refusalReason({ source: src.nodeId, sourceHandle: src.id ?? null, target: dst.nodeId, targetHandle: dst.id ?? null }, ctx) ?? 'that connection is not allowed';
      }
      setToast({ id: Date.now(), message: `Can’t connect: ${message}` });
    },
    [ctx],
  );

  const styledEdges = useMemo<Edge[]>(() => {
    // A map, not a search per edge: a 300-node strategy has as many wires, and this runs on every edit.
    const typeOf = new Map(nodes.map((n) => [n.id, n.data.type]));
    const kindOf = (e: Edge) => {
      const type = typeOf.get(e.source);
      return type ? entry(type)?.outputs.find((o) => o.name === e.sourceHandle)?.kind : undefined;
    };
    return edges.map((e) => {
      const kind = kindOf(e);
      const color = kind ? catalog.portKinds[kind]?.color : undefined;
      return color ? { ...e, style: { stroke: color } } : e;
    });
  }, [catalog.portKinds, edges, entry, nodes]);

  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(nodeDragType)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(nodeDragType);
      const e = entry(type);
      if (!e) return;
      event.preventDefault();
      const at = screenToFlowPosition({ x: event.clientX, y: event.clientY });
      // Put the node's header, not its corner, under the pointer.
      addNode(e, { x: at.x - 80, y: at.y - 14 });
    },
    [addNode, entry, screenToFlowPosition],
  );

  return (
    <div ref={canvasRef} className={overview ? 'canvas is-overview' : 'canvas'} data-testid="canvas" onDragOver={onDragOver} onDrop={onDrop} onMouseDownCapture={keepTextUnselected} onPointerDown={capturePan}>
      <AnnotationActionsContext.Provider value={annotationActions}>
      {opening !== undefined && (
        <ReactFlow<CanvasNode, Edge>
          nodes={canvasNodes}
          edges={styledEdges}
          nodeTypes={nodeTypes}
          onNodesChange={onNodesChange}
          onEdgesChange={doc.onEdgesChange}
          onConnect={onConnect}
          onConnectEnd={onConnectEnd}
          isValidConnection={isValidConnection}
          // Delete and Backspace are the app's shortcuts (shortcuts.ts), not React Flow's.
          deleteKeyCode={null}
          // Shift adds to the selection on click and draws a selection box on drag; a box takes every node it touches.
          multiSelectionKeyCode={['Shift', 'Meta', 'Control']}
          selectionKeyCode="Shift"
          selectionMode={SelectionMode.Partial}
          colorMode={colorMode}
          fitView={opening?.refit === true}
          fitViewOptions={fitViewOptions}
          {...(opening ? { defaultViewport: opening.viewport } : {})}
          minZoom={minZoom}
          maxZoom={2}
          connectionRadius={24}
          defaultEdgeOptions={{ interactionWidth: 16 }}
          attributionPosition="top-right"
          // Mount only what is in view on big strategies: opening or editing a 300-node strategy at an
          // editing zoom renders a few dozen nodes, not all of them. Small ones render whole, so a node
          // half under the results panel is still there to click and nothing pops in while panning.
          onlyRenderVisibleElements={canvasNodes.length > visibleOnlyAbove}
        >
          <Background variant={BackgroundVariant.Dots} gap={20} size={1} color="var(--canvas-dots)" />
          <Controls position="bottom-left" showInteractive={false} />
          <MiniMap
            position="bottom-right"
            pannable
            zoomable
            nodeColor={(n) =>
              n.type === 'comment' || n.type === 'frame' ? minimapColors[n.type] : (categoryColors[entry((n as StrategyFlowNode).data.type)?.category ?? ''] ?? '#90a4ae')
            }
            maskColor="var(--minimap-mask)"
            ariaLabel="Minimap: drag to pan, scroll to zoom"
            style={{ width: 160, height: 100 }}
          />
        </ReactFlow>
      )}
      </AnnotationActionsContext.Provider>
      {hint && nodes.length === 0 && <EmptyCanvasHint />}
      <CanvasToast toast={toast} onDismiss={dismissToast} />
    </div>
  );
}
