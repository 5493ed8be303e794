import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { GraphInput } from '../engine/graph.ts';
import { layoutGraph, layoutSpacing, originOf, positionsFromElk, toElkGraph, type ElkInstance, type LayoutNode } from './layout.ts';

/** The same ELK the browser runs in a worker, run in this thread (Node has no web workers). */
const bundledElk = (): Promise<ElkInstance> => import('elkjs/lib/elk.bundled.js').then((m) => new (m as unknown as { default: new () => ElkInstance }).default());

const example = JSON.parse(readFileSync(new URL('../docs/examples/sma-crossover.json', import.meta.url), 'utf8')) as GraphInput;

/** The ports each example node shows, top to bottom, as the canvas would report them. */
const portsOf: Record<string, { in: string[]; out: string[] }> = {
  'data.synthetic': { in: [], out: ['bars', 'open', 'high', 'low', 'close', 'volume'] },
  'indicator.sma': { in: ['source'], out: ['value'] },
  'logic.crossover': { in: ['a', 'b'], out: ['above', 'below'] },
  'order.targetPercent': { in: ['enter', 'exit'], out: ['order'] },
  'risk.maxPosition': { in: ['order'], out: ['order', 'limited'] },
};

function layoutNodes(measured: boolean): LayoutNode[] {
  return example.nodes.map((n) => {
    const p = portsOf[n.type]!;
    const row = (i: number) => (measured ? { x: 0, y: 40 + i * 20 } : {});
    return {
      id: n.id,
      width: 180,
      height: 40 + 20 * Math.max(p.in.length, p.out.length),
      ports: [...p.in.map((name, i) => ({ name, side: 'in' as const, ...row(i) })), ...p.out.map((name, i) => ({ name, side: 'out' as const, ...row(i) }))],
    };
  });
}

describe('graph → ELK', () => {
  it('asks for a layered left-to-right layout with one port per handle, on the side the handle is', () => {
    const elk = toElkGraph(layoutNodes(false), example.edges);
    expect(elk.layoutOptions).toMatchObject({ 'elk.algorithm': 'layered', 'elk.direction': 'RIGHT' });
    const cross = elk.children!.find((c) => c.id === 'cross')!;
    expect(cross.layoutOptions!['elk.portConstraints']).toBe('FIXED_ORDER');
    expect(cross.ports!.map((p) => [p.id.split('\u0000').slice(1).join(':'), p.layoutOptions!['elk.port.side']])).toEqual([
      ['in:a', 'WEST'],
      ['in:b', 'WEST'],
      ['out:above', 'EAST'],
      ['out:below', 'EAST'],
    ]);
    // Clockwise indices: input "a" above input "b" means a higher index for "a".
    const index = (name: string) => Number(cross.ports!.find((p) => p.id.endsWith(name))!.layoutOptions!['elk.port.index']);
    expect(index('\u0000a')).toBeGreaterThan(index('\u0000b'));
    expect(index('above')).toBeLessThan(index('below'));
  });

  it('wires edges port to port, and keeps wires to ports a node lacks as node-to-node ones', () => {
    const edges = [...example.edges, { id: 'stale', source: { node: 'fast', port: 'gone' }, target: { node: 'cross', port: 'a' } }, { id: 'dangling', source: { node: 'nope', port: 'x' }, target: { node: 'cross', port: 'a' } }];
    const elk = toElkGraph(layoutNodes(false), edges);
    const e5 = elk.edges!.find((e) => e.id === 'e5')!;
    expect(e5.sources).toEqual(['cross\u0000out\u0000above']);
    expect(e5.targets).toEqual(['order\u0000in\u0000enter']);
    expect(elk.edges!.find((e) => e.id === 'stale')!.sources).toEqual(['fast']);
    expect(elk.edges!.map((e) => e.id)).not.toContain('dangling');
  });

  it('pins ports where the canvas measured the handles', () => {
    const elk = toElkGraph(layoutNodes(true), example.edges);
    const order = elk.children!.find((c) => c.id === 'order')!;
    expect(order.layoutOptions!['elk.portConstraints']).toBe('FIXED_POS');
    expect(order.ports!.map((p) => [p.x, p.y])).toEqual([
      [0, 40],
      [0, 60],
      [179, 40],
    ]);
  });
});

describe('ELK → positions', () => {
  it('reads each child’s corner, the graph’s corner moved to the origin, rounded to whole pixels', () => {
    // ELK pads the graph (12 px by default); that padding must not shift the nodes.
    const positions = positionsFromElk({ id: 'root', children: [{ id: 'a', x: 12, y: 40.2 }, { id: 'b', x: 300.6, y: 12 }] }, { x: 100, y: -50 });
    expect([...positions]).toEqual([
      ['a', { x: 100, y: -22 }],
      ['b', { x: 389, y: -50 }],
    ]);
  });

  it('finds the top-left corner of the current positions', () => {
    expect(originOf([{ x: 40, y: 300 }, { x: -20.4, y: 120 }])).toEqual({ x: -20, y: 120 });
    expect(originOf([])).toEqual({ x: 0, y: 0 });
  });

  it('lays the crossover out left to right in data-flow order, without overlaps, from the old corner', async () => {
    for (const measured of [false, true]) {
      const nodes = layoutNodes(measured);
      const positions = await layoutGraph(nodes, example.edges, { x: 10, y: 20 }, bundledElk);
      const x = (id: string) => positions.get(id)!.x;
      expect(x('data')).toBeLessThan(x('fast'));
      expect(x('fast')).toBe(x('slow'));
      expect(x('slow')).toBeLessThan(x('cross'));
      expect(x('cross')).toBeLessThan(x('order'));
      expect(x('order')).toBeLessThan(x('gate'));
      // Columns are at least a node width plus the layer gap apart.
      expect(x('cross') - x('fast')).toBeGreaterThanOrEqual(180 + layoutSpacing.layer);
      expect(originOf(positions.values())).toEqual({ x: 10, y: 20 });
      const boxes = nodes.map((n) => ({ ...positions.get(n.id)!, w: n.width, h: n.height }));
      for (const a of boxes) for (const b of boxes) if (a !== b) expect(a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y).toBe(true);
    }
  });
});
