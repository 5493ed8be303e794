import { describe, expect, it } from 'vitest';
import type { Catalog } from '../nodes/registry.ts';
import { PortKinds } from '../nodes/ports.ts';
import { refusalReason, type ConnectionContext } from './connection.ts';

const entry = (type: string, inputs: [string, keyof typeof PortKinds][], outputs: [string, keyof typeof PortKinds][]) => ({
  type,
  version: 1,
  category: 'logic' as const,
  title: type,
  description: '',
  docs: { example: '', caveats: [] },
  inputs: inputs.map(([name, kind]) => ({ name, kind, description: '', optional: false })),
  outputs: outputs.map(([name, kind]) => ({ name, kind, description: '' })),
  paramsSchema: {},
  defaults: {},
});

const catalog: Catalog = {
  portKinds: PortKinds,
  nodes: [entry('data', [], [['close', 'price']]), entry('SMA', [['source', 'number']], [['value', 'number']]), entry('Cross', [['a', 'number'], ['b', 'number']], [['above', 'bool']])],
};
const types: Record<string, string> = { d: 'data', s1: 'SMA', s2: 'SMA', x: 'Cross' };

function ctx(edges: ConnectionContext['edges'] = []): ConnectionContext {
  return { nodeType: (id) => types[id], entry: (t) => catalog.nodes.find((n) => n.type === t), edges };
}

describe('refusalReason', () => {
  it('allows a price into a number input', () => {
    expect(refusalReason({ source: 'd', sourceHandle: 'close', target: 's1', targetHandle: 'source' }, ctx())).toBeNull();
  });

  it('explains a kind mismatch in port-kind titles', () => {
    expect(refusalReason({ source: 'x', sourceHandle: 'above', target: 's1', targetHandle: 'source' }, ctx())).toBe('a Condition output cannot feed a Number input');
  });

  it('refuses a second wire into one input, and self-loops', () => {
    const wired = ctx([{ source: 'd', sourceHandle: 'close', target: 's1', targetHandle: 'source' }]);
    expect(refusalReason({ source: 's2', sourceHandle: 'value', target: 's1', targetHandle: 'source' }, wired)).toMatch(/already connected/);
    expect(refusalReason({ source: 's1', sourceHandle: 'value', target: 's1', targetHandle: 'source' }, ctx())).toMatch(/itself/);
  });

  it('refuses a connection that closes a loop', () => {
    const chain = ctx([{ source: 's1', sourceHandle: 'value', target: 's2', targetHandle: 'source' }]);
    expect(refusalReason({ source: 's2', sourceHandle: 'value', target: 's1', targetHandle: 'source' }, chain)).toMatch(/loop/);
  });
});
