import { Position } from '@xyflow/react';
import { describe, expect, it } from 'vitest';
import type { CatalogEntry } from '../../nodes/registry.ts';
import type { StrategyFlowNode } from '../graph-mapping.ts';
import { nodeGeometry, nodeMetrics as m, withDeclaredGeometry } from './node-geometry.ts';

const ports = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('nodeGeometry', () => {
  it('a node without ports is its header and an empty ports block', () => {
    const g = nodeGeometry({ inputs: [], outputs: [], summary: false, update: false });
    expect(g).toEqual({ width: 196, height: 1 + 29 + 5 + 5 + 1, handles: [] });
  });

  it('puts each input on the left edge and each output on the right, centred on its row', () => {
    const g = nodeGeometry({ inputs: ['source'], outputs: ['value', 'signal'], summary: false, update: false });
    // Rows start below the border, the 29 px header and the ports block's 1 px border and 4 px padding.
    const firstRowTop = 1 + 29 + 5;
    expect(g.height).toBe(firstRowTop + 2 * 20 + 5 + 1);
    expect(g.handles).toEqual([
      { id: 'source', type: 'target', position: Position.Left, x: -4, y: firstRowTop + 10 - 5, width: 10, height: 10 },
      { id: 'value', type: 'source', position: Position.Right, x: 190, y: firstRowTop + 10 - 5, width: 10, height: 10 },
      { id: 'signal', type: 'source', position: Position.Right, x: 190, y: firstRowTop + 30 - 5, width: 10, height: 10 },
    ]);
  });

  it('moves the rows down by the summary line and the update button', () => {
    const plain = nodeGeometry({ inputs: ['a'], outputs: [], summary: false, update: false });
    const summary = nodeGeometry({ inputs: ['a'], outputs: [], summary: true, update: false });
    const both = nodeGeometry({ inputs: ['a'], outputs: [], summary: true, update: true });
    expect(summary.handles[0]!.y - plain.handles[0]!.y).toBe(m.params);
    expect(both.handles[0]!.y - summary.handles[0]!.y).toBe(m.update);
    expect(both.height - plain.height).toBe(m.params + m.update);
  });

  it.each([0, 1, 2, 5, 12])('%i inputs and fewer outputs: one row per port pair, handles a row apart', (n) => {
    const g = nodeGeometry({ inputs: ports(n, 'in'), outputs: ports(Math.floor(n / 2), 'out'), summary: true, update: false });
    expect(g.height).toBe(1 + 29 + 20 + 5 + n * 20 + 5 + 1);
    const inputs = g.handles.filter((h) => h.type === 'target');
    const outputs = g.handles.filter((h) => h.type === 'source');
    expect(inputs.map((h) => h.id)).toEqual(ports(n, 'in'));
    expect(outputs).toHaveLength(Math.floor(n / 2));
    inputs.forEach((h, i) => {
      expect(h.y).toBe(inputs[0]!.y + i * m.row);
      // Every handle lies inside the node's height, centred on its row.
      expect(h.y + h.height! / 2).toBe(1 + 29 + 20 + 5 + i * 20 + 10);
      expect(h.y + h.height!).toBeLessThan(g.height);
    });
    outputs.forEach((h, i) => expect(h.y).toBe(inputs[i]!.y));
  });
});

describe('withDeclaredGeometry', () => {
  const entry = {
    type: 'indicator.sma',
    version: 1,
    inputs: [{ name: 'source', kind: 'series', description: '', optional: false }],
    outputs: [{ name: 'value', kind: 'series', description: '' }],
    paramsSchema: { type: 'object', properties: { period: { type: 'integer', default: 20 } } },
    defaults: { period: 20 },
  } as unknown as CatalogEntry;
  const node = (over: Partial<StrategyFlowNode> = {}): StrategyFlowNode => ({
    id: 'sma',
    type: 'strategy',
    position: { x: 0, y: 0 },
    data: { type: 'indicator.sma', version: 1, params: { period: 5 } },
    ...over,
  });

  it('declares the size and handles of a node React Flow has not measured', () => {
    const d = withDeclaredGeometry(node(), entry);
    const g = nodeGeometry({ inputs: ['source'], outputs: ['value'], summary: true, update: false });
    expect(d.initialWidth).toBe(g.width);
    expect(d.initialHeight).toBe(g.height);
    expect(d.measured).toEqual({ width: g.width, height: g.height });
    expect(d.handles).toEqual(g.handles);
    // Not `width`/`height`: those would fix the node's size, and an error list must still grow it.
    expect(d.width).toBeUndefined();
    expect(d.height).toBeUndefined();
  });

  it('leaves a measured node to its measurement, and an unknown or pinned node to be measured', () => {
    const measured = node({ measured: { width: 196, height: 90 } });
    expect(withDeclaredGeometry(measured, entry)).toBe(measured);
    const plain = node();
    expect(withDeclaredGeometry(plain, undefined)).toBe(plain);
    const pinned = node({ data: { type: 'indicator.sma', version: 2, params: {} } });
    expect(withDeclaredGeometry(pinned, entry)).toBe(pinned);
  });
});
