import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Graph, type GraphInput } from '../engine/graph.ts';
import { annotationsToFlow, compileKey, flowToAnnotations, flowToGraph, graphToFlow, newEdgeId, newNodeId, type CommentFlowNode } from './graph-mapping.ts';

const example = JSON.parse(readFileSync(new URL('../docs/examples/sma-crossover.json', import.meta.url), 'utf8')) as GraphInput;
/** The example as the editor saves it: every node's definition version made explicit. */
const saved: GraphInput = { ...example, nodes: example.nodes.map((n) => ({ ...n, version: n.version ?? 1 })) };

describe('graph ↔ flow mapping', () => {
  it('round-trips the example graph, only making node versions explicit', () => {
    const { nodes, edges } = graphToFlow(example);
    expect(flowToGraph(nodes, edges, example.settings)).toEqual(saved);
    const again = graphToFlow(saved);
    expect(flowToGraph(again.nodes, again.edges, saved.settings)).toEqual(saved);
  });

  it('maps edges to React Flow handles keyed by port name, never by position', () => {
    const { edges } = graphToFlow(example);
    const e5 = edges.find((e) => e.id === 'e5')!;
    expect(e5).toMatchObject({ source: 'cross', sourceHandle: 'above', target: 'order', targetHandle: 'enter' });
  });

  it('keeps React Flow view state out of the saved graph', () => {
    const { nodes, edges } = graphToFlow(example);
    const viewed = nodes.map((n) => ({ ...n, selected: true, dragging: false, measured: { width: 196, height: 120 }, position: { x: n.position.x + 0.4, y: n.position.y - 0.3 } }));
    expect(flowToGraph(viewed, edges.map((e) => ({ ...e, selected: true, style: { stroke: 'red' } })), example.settings)).toEqual(saved);
  });

  it('ignores positions in the compile key, but not params or wiring', () => {
    const moved: GraphInput = { ...example, nodes: example.nodes.map((n) => ({ ...n, position: { x: 5, y: 5 } })) };
    expect(compileKey(moved)).toBe(compileKey(example));
    const retuned: GraphInput = { ...example, nodes: example.nodes.map((n) => (n.id === 'fast' ? { ...n, params: { period: 12 } } : n)) };
    expect(compileKey(retuned)).not.toBe(compileKey(example));
    expect(compileKey({ ...example, edges: example.edges.slice(1) })).not.toBe(compileKey(example));
  });

  it('carries optimisable ranges through the canvas and back, and into the compile key', () => {
    const marked: GraphInput = {
      ...saved,
      nodes: saved.nodes.map((n) =>
        n.id === 'fast' ? { ...n, optimize: { period: { min: 5, max: 30, step: 5 } } } : n.id === 'slow' ? { ...n, optimize: { period: { values: [40, 80] } } } : n,
      ),
    };
    const { nodes, edges } = graphToFlow(marked);
    expect(nodes.find((n) => n.id === 'fast')!.data.optimize).toEqual({ period: { min: 5, max: 30, step: 5 } });
    expect(flowToGraph(nodes, edges, marked.settings)).toEqual(marked);
    // The canvas holds its own copy: editing it never reaches back into the document it came from.
    nodes.find((n) => n.id === 'slow')!.data.optimize!.period = { values: [1] };
    expect(marked.nodes.find((n) => n.id === 'slow')!.optimize).toEqual({ period: { values: [40, 80] } });
    expect(compileKey(marked)).not.toBe(compileKey(saved));
  });

  it('saves a node whose last optimisable range was turned off exactly as one never marked', () => {
    const { nodes, edges } = graphToFlow(saved);
    const cleared = nodes.map((n) => (n.id === 'fast' ? { ...n, data: { ...n.data, optimize: {} } } : n));
    expect(flowToGraph(cleared, edges, saved.settings)).toEqual(saved);
  });

  it('fills defaults for a graph saved without versions, params or positions', () => {
    const { nodes } = graphToFlow({ nodes: [{ id: 'a', type: 'indicator.sma' }], edges: [] });
    expect(nodes[0]).toMatchObject({ id: 'a', type: 'strategy', position: { x: 0, y: 0 }, data: { type: 'indicator.sma', version: 1, params: {} } });
  });
});

describe('annotations ↔ canvas', () => {
  const annotated: GraphInput = {
    ...saved,
    annotations: {
      comments: [{ id: 'note-1', text: 'Why 10/50: the classic pair.', position: { x: 40, y: 300 }, size: { width: 240, height: 120 } }],
      groups: [{ id: 'group-1', label: 'Signals', nodes: ['fast', 'slow'] }],
    },
  };

  it('round-trips comments and groups beside the nodes, groups first so they draw beneath', () => {
    const { nodes, edges } = graphToFlow(annotated);
    const notes = annotationsToFlow(annotated.annotations);
    expect(notes.map((n) => [n.type, n.id])).toEqual([
      ['frame', 'group-1'],
      ['comment', 'note-1'],
    ]);
    expect(notes[1]).toMatchObject({ width: 240, height: 120, position: { x: 40, y: 300 }, data: { text: 'Why 10/50: the classic pair.' } });
    expect(flowToGraph(nodes, edges, annotated.settings, notes)).toEqual(annotated);
    // What the editor saves is what the graph schema accepts.
    expect(Graph.safeParse(flowToGraph(nodes, edges, annotated.settings, notes)).success).toBe(true);
  });

  it('saves no annotations field when there are none, so older strategies save exactly as before', () => {
    const { nodes, edges } = graphToFlow(saved);
    expect(flowToGraph(nodes, edges, saved.settings, [])).not.toHaveProperty('annotations');
    expect(annotationsToFlow(undefined)).toEqual([]);
  });

  it('keeps resized comments in whole pixels within the schema’s bounds, and drops members that left the canvas', () => {
    const resized: CommentFlowNode = { id: 'n', type: 'comment', position: { x: 10.4, y: 20.6 }, width: 300.7, height: 12, data: { text: 't' } };
    const out = flowToAnnotations([resized, { id: 'g', type: 'frame', position: { x: 0, y: 0 }, data: { label: 'G', members: ['fast', 'deleted'] } }, { id: 'h', type: 'frame', position: { x: 0, y: 0 }, data: { label: 'H', members: ['deleted'] } }], new Set(['fast']));
    expect(out).toEqual({
      comments: [{ id: 'n', text: 't', position: { x: 10, y: 21 }, size: { width: 301, height: 40 } }],
      groups: [{ id: 'g', label: 'G', nodes: ['fast'] }],
    });
  });

  it('leaves annotations out of the compile key: a note never recompiles the strategy', () => {
    expect(compileKey(annotated)).toBe(compileKey(saved));
  });
});

describe('ids', () => {
  it('makes readable node ids from the type that satisfy the graph schema, avoiding taken ones', () => {
    const taken = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const id = newNodeId('order.targetPercent', taken);
      expect(id).toMatch(/^targetPercent-[0-9a-f]{4}$/);
      expect(taken.has(id)).toBe(false);
      taken.add(id);
    }
  });

  it('makes unique edge ids', () => {
    const taken = new Set<string>();
    for (let i = 0; i < 500; i++) taken.add(newEdgeId(taken));
    expect(taken.size).toBe(500);
  });
});
