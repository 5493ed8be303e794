import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineNode, type AnyNodeDefinition } from './contract.ts';
import { registry } from './index.ts';
import { PortKinds } from './ports.ts';
import { createRegistry, migrateParams } from './registry.ts';

const base = {
  version: 1,
  category: 'math',
  title: 'Test',
  description: 'A throwaway node.',
  docs: { example: 'none', caveats: [] },
  inputs: { x: { kind: 'number', description: 'in' } },
  outputs: { y: { kind: 'number', description: 'out' } },
  params: z.object({ factor: z.number().default(1) }),
  init: () => ({}),
  step(_s: unknown, p: { factor: number }, i: { x: number }, o: { y: number }) {
    o.y = i.x * p.factor;
  },
} as const;

/** Version 3 of a node whose params went { scale } → { factor } (v1→v2) → { factor, offset } (v2→v3). */
const scaler = defineNode({
  ...base,
  type: 'math.scaler',
  version: 3,
  params: z.object({ factor: z.number(), offset: z.number() }),
  migrations: {
    1: (old) => ({ factor: z.object({ scale: z.number() }).parse(old).scale }),
    2: (old) => ({ ...z.object({ factor: z.number() }).parse(old), offset: 0 }),
  },
  step(_s, p, i, o) {
    o.y = i.x * p.factor + p.offset;
  },
});

describe('registry', () => {
  it('refuses a node type registered twice', () => {
    const a = defineNode({ ...base, type: 'math.twice' });
    const b = defineNode({ ...base, type: 'math.twice', title: 'Other' });
    expect(() => createRegistry([a, b])).toThrow(/"math\.twice" is registered twice/);
  });

  it('looks definitions up by type', () => {
    expect(registry.get('indicator.sma')?.title).toBe('SMA');
    expect(registry.get('indicator.nope')).toBeUndefined();
  });

  it('catalogs every built-in node with a JSON Schema and defaults that the schema accepts', () => {
    const catalog = registry.catalog();
    expect(catalog.portKinds).toBe(PortKinds);
    expect(catalog.nodes.map((n) => n.type)).toEqual(registry.definitions.map((d) => d.type));
    for (const entry of catalog.nodes) {
      const def = registry.get(entry.type)!;
      expect(entry.paramsSchema.type, entry.type).toBe('object');
      expect(Object.keys((entry.paramsSchema.properties ?? {}) as object).sort(), entry.type).toEqual(Object.keys(def.params.shape).sort());
      // Defaults fill every param that has one; a param the user must choose (a dataset) stays absent.
      const required = ((entry.paramsSchema.required ?? []) as string[]);
      expect(def.params.safeParse(entry.defaults).success, entry.type).toBe(required.length === 0);
      for (const key of required) expect(key in entry.defaults, `${entry.type}.${key}`).toBe(false);
      expect(entry.outputs.length, entry.type).toBeGreaterThan(0);
      for (const port of [...entry.inputs, ...entry.outputs]) expect(Object.keys(PortKinds)).toContain(port.kind);
    }
  });

  it('catalog: defaults and field docs come from the zod schema', () => {
    const sma = registry.catalog().nodes.find((n) => n.type === 'indicator.sma')!;
    expect(sma.defaults).toEqual({ period: 20 });
    const period = (sma.paramsSchema.properties as Record<string, Record<string, unknown>>).period!;
    expect(period).toMatchObject({ type: 'integer', minimum: 1, maximum: 10_000, default: 20 });
    expect(period.description).toMatch(/bars/i);
    // Input form: a defaulted field is not required.
    expect(sma.paramsSchema.required ?? []).not.toContain('period');
    const and = registry.catalog().nodes.find((n) => n.type === 'logic.and')!;
    expect(and.inputs.map((i) => [i.name, i.optional])).toEqual([['a', false], ['b', false], ['c', true], ['d', true]]);
  });

  it('builds the catalog once', () => {
    expect(registry.catalog()).toBe(registry.catalog());
  });
});

describe('defineNode', () => {
  it.each(['sma', 'Indicator.sma', 'indicator.', 'indicator.sma-fast', 'indicator.Sma', 'indicator.sma.v2'])('refuses the type id %s', (type) => {
    expect(() => defineNode({ ...base, category: 'indicator', type })).toThrow(/must look like "category\.name"/);
  });

  it('refuses a type outside its category', () => {
    expect(() => defineNode({ ...base, category: 'logic', type: 'math.scale' })).toThrow(/must start with its category "logic\."/);
  });

  it.each(['Bad', 'with space', 'with-dash', '1st', '__proto__', ''])('refuses the port name %j', (name) => {
    expect(() => defineNode({ ...base, type: 'math.ports', inputs: { [name]: { kind: 'number', description: '' } } })).toThrow(/port name/);
    expect(() => defineNode({ ...base, type: 'math.ports', outputs: { [name]: { kind: 'number', description: '' } } })).toThrow(/port name/);
  });

  it('refuses a node without outputs', () => {
    expect(() => defineNode({ ...base, type: 'math.silent', outputs: {} })).toThrow(/at least one output/);
  });

  it('refuses a bad version and a version bump without its migration', () => {
    expect(() => defineNode({ ...base, type: 'math.v0', version: 0 })).toThrow(/positive integer/);
    expect(() => defineNode({ ...base, type: 'math.v2', version: 2 })).toThrow(/version 2 needs a params migration from version 1/);
    expect(() => defineNode({ ...base, type: 'math.v3', version: 3, migrations: { 1: (p) => p } })).toThrow(/from version 2/);
  });

  it('refuses a prepare on a node that does not step bar by bar, or onto an output it cannot write, and an equity band without an idle test', () => {
    // A bar-by-bar node: its step takes the context.
    const barStep = (_s: unknown, _p: unknown, i: { x: number }, o: { y: number }, _ctx: unknown) => {
      o.y = i.x;
    };
    const prepare = { fields: ['close'] as const, outputs: ['y'] as const, kernel: () => {} };
    expect(() => defineNode({ ...base, type: 'math.pure', prepare })).toThrow(/only a node that steps bar by bar, one symbol at a time, can prepare columns/);
    const orderStep = (_s: unknown, _p: unknown, _i: unknown, _o: unknown, _ctx: unknown) => {};
    expect(() => defineNode({ ...base, type: 'math.orders', step: orderStep, outputs: { y: { kind: 'order', description: 'out' } }, prepare })).toThrow(/prepare writes y, which is not a single-number output/);
    expect(() => defineNode({ ...base, type: 'math.prepared', step: barStep, prepare })).not.toThrow();
    expect(() => defineNode({ ...base, type: 'math.banded', step: barStep, idleEquity: { low: () => 0, high: () => 1 } })).toThrow(/idleEquity bounds an idle test, and there is none/);
    expect(() => defineNode({ ...base, type: 'math.watching', step: barStep, idleWatch: () => undefined })).toThrow(/idleWatch follows an idle test, and there is none/);
  });

  it('refuses skippable outputs without a kernel, or naming an output it does not have', () => {
    const kernel = () => {};
    expect(() => defineNode({ ...base, type: 'math.nokernel', skippableOutputs: ['y'] })).toThrow(/skippableOutputs are a kernel's, and there is none/);
    expect(() => defineNode({ ...base, type: 'math.typo', kernel, skippableOutputs: ['z' as 'y'] })).toThrow(/skippableOutputs names z, which is not an output/);
    expect(() => defineNode({ ...base, type: 'math.skips', kernel, skippableOutputs: ['y'] })).not.toThrow();
  });

  it('refuses a pointwise form without a kernel, across symbols, or on ports that are not single numbers', () => {
    const kernel = () => {};
    const pointwise = () => (out: string, [x]: readonly string[]) => `const ${out} = ${x};`;
    expect(() => defineNode({ ...base, type: 'math.nokernel', pointwise })).toThrow(/pointwise is for a node with a kernel/);
    expect(() => defineNode({ ...base, type: 'math.across', scope: 'cross', kernel, pointwise })).toThrow(/pointwise is for a node with a kernel/);
    const two = { y: { kind: 'number', description: 'out' }, z: { kind: 'number', description: 'out' } } as const;
    expect(() => defineNode({ ...base, type: 'math.two', outputs: two, step: () => {}, kernel, pointwise })).toThrow(/pointwise needs single-number inputs and one single-number output/);
    expect(() => defineNode({ ...base, type: 'math.point', kernel, pointwise })).not.toThrow();
  });

  it('returns a frozen definition', () => {
    expect(Object.isFrozen(scaler)).toBe(true);
  });
});

describe('migrateParams', () => {
  it('applies the migrations in order from the saved version', () => {
    expect(migrateParams(scaler, 1, { scale: 3 })).toEqual({ factor: 3, offset: 0 });
    expect(migrateParams(scaler, 2, { factor: 5 })).toEqual({ factor: 5, offset: 0 });
  });

  it('leaves current params alone', () => {
    const params = { factor: 2, offset: 1 };
    expect(migrateParams(scaler, 3, params)).toBe(params);
  });

  it('refuses params saved by a newer version', () => {
    expect(() => migrateParams(scaler, 4, {})).toThrow(/version 4, but this Tradeloom only knows up to version 3/);
  });

  it('lets a migration refuse what it cannot read', () => {
    expect(() => migrateParams(scaler, 1, { factor: 3 })).toThrow();
  });

  it('works through a registry too (the compiler path)', () => {
    const reg = createRegistry([scaler as AnyNodeDefinition]);
    expect(migrateParams(reg.get('math.scaler')!, 1, { scale: 0.5 })).toEqual({ factor: 0.5, offset: 0 });
  });
});
