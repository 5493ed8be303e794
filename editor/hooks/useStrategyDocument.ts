import { useEdgesState, useNodesState, type XYPosition } from '@xyflow/react';
import { useCallback, useMemo, useState } from 'react';
import type { GraphInput } from '../../engine/graph.ts';
import type { CatalogEntry } from '../../nodes/registry.ts';
import { api, type Strategy } from '../api.ts';
import {
  compileKey,
  defaultSettings,
  emptyGraph,
  flowToGraph,
  graphToFlow,
  newNodeId,
  type StrategyFlowEdge,
  type StrategyFlowNode,
} from '../graph-mapping.ts';

export const untitledName = 'Untitled strategy';

interface Meta {
  id: string | null;
  name: string;
  settings: GraphInput['settings'];
  /** Serialised name + graph as last saved; compared with the current one for the unsaved marker. */
  savedKey: string;
  /** Bumped whenever a different document is loaded, so the canvas remounts and fits the view. */
  generation: number;
}

const docKey = (name: string, graph: GraphInput) => JSON.stringify({ name, graph });

/** The strategy being edited: its graph as React Flow state, its name, and loading and saving it. */
export function useStrategyDocument() {
  const [nodes, setNodes, onNodesChange] = useNodesState<StrategyFlowNode>([]);
  const [edges, setEdges, onEdgesChange] = useEdgesState<StrategyFlowEdge>([]);
  const [meta, setMeta] = useState<Meta>({ id: null, name: untitledName, settings: { ...defaultSettings }, savedKey: '', generation: 0 });

  const graph = useMemo(() => flowToGraph(nodes, edges, meta.settings), [nodes, edges, meta.settings]);
  const key = useMemo(() => docKey(meta.name, graph), [meta.name, graph]);
  const graphCompileKey = useMemo(() => compileKey(graph), [graph]);
  const dirty = meta.id === null ? graph.nodes.length > 0 || meta.name !== untitledName : key !== meta.savedKey;

  const replace = useCallback(
    (id: string | null, name: string, g: GraphInput) => {
      const flow = graphToFlow(g);
      setNodes(flow.nodes);
      setEdges(flow.edges);
      const settings = { ...defaultSettings, ...g.settings };
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
  };
}

export type StrategyDocument = ReturnType<typeof useStrategyDocument>;
