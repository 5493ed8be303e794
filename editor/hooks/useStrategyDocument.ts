import { useEdgesState, useNodesState, type XYPosition } from '@xyflow/react';
import { useCallback, useMemo, useRef, useState } from 'react';
import type { GraphInput, OptimizeRange } from '../../engine/graph.ts';
import type { CatalogEntry } from '../../nodes/registry.ts';
import { api, type Strategy } from '../api.ts';
import { clipSize, copySelection, pasteClip, readClip, serializeClip, writeClip, type Clip } from '../clipboard.ts';
import {
  annotationsToFlow,
  commentSize,
  compileKey,
  emptyGraph,
  flowToGraph,
  graphToFlow,
  newNodeId,
  type AnnotationFlowNode,
  type CommentFlowNode,
  type GroupFlowNode,
  type Settings,
  type StrategyFlowEdge,
  type StrategyFlowNode,
} from '../graph-mapping.ts';
import { useGraphHistory } from './useGraphHistory.ts';

export const untitledName = 'Untitled strategy';

interface Meta {
  id: string | null;
  /** The saved version the canvas was opened or last saved as: a save sends it as `baseVersion`. */
  version: number | null;
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
  // Comments and groups: canvas objects of their own, so everything reading `nodes` sees only strategy nodes.
  const [annotations, setAnnotations, onAnnotationsChange] = useNodesState<AnnotationFlowNode>([]);
  const [meta, setMeta] = useState<Meta>({ id: null, version: null, name: untitledName, settings: {}, savedKey: '', generation: 0 });

  const settings = useMemo((): Settings => ({ ...settingsDefaults, ...meta.settings }), [settingsDefaults, meta.settings]);
  const graph = useMemo(() => flowToGraph(nodes, edges, settings, annotations), [nodes, edges, settings, annotations]);
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
      setAnnotations((current) => {
        const byId = new Map(current.map((a) => [a.id, a]));
        return annotationsToFlow(g.annotations).map((a) => {
          const old = byId.get(a.id);
          return old && old.type === a.type ? ({ ...old, ...a, selected: old.selected } as AnnotationFlowNode) : a;
        });
      });
      setMeta((m) => ({ ...m, settings: { ...g.settings } }));
    },
    [setAnnotations, setEdges, setNodes],
  );

  const defaultsKey = useMemo(() => JSON.stringify(settingsDefaults), [settingsDefaults]);
  const history = useGraphHistory({ graph, graphKey, paused: nodes.some((n) => n.dragging) || annotations.some((a) => a.dragging || a.resizing), generation: `${meta.generation}|${defaultsKey}`, restore });

  const replace = useCallback(
    (id: string | null, version: number | null, name: string, g: GraphInput) => {
      const flow = graphToFlow(g);
      const notes = annotationsToFlow(g.annotations);
      setNodes(flow.nodes);
      setEdges(flow.edges);
      setAnnotations(notes);
      const settings = { ...defaultsRef.current, ...g.settings };
      setMeta((m) => ({
        id,
        version,
        name,
        settings,
        savedKey: id === null ? '' : docKey(name, flowToGraph(flow.nodes, flow.edges, settings, notes)),
        generation: m.generation + 1,
      }));
    },
    [setAnnotations, setEdges, setNodes],
  );

  const open = useCallback((s: Strategy) => replace(s.id, s.version, s.name, s.graph), [replace]);
  const startNew = useCallback(() => replace(null, null, untitledName, emptyGraph()), [replace]);

  /**
   * Create or update on the server; resolves to the saved strategy's id. The server refuses (409) a save
   * over a version newer than the one this canvas started from (another tab saved in between), unless
   * `replaceNewer`: then the canvas becomes the newest version, and the other stays in the history.
   */
  const save = useCallback(
    async (replaceNewer = false): Promise<string> => {
      history.checkpoint();
      const name = meta.name.trim() || untitledName;
      const base = replaceNewer || meta.version === null ? {} : { baseVersion: meta.version };
      const saved = meta.id === null ? await api.createStrategy(name, graph) : await api.updateStrategy(meta.id, { name, graph, ...base });
      setMeta((m) => ({ ...m, id: saved.id, version: saved.version, name, savedKey: docKey(name, graph) }));
      return saved.id;
    },
    [graph, meta.id, meta.name, meta.version],
  );

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

  /** Mark one param optimisable with a range, or (`undefined`) stop optimising it; one undo step. */
  const setOptimize = useCallback(
    (nodeId: string, param: string, range: OptimizeRange | undefined) =>
      setNodes((ns) =>
        ns.map((n) => {
          if (n.id !== nodeId) return n;
          const { [param]: _old, ...rest } = n.data.optimize ?? {};
          const optimize = range ? { ...rest, [param]: range } : rest;
          const { optimize: _was, ...data } = n.data;
          return { ...n, data: Object.keys(optimize).length > 0 ? { ...data, optimize } : data };
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
      // Select-all is about the strategy's nodes; clearing the selection clears notes and groups too.
      if (!selected) setAnnotations((as) => (as.some((a) => a.selected) ? as.map((a) => (a.selected ? { ...a, selected: false } : a)) : as));
    },
    [setAnnotations, setEdges, setNodes],
  );

  /** Selected nodes with their wires, selected wires, notes and groups; one undo step. False when nothing is selected. */
  const deleteSelected = useCallback((): boolean => {
    const gone = new Set(nodes.filter((n) => n.selected).map((n) => n.id));
    if (gone.size === 0 && !edges.some((e) => e.selected) && !annotations.some((a) => a.selected)) return false;
    setNodes((ns) => ns.filter((n) => !gone.has(n.id)));
    setEdges((es) => es.filter((e) => !e.selected && !gone.has(e.source) && !gone.has(e.target)));
    setAnnotations((as) => as.filter((a) => !a.selected));
    return true;
  }, [annotations, edges, nodes, setAnnotations, setEdges, setNodes]);

  const setSettings = useCallback((settings: Settings) => setMeta((m) => ({ ...m, settings })), []);

  // Kept across strategy switches, so nodes can be copied from one strategy into another even where the
  // system clipboard is refused; the system clipboard carries them across tabs and windows.
  const clipboard = useRef<{ clip: Clip; text: string; pastes: number } | null>(null);

  /** Every selected node, note and group, by id (they share React Flow's namespace). */
  const selectedIds = useCallback(() => new Set([...nodes, ...annotations].filter((n) => n.selected).map((n) => n.id)), [annotations, nodes]);

  /** Copy the selected nodes, notes and groups, to the app and the system clipboard; false when nothing is selected. */
  const copy = useCallback((): boolean => {
    const clip = copySelection(graph, selectedIds());
    if (!clip) return false;
    clipboard.current = { clip, text: serializeClip(clip), pastes: 0 };
    void writeClip(clip);
    return true;
  }, [graph, selectedIds]);

  /** Add a clip as new nodes, notes and groups, selected, `offset` down-right of where it was copied; the count added. */
  const insertClip = useCallback(
    (clip: Clip, offset: number): number => {
      const copies = pasteClip(clip, new Set([...nodes, ...annotations].map((n) => n.id)), new Set(edges.map((e) => e.id)), { x: offset, y: offset });
      const pasted = graphToFlow(copies);
      const notes = annotationsToFlow({ comments: copies.comments, groups: copies.groups });
      setNodes((ns) => [...ns.map((n) => (n.selected ? { ...n, selected: false } : n)), ...pasted.nodes.map((n) => ({ ...n, selected: true }))]);
      setEdges((es) => [...es.map((e) => (e.selected ? { ...e, selected: false } : e)), ...pasted.edges]);
      setAnnotations((as) => {
        const deselected = as.map((a) => (a.selected ? { ...a, selected: false } : a));
        const frames = notes.filter((a) => a.type === 'frame').map((a) => ({ ...a, selected: true }));
        const comments = notes.filter((a) => a.type !== 'frame').map((a) => ({ ...a, selected: true }));
        // Groups first: they are drawn beneath the nodes and notes.
        return [...frames, ...deselected, ...comments];
      });
      return clipSize(copies);
    },
    [annotations, edges, nodes, setAnnotations, setEdges, setNodes],
  );

  /**
   * Paste nodes from the system clipboard (copied in any strategy or tab), or else from the app's own;
   * each paste of the same clip lands a step further down-right. Resolves to the count pasted.
   */
  const paste = useCallback(async (): Promise<number> => {
    const held = clipboard.current;
    const clip = await readClip(held?.clip ?? null);
    if (!clip) return 0;
    const text = serializeClip(clip);
    const current = held && held.text === text ? held : (clipboard.current = { clip, text, pastes: 0 });
    current.pastes++;
    return insertClip(clip, 40 * current.pastes);
  }, [insertClip]);

  /** Copies of the selected nodes, notes and groups and the wires between them, without touching the clipboard; the count made. */
  const duplicate = useCallback((): number => {
    const clip = copySelection(graph, selectedIds());
    return clip ? insertClip(clip, 40) : 0;
  }, [graph, insertClip, selectedIds]);

  /** Every object id on the canvas: node and annotation ids share React Flow's namespace. */
  const takenIds = useCallback(() => new Set([...nodes, ...annotations].map((n) => n.id)), [annotations, nodes]);

  /** A new comment with its top-left corner at `position`, selected; returns its id. */
  const addComment = useCallback(
    (position: XYPosition, text = ''): string => {
      const id = newNodeId('note', takenIds());
      const note: CommentFlowNode = { id, type: 'comment', position, width: commentSize.width, height: commentSize.height, selected: true, data: { text } };
      setNodes((ns) => (ns.some((n) => n.selected) ? ns.map((n) => (n.selected ? { ...n, selected: false } : n)) : ns));
      setAnnotations((as) => [...as.map((a) => (a.selected ? { ...a, selected: false } : a)), note]);
      return id;
    },
    [setAnnotations, setNodes, takenIds],
  );

  const setCommentText = useCallback(
    (id: string, text: string) => setAnnotations((as) => as.map((a) => (a.id === id && a.type === 'comment' ? { ...a, data: { ...a.data, text } } : a))),
    [setAnnotations],
  );

  /**
   * Frame the selected nodes as a group (taking them out of any group they were in); returns its id, or
   * null when no node is selected.
   */
  const groupSelected = useCallback(
    (label = 'Group'): string | null => {
      const members = nodes.filter((n) => n.selected).map((n) => n.id);
      if (members.length === 0) return null;
      const id = newNodeId('group', takenIds());
      const taken = new Set(members);
      const frame: GroupFlowNode = { id, type: 'frame', position: { x: 0, y: 0 }, data: { label, members } };
      setAnnotations((as) => {
        const rest = as.flatMap((a): AnnotationFlowNode[] => {
          if (a.type !== 'frame') return [a];
          const left = a.data.members.filter((m) => !taken.has(m));
          return left.length === 0 ? [] : [left.length === a.data.members.length ? a : { ...a, data: { ...a.data, members: left } }];
        });
        // Groups first: they are drawn beneath the nodes and notes.
        return [frame, ...rest];
      });
      return id;
    },
    [nodes, setAnnotations, takenIds],
  );

  const setGroupLabel = useCallback(
    (id: string, label: string) => setAnnotations((as) => as.map((a) => (a.id === id && a.type === 'frame' ? { ...a, data: { ...a.data, label } } : a))),
    [setAnnotations],
  );

  /** Remove a group or a comment; a group's nodes stay where they are. */
  const removeAnnotation = useCallback((id: string) => setAnnotations((as) => as.filter((a) => a.id !== id)), [setAnnotations]);

  /** Move nodes to new positions in one step (an auto-layout); nodes not named stay put. */
  const moveNodes = useCallback(
    (positions: ReadonlyMap<string, XYPosition>) =>
      setNodes((ns) => ns.map((n) => {
        const p = positions.get(n.id);
        return p && (p.x !== n.position.x || p.y !== n.position.y) ? { ...n, position: p } : n;
      })),
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
    setOptimize,
    removeNode,
    selectNode,
    selectAll,
    deleteSelected,
    settings,
    setSettings,
    copy,
    paste,
    duplicate,
    annotations,
    setAnnotations,
    onAnnotationsChange,
    addComment,
    setCommentText,
    groupSelected,
    setGroupLabel,
    removeAnnotation,
    moveNodes,
    ...history,
  };
}

export type StrategyDocument = ReturnType<typeof useStrategyDocument>;
