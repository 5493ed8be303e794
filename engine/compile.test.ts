import { z } from 'zod';
import { PortKinds, slotWidth } from '../nodes/ports.ts';
import { BacktestSettings } from './graph.ts';
import { describe, expect, it } from 'vitest';
import { defineNode } from '../nodes/contract.ts';
import { registry } from '../nodes/index.ts';
import { createRegistry } from '../nodes/registry.ts';
import { compile, compileErrorCodes, type CompileError, type CompileErrorCode } from './compile.ts';
import { fixture, type FixtureNode } from './testing.ts';

/** The smallest valid strategy: data → threshold → order. */
const minimal: Record<string, FixtureNode> = {
  data: { type: 'data.synthetic' },
  t: { type: 'logic.threshold', params: { operator: '>', level: 100 } },
  order: { type: 'order.targetPercent' },
};
const minimalEdges = ['data.close -> t.value', 't.result -> order.enter'];

function errorsOf(graph: unknown, reg = registry): CompileError[] {
  const result = compile(graph, reg);
  if (result.ok) throw new Error('expected the graph to be refused');
  return result.errors;
}
const codes = (errors: CompileError[]) => errors.map((e) => e.code);
const only = (errors: CompileError[], code: CompileErrorCode) => errors.filter((e) => e.code === code);

describe('compile: errors', () => {
  const covered = new Set<CompileErrorCode>();
  const check = (code: CompileErrorCode) => covered.add(code);

  it('invalid_graph: the document itself is malformed, with the path and the node', () => {
    check('invalid_graph');
    expect(codes(errorsOf({ nodes: 'no' }))).toEqual(['invalid_graph', 'invalid_graph']);
    const graph = fixture(minimal, minimalEdges);
    (graph.nodes[1] as { id: string }).id = 'has space';
    const [error, ...rest] = errorsOf(graph);
    expect(rest).toEqual([]);
    expect(error).toMatchObject({ code: 'invalid_graph', path: ['nodes', 1, 'id'], nodeId: 'has space' });
    expect(error!.message).toMatch(/^nodes\.1\.id: /);
  });

  it('invalid_graph: a key the document does not have is refused by name, never dropped', () => {
    // A dropped setting would run on its default (commission 1 bp, not 50) without a word.
    const graph = fixture(minimal, minimalEdges);
    const settings = { initialCash: 10_000, comissionBps: 50 };
    const misspelt = { ...graph, settings, nodes: graph.nodes.map((n, i) => (i === 1 ? { ...n, parms: { level: 1 } } : n)) };
    const errors = errorsOf(misspelt);
    expect(errors.map((e) => [e.code, e.path])).toEqual([
      ['invalid_graph', ['nodes', 1]],
      ['invalid_graph', ['settings']],
    ]);
    expect(errors[0]!.message).toContain('"parms"');
    expect(errors[0]!.nodeId).toBe('t');
    expect(errors[1]!.message).toContain('"comissionBps"');
  });

  it('invalid_graph in the settings alone does not hide the graph’s own problems: all are reported in one pass', () => {
    const graph = fixture(minimal, minimalEdges);
    const edges = [...graph.edges, { id: 'bad', source: { node: 't', port: 'nope' }, target: { node: 'order', port: 'exit' } }];
    const errors = errorsOf({ ...graph, settings: { comissionBps: 50 }, edges });
    expect(errors.map((e) => e.code)).toEqual(['invalid_graph', 'unknown_port']);
    expect(errors[0]!.message).toContain('"comissionBps"');
  });

  it('duplicate_node_id', () => {
    check('duplicate_node_id');
    const graph = fixture(minimal, minimalEdges);
    graph.nodes.push({ id: 't', type: 'logic.threshold' });
    expect(errorsOf(graph)).toEqual([expect.objectContaining({ code: 'duplicate_node_id', nodeId: 't', path: ['nodes', 3, 'id'] })]);
  });

  it('unknown_node_type', () => {
    check('unknown_node_type');
    const errors = errorsOf(fixture({ ...minimal, x: { type: 'indicator.doesNotExist' } }, minimalEdges));
    expect(errors).toEqual([expect.objectContaining({ code: 'unknown_node_type', nodeId: 'x', path: ['nodes', 3, 'type'] })]);
    expect(errors[0]!.message).toContain('indicator.doesNotExist');
  });

  it('version_too_new', () => {
    check('version_too_new');
    const errors = errorsOf(fixture({ ...minimal, t: { ...minimal.t!, version: 2 } }, minimalEdges));
    expect(errors).toEqual([expect.objectContaining({ code: 'version_too_new', nodeId: 't', path: ['nodes', 1, 'version'] })]);
  });

  it('bad_params, with the path to the offending field', () => {
    check('bad_params');
    const errors = errorsOf(fixture({ ...minimal, s: { type: 'indicator.sma', params: { period: 0 } }, x: { type: 'indicator.ema', params: { period: 'ten' } } }, [...minimalEdges, 'data.close -> s.source', 'data.close -> x.source']));
    expect(errors.map((e) => [e.code, e.nodeId, e.path])).toEqual([
      ['bad_params', 's', ['nodes', 3, 'params', 'period']],
      ['bad_params', 'x', ['nodes', 4, 'params', 'period']],
    ]);
    expect(errors[0]!.message).toMatch(/^SMA period: /);
  });

  it('bad_params: a param the node does not have is refused by name, with the one it resembles', () => {
    // A bracket whose misspelt stop would otherwise run with no stop at all.
    const bracket = { type: 'order.bracket', params: { stoploss: 5, takeProfit: 10, trailing: 2 } };
    const errors = errorsOf(fixture({ ...minimal, exits: bracket }, [...minimalEdges, 'order.order -> exits.order']));
    expect(errors.map((e) => [e.code, e.nodeId, e.path, e.message])).toEqual([
      ['bad_params', 'exits', ['nodes', 3, 'params', 'stoploss'], 'Bracket (stop-loss / take-profit) stoploss: not a param of this node (did you mean "stopLoss"?)'],
      ['bad_params', 'exits', ['nodes', 3, 'params', 'trailing'], 'Bracket (stop-loss / take-profit) trailing: not a param of this node'],
    ]);
  });

  it('unknown_node: an edge to a node that does not exist', () => {
    check('unknown_node');
    const errors = errorsOf(fixture(minimal, [...minimalEdges, 'ghost.value -> order.exit']));
    expect(errors).toEqual([expect.objectContaining({ code: 'unknown_node', edgeId: 'e3', path: ['edges', 2, 'source'] })]);
    expect(errors[0]!.message).toContain('"ghost"');
  });

  it('unknown_port on either end, naming node and port', () => {
    check('unknown_port');
    const errors = errorsOf(fixture(minimal, ['data.closing -> t.value', 't.result -> order.entry']));
    expect(errors.filter((e) => e.code === 'unknown_port').map((e) => [e.nodeId, e.port, e.path])).toEqual([
      ['data', 'closing', ['edges', 0, 'source', 'port']],
      ['order', 'entry', ['edges', 1, 'target', 'port']],
    ]);
  });

  it('unknown_port for a port named like an inherited object key, not a crash', () => {
    const errors = errorsOf(fixture(minimal, ['data.toString -> t.value', 't.result -> order.constructor', 'data.close -> order.__proto__']));
    expect(only(errors, 'unknown_port').map((e) => e.message)).toEqual([
      'Synthetic bars has no output "toString"',
      'Target % of equity has no input "constructor"',
      'Target % of equity has no input "__proto__"',
    ]);
  });

  it('port_kind_mismatch: a number cannot feed a condition', () => {
    check('port_kind_mismatch');
    const errors = errorsOf(fixture({ ...minimal, r: { type: 'indicator.rsi' } }, ['data.close -> r.source', 'r.value -> order.enter']));
    expect(only(errors, 'port_kind_mismatch')).toEqual([expect.objectContaining({ nodeId: 'order', port: 'enter', edgeId: 'e2', path: ['edges', 1] })]);
    expect(only(errors, 'port_kind_mismatch')[0]!.message).toMatch(/Number output cannot feed a Condition input/);
    // The order's input has its (refused) wire: it is not also reported as unconnected (the threshold,
    // left out of this wiring, is).
    expect(only(errors, 'missing_input').map((e) => e.nodeId)).toEqual(['t']);
  });

  it('duplicate_input', () => {
    check('duplicate_input');
    const errors = errorsOf(fixture(minimal, [...minimalEdges, 'data.open -> t.value']));
    expect(errors).toEqual([expect.objectContaining({ code: 'duplicate_input', nodeId: 't', port: 'value', edgeId: 'e3' })]);
  });

  it('missing_input: required inputs only, optional ones may stay unwired', () => {
    check('missing_input');
    const errors = errorsOf(fixture({ ...minimal, both: { type: 'logic.and' } }, [...minimalEdges, 't.result -> both.a']));
    expect(errors).toEqual([expect.objectContaining({ code: 'missing_input', nodeId: 'both', port: 'b', path: ['nodes', 3] })]);
  });

  it('cycle: only the nodes on the cycle are flagged, not those downstream of it', () => {
    check('cycle');
    const errors = errorsOf(
      fixture(
        {
          data: { type: 'data.synthetic' },
          a: { type: 'logic.and' },
          b: { type: 'logic.or' },
          down: { type: 'logic.and' },
          order: { type: 'order.targetPercent' },
          t: { type: 'logic.threshold' },
        },
        ['data.close -> t.value', 't.result -> a.a', 'b.result -> a.b', 'a.result -> b.a', 't.result -> b.b', 'a.result -> down.a', 'b.result -> down.b', 'down.result -> order.enter'],
      ),
    );
    expect(errors.map((e) => [e.code, e.nodeId])).toEqual([
      ['cycle', 'a'],
      ['cycle', 'b'],
    ]);
    expect(errors[0]!.message).toMatch(/"a" is on a cycle \(through "a", "b"\)/);
  });

  it('cycle: a self-loop, and a node between two cycles is not on either', () => {
    const errors = errorsOf(
      fixture(
        {
          data: { type: 'data.synthetic' },
          self: { type: 'logic.or' },
          between: { type: 'logic.and' },
          p: { type: 'logic.and' },
          q: { type: 'logic.and' },
          t: { type: 'logic.threshold' },
          order: { type: 'order.targetPercent' },
        },
        ['data.close -> t.value', 'self.result -> self.a', 't.result -> self.b', 'self.result -> between.a', 't.result -> between.b', 'between.result -> p.a', 'q.result -> p.b', 'p.result -> q.a', 't.result -> q.b', 'p.result -> order.enter'],
      ),
    );
    expect(errors.map((e) => [e.code, e.nodeId])).toEqual([
      ['cycle', 'self'],
      ['cycle', 'p'],
      ['cycle', 'q'],
    ]);
  });

  it('no_data_source', () => {
    check('no_data_source');
    const errors = errorsOf(fixture({ e: { type: 'logic.threshold' }, order: { type: 'order.targetPercent' } }, ['e.result -> order.enter']));
    expect(codes(errors)).toEqual(['missing_input', 'no_data_source']);
    expect(only(errors, 'no_data_source')[0]!.path).toEqual(['nodes']);
  });

  it('multiple_data_sources flags the extra ones', () => {
    check('multiple_data_sources');
    const errors = errorsOf(fixture({ ...minimal, more: { type: 'data.csv', params: { dataset: 'x' } }, evenMore: { type: 'data.synthetic' } }, minimalEdges));
    expect(errors.map((e) => [e.code, e.nodeId])).toEqual([
      ['multiple_data_sources', 'more'],
      ['multiple_data_sources', 'evenMore'],
    ]);
  });

  it('no_order_output', () => {
    check('no_order_output');
    const errors = errorsOf(fixture({ data: minimal.data!, t: minimal.t! }, ['data.close -> t.value']));
    expect(codes(errors)).toEqual(['no_order_output']);
  });

  it('multiple_order_outputs: two order paths reach the broker', () => {
    check('multiple_order_outputs');
    const errors = errorsOf(fixture({ ...minimal, other: { type: 'order.targetPercent', params: { side: 'short' } } }, [...minimalEdges, 't.result -> other.enter']));
    expect(errors).toEqual([expect.objectContaining({ code: 'multiple_order_outputs', nodeId: 'other', port: 'order', path: ['nodes', 3] })]);
  });

  it('batch_input_not_pure: a custom (batch) node fed by a node that reads the portfolio', () => {
    check('batch_input_not_pure');
    const batchNode = defineNode({
      type: 'custom.passThrough',
      version: 1,
      category: 'custom',
      title: 'Pass through',
      description: 'A batch node (test).',
      docs: { example: '', caveats: [] },
      inputs: { x: { kind: 'number', description: 'In.' } },
      outputs: { value: { kind: 'number', description: 'Out.' } },
      params: z.object({}),
      init: () => ({}),
      step() {},
      batch: { open: async () => ({ run: async (inputs) => ({ value: inputs.x! }), close: async () => {} }) },
    });
    const reg = createRegistry([...registry.definitions, batchNode]);
    const graph = fixture(
      { data: minimal.data!, t: minimal.t!, size: { type: 'risk.volatilityTarget' }, pass: { type: 'custom.passThrough' }, fine: { type: 'custom.passThrough' } },
      ['data.close -> t.value', 't.result -> size.enter', 'size.percent -> pass.x', 'data.close -> fine.x'],
    );
    const errors = only(errorsOf(graph, reg), 'batch_input_not_pure');
    expect(errors).toEqual([expect.objectContaining({ code: 'batch_input_not_pure', nodeId: 'pass', port: 'x' })]);
    expect(errors[0]!.message).toMatch(/"size", which depends on the portfolio/);
  });

    it('an order output consumed by a risk gate is not terminal', () => {
    const result = compile(fixture({ ...minimal, gate: { type: 'risk.maxPosition' } }, [...minimalEdges, 'order.order -> gate.order']), registry);
    expect(result.ok).toBe(true);
  });

  it('collects several errors in one pass', () => {
    const errors = errorsOf(fixture({ s: { type: 'indicator.sma', params: { period: -1 } }, x: { type: 'nope.nope' } }, ['s.value -> x.a']));
    // The SMA's period is bad and its source unwired, the edge's target type is unknown, and there is no data or order node.
    expect(codes(errors)).toEqual(['bad_params', 'unknown_node_type', 'missing_input', 'no_data_source', 'no_order_output']);
  });

  it('every error code has a test above', () => {
    expect([...covered].sort()).toEqual([...compileErrorCodes].sort());
  });
});

describe('compile: migrations', () => {
  const scaler = defineNode({
    type: 'logic.scaled',
    version: 2,
    category: 'logic',
    title: 'Scaled threshold',
    description: 'test',
    docs: { example: '', caveats: [] },
    inputs: { value: { kind: 'number', description: '' } },
    outputs: { result: { kind: 'bool', description: '' } },
    params: z.object({ level: z.number() }),
    migrations: { 1: (old) => ({ level: z.object({ limit: z.number() }).parse(old).limit }) },
    init: () => ({}),
    step(_s, p, i, o) {
      o.result = i.value > p.level ? 1 : 0;
    },
  });
  const reg = createRegistry([...registry.definitions, scaler]);

  it('migrates params saved at an older version', () => {
    const result = compile(fixture({ ...minimal, t: { type: 'logic.scaled', version: 1, params: { limit: 7 } } }, minimalEdges), reg);
    expect(result.ok && result.plan.nodes.find((n) => n.id === 't')!.params).toEqual({ level: 7 });
  });

  it('a migration that cannot read the old params is a params error, not a version one', () => {
    const errors = errorsOf(fixture({ ...minimal, t: { type: 'logic.scaled', version: 1, params: { level: 7 } } }, minimalEdges), reg);
    expect(errors).toEqual([expect.objectContaining({ code: 'bad_params', nodeId: 't', path: ['nodes', 1, 'params'] })]);
  });
});

describe('compile: plan', () => {
  // Listed downstream-first on purpose: the plan must still run sources first.
  const graph = fixture(
    {
      order: { type: 'order.targetPercent' },
      cross: { type: 'logic.crossover' },
      slow: { type: 'indicator.sma', params: { period: 50 } },
      fast: { type: 'indicator.ema', params: { period: 10 } },
      data: { type: 'data.synthetic', params: { seed: 3, bars: 500 } },
    },
    ['data.close -> fast.source', 'data.close -> slow.source', 'fast.value -> cross.a', 'slow.value -> cross.b', 'cross.above -> order.enter'],
    { initialCash: 5000 },
  );
  const result = compile(graph, registry);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  const plan = result.plan;
  const node = (id: string) => plan.nodes.find((n) => n.id === id)!;
  const position = (id: string) => plan.nodes.findIndex((n) => n.id === id);

  it('orders nodes so every node comes after the nodes it reads', () => {
    // Kahn's algorithm, ties broken by document order.
    expect(plan.nodes.map((n) => n.id)).toEqual(['data', 'slow', 'fast', 'cross', 'order']);
    expect(position('fast')).toBeLessThan(position('cross'));
    expect(position('slow')).toBeLessThan(position('cross'));
    expect(position('cross')).toBeLessThan(position('order'));
  });

  it('wires each input to its source output slot, and unwired optional inputs to the NaN slot', () => {
    expect(node('fast').inputSlots.source).toBe(node('data').outputSlots.close);
    expect(node('slow').inputSlots.source).toBe(node('data').outputSlots.close);
    expect(node('cross').inputSlots).toEqual({ a: node('fast').outputSlots.value, b: node('slow').outputSlots.value });
    expect(node('order').inputSlots).toEqual({ enter: node('cross').outputSlots.above, exit: plan.nanSlot });
    expect(node('order').wired).toEqual({ enter: true, exit: false });
    expect(plan.orderSlot).toBe(node('order').outputSlots.order);
    // Every slot is used once: the NaN block (one bar wide), then each output, a bars output one slot per field.
    const widths = plan.nodes.flatMap((n) => Object.entries(n.outputSlots).map(([port, slot]) => [slot, slotWidth(n.def.outputs[port]!.kind)] as const));
    const used = widths.flatMap(([slot, width]) => Array.from({ length: width }, (_, k) => slot + k));
    expect(new Set(used).size).toBe(used.length);
    const nanWidth = Math.max(...Object.keys(PortKinds).map((k) => slotWidth(k as keyof typeof PortKinds)));
    expect(Math.min(...used)).toBe(plan.nanSlot + nanWidth);
    expect(plan.slotCount).toBe(used.length + nanWidth);
  });

  it('computes warm-up from the graph: the longest upstream chain (SMA 50 → crossover, which needs the bar before → order = 50)', () => {
    expect(node('fast').warmup).toBe(9);
    expect(node('slow').warmup).toBe(49);
    expect(node('cross').warmup).toBe(50);
    expect(plan.warmup).toBe(50);
  });

  it('adds warm-ups along a chain', () => {
    const chain = compile(
      fixture(
        { data: { type: 'data.synthetic' }, s: { type: 'indicator.sma', params: { period: 5 } }, r: { type: 'indicator.rsi', params: { period: 3 } }, t: { type: 'logic.threshold' }, order: { type: 'order.targetPercent' } },
        ['data.close -> s.source', 's.value -> r.source', 'r.value -> t.value', 't.result -> order.enter'],
      ),
      registry,
    );
    // SMA(5) first value at 4, RSI(3) of it needs 3 more changes: 7.
    expect(chain.ok && chain.plan.warmup).toBe(7);
  });

  it('resolves the data request and fills settings defaults', () => {
    expect(plan.data).toEqual({ nodeId: 'data', request: expect.objectContaining({ kind: 'synthetic', seed: 3, bars: 500 }) });
    expect(plan.settings).toEqual(BacktestSettings.parse({ initialCash: 5000 }));
    expect(plan.settings).toMatchObject({ initialCash: 5000, commissionBps: 1, slippageBps: 2, maxLeverage: 1, maxParticipation: 0 });
  });
});
