import { useEdgesState, useNodesState, type XYPosition } from '@xyflow/react';
import { useCallback, useMemo, useRef, useState } from 'react';
import type { GraphInput } from '../../engine/graph.ts';
import type { CatalogEntry } from '../../nodes/registry.ts';
import { api, type Strategy } from '../api.ts';
import { copyNodes, pasteClip, type Clip } from '../clipboard.ts';
import {
  compileKey,
  emptyGraph,
  flowToGraph,
  graphToFlow,
  newNodeId,
  type Settings,
  type StrategyFlowEdge,
  type StrategyFlowNode,
} from '../graph-mapping.ts';
import { useGraphHistory } from './useGraphHistory.ts';

export const untitledName = 'Untitled strategy';

interface Meta {
  id: string | null;
  name: string;
  /** What the strategy sets; fields it leaves out take the schema defaults. */
  settings: Settings;
  /** Serialised name + graph as last saved; compared with the current one for the unsaved marker. */
  savedKey: string;
  /** Bumped whenever a different document is loaded, so the canvas remounts and fits the view. */
  generation: number;
}

const docKey = (name: string, graph: GraphInput) => JSON.stringify({ name, graph });

/**
 * The strategy being edited: its graph as React Flow state, its name, and loading and saving it.
 * `settingsDefaults` (from the settings schema) fill whatever settings the strategy leaves out.
 */
export function useStrategyDocument(settingsDefaults: Settings) {
  const defaultsRef = useRef(settingsDefaults);
  defaultsRef.current = settingsDefaults;
  const [nodes, setNodes, onNodesChange] = useNodesState<StrategyFlowNode>([]);
  const [edges, setEdges, onEdgesChange] = useEdgesState<StrategyFlowEdge>([]);
  const [meta, setMeta] = useState<Meta>({ id: null, name: untitledName, settings: {}, savedKey: '', generation: 0 });

  const settings = useMemo((): Settings => ({ ...settingsDefaults, ...meta.settings }), [settingsDefaults, meta.settings]);
  const graph = useMemo(() => flowToGraph(nodes, edges, settings), [nodes, edges, settings]);
  const graphKey = useMemo(() => JSON.stringify(graph), [graph]);
  const key = useMemo(() => docKey(meta.name, graph), [meta.name, graph]);
  const graphCompileKey = useMemo(() => compileKey(graph), [graph]);
  const dirty =
    meta.id === null
      ? graph.nodes.length > 0 || meta.name !== untitledName || JSON.stringify(settings) !== JSON.stringify({ ...settingsDefaults })
      : key !== meta.savedKey;

  /** Put a graph from the history back, keeping React Flow's measurements and selection of nodes that stay. */
  const restore = useCallback(
    (g: GraphInput) => {
      const flow = graphToFlow(g);
      setNodes((current) => {
        const byId = new Map(current.map((n) => [n.id, n]));
        return flow.nodes.map((n) => {
          const old = byId.get(n.id);
          return old ? { ...old, position: n.position, data: n.data } : n;
        });
      });
      setEdges((current) => {
        const byId = new Map(current.map((e) => [e.id, e]));
        return flow.edges.map((e) => {
          const old = byId.get(e.id);
          return old ? { ...old, ...e } : e;
        });
      });
      setMeta((m) => ({ ...m, settings: { ...g.settings } }));
    },
    [setEdges, setNodes],
  );

  const defaultsKey = useMemo(() => JSON.stringify(settingsDefaults), [settingsDefaults]);
  const history = useGraphHistory({ graph, graphKey, paused: nodes.some((n) => n.dragging), generation: `${meta.generation}|${defaultsKey}`, restore });

  const replace = useCallback(
    (id: string | null, name: string, g: GraphInput) => {
      const flow = graphToFlow(g);
      setNodes(flow.nodes);
      setEdges(flow.edges);
      const settings = { ...defaultsRef.current, ...g.settings };
      setMeta((m) => ({
        id,
        name,
        settings,
        savedKey: id === null ? '' : docKey(name, flowToGraph(flow.nodes, flow.edges, settings)),
        generation: m.generation + 1,
      }));
    },
    [setEdges, setNodes],
  );

  const open = useCallback((s: Strategy) => replace(s.id, s.name, s.graph), [replace]);
  const startNew = useCallback(() => replace(null, untitledName, emptyGraph()), [replace]);

  /** Create or update on the server; resolves to the saved strategy's id. */
  const save = useCallback(async (): Promise<string> => {
    history.checkpoint();
    const name = meta.name.trim() || untitledName;
    const saved = meta.id === null ? await api.createStrategy(name, graph) : await api.updateStrategy(meta.id, { name, graph });
    setMeta((m) => ({ ...m, id: saved.id, name, savedKey: docKey(name, graph) }));
    return saved.id;
  }, [graph, meta.id, meta.name]);

  const setName = useCallback((name: string) => setMeta((m) => ({ ...m, name })), []);

  const addNode = useCallback(
    (entry: CatalogEntry, position: XYPosition): string => {
      const id = newNodeId(entry.type, new Set(nodes.map((n) => n.id)));
      const node: StrategyFlowNode = {
        id,
        type: 'strategy',
        position,
        selected: true,
        data: { type: entry.type, version: entry.version, params: structuredClone(entry.defaults) },
      };
      setNodes((ns) => [...ns.map((n) => (n.selected ? { ...n, selected: false } : n)), node]);
      return id;
    },
    [nodes, setNodes],
  );

  const setParams = useCallback(
    (nodeId: string, params: Record<string, unknown>) =>
      setNodes((ns) => ns.map((n) => (n.id === nodeId ? { ...n, data: { ...n.data, params } } : n))),
    [setNodes],
  );

  const setLabel = useCallback(
    (nodeId: string, label: string) =>
      setNodes((ns) =>
        ns.map((n) => {
          if (n.id !== nodeId) return n;
          const { label: _old, ...rest } = n.data;
          return { ...n, data: label.trim() ? { ...rest, label } : rest };
        }),
      ),
    [setNodes],
  );

  const removeNode = useCallback(
    (nodeId: string) => {
      setNodes((ns) => ns.filter((n) => n.id !== nodeId));
      setEdges((es) => es.filter((e) => e.source !== nodeId && e.target !== nodeId));
    },
    [setEdges, setNodes],
  );

  const selectNode = useCallback(
    (nodeId: string) => setNodes((ns) => ns.map((n) => (n.selected === (n.id === nodeId) ? n : { ...n, selected: n.id === nodeId }))),
    [setNodes],
  );

  /** Select everything (`true`) or nothing (`false`); objects already in that state are kept as they are. */
  const selectAll = useCallback(
    (selected: boolean) => {
      setNodes((ns) => ns.map((n) => (Boolean(n.selected) === selected ? n : { ...n, selected })));
      setEdges((es) => es.map((e) => (Boolean(e.selected) === selected ? e : { ...e, selected })));
    },
    [setEdges, setNodes],
  );

  /** Selected nodes with their wires, and selected wires; one undo step. */
  const deleteSelected = useCallback(() => {
    const gone = new Set(nodes.filter((n) => n.selected).map((n) => n.id));
    setNodes((ns) => ns.filter((n) => !gone.has(n.id)));
    setEdges((es) => es.filter((e) => !e.selected && !gone.has(e.source) && !gone.has(e.target)));
  }, [nodes, setEdges, setNodes]);

  const setSettings = useCallback((settings: Settings) => setMeta((m) => ({ ...m, settings })), []);

  // Kept across strategy switches, so nodes can be copied from one strategy into another.
  const clipboard = useRef<{ clip: Clip; pastes: number } | null>(null);

  /** Copy the selected nodes; false when nothing is selected. */
  const copy = useCallback((): boolean => {
    const clip = copyNodes(graph, new Set(nodes.filter((n) => n.selected).map((n) => n.id)));
    if (!clip) return false;
    clipboard.current = { clip, pastes: 0 };
    return true;
  }, [graph, nodes]);

  /** Paste the copied nodes as new ones, selected, each paste a step further down-right; the count pasted. */
  const paste = useCallback((): number => {
    const held = clipboard.current;
    if (!held) return 0;
    held.pastes++;
    const step = 40 * held.pastes;
    const pasted = graphToFlow(pasteClip(held.clip, new Set(nodes.map((n) => n.id)), new Set(edges.map((e) => e.id)), { x: step, y: step }));
    setNodes((ns) => [...ns.map((n) => (n.selected ? { ...n, selected: false } : n)), ...pasted.nodes.map((n) => ({ ...n, selected: true }))]);
    setEdges((es) => [...es.map((e) => (e.selected ? { ...e, selected: false } : e)), ...pasted.edges]);
    return pasted.nodes.length;
  }, [edges, nodes, setEdges, setNodes]);

  return {
    id: meta.id,
    name: meta.name,
    generation: meta.generation,
    nodes,
    edges,
    setEdges,
    onNodesChange,
    onEdgesChange,
    graph,
    graphCompileKey,
    dirty,
    open,
    startNew,
    save,
    setName,
    addNode,
    setParams,
    setLabel,
    removeNode,
    selectNode,
    selectAll,
    deleteSelected,
    settings,
    setSettings,
    copy,
    paste,
    ...history,
  };
}

export type StrategyDocument = ReturnType<typeof useStrategyDocument>;
