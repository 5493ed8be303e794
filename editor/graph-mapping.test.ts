import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { GraphInput } from '../engine/graph.ts';
import { compileKey, flowToGraph, graphToFlow, newEdgeId, newNodeId } from './graph-mapping.ts';

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

  it('fills defaults for a graph saved without versions, params or positions', () => {
    const { nodes } = graphToFlow({ nodes: [{ id: 'a', type: 'indicator.sma' }], edges: [] });
    expect(nodes[0]).toMatchObject({ id: 'a', type: 'strategy', position: { x: 0, y: 0 }, data: { type: 'indicator.sma', version: 1, params: {} } });
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
