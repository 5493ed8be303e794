import { describe, expect, it } from 'vitest';
import { CustomNodeMeta, paramsSchemaOf, type ParamsJsonSchema } from './schema.ts';

const params: ParamsJsonSchema = {
  type: 'object',
  properties: {
    period: { type: 'integer', minimum: 1, maximum: 500, default: 20, description: 'Bars.' },
    k: { type: 'number', exclusiveMinimum: 0, default: 2 },
    adaptive: { type: 'boolean', default: false },
    mode: { type: 'string', enum: ['fast', 'slow'], default: 'fast' },
  },
  additionalProperties: false,
};
const meta = { type: 'myNode', title: 'Mine', description: '', inputs: { source: { kind: 'price', description: '' } }, outputs: { value: { kind: 'number', description: '' } }, params, defaults: {} };

describe('custom node schemas', () => {
  it('builds a zod params schema that fills defaults and enforces every bound', () => {
    const schema = paramsSchemaOf(params);
    expect(schema.parse({})).toEqual({ period: 20, k: 2, adaptive: false, mode: 'fast' });
    expect(schema.safeParse({ period: 1.5 }).success).toBe(false);
    expect(schema.safeParse({ period: 501 }).success).toBe(false);
    expect(schema.safeParse({ k: 0 }).success).toBe(false);
    expect(schema.safeParse({ mode: 'medium' }).success).toBe(false);
    expect(schema.safeParse({ extra: 1 }).success).toBe(false);
    expect(schema.shape.period.description).toBe('Bars.');
  });

  it('accepts only scalar port kinds and identifier names, never __proto__', () => {
    expect(CustomNodeMeta.safeParse(meta).success).toBe(true);
    const withKind = (kind: string) => ({ ...meta, inputs: { source: { kind, description: '' } } });
    expect(CustomNodeMeta.safeParse(withKind('bars')).success).toBe(false);
    expect(CustomNodeMeta.safeParse(withKind('order')).success).toBe(false);
    expect(CustomNodeMeta.safeParse({ ...meta, outputs: JSON.parse('{"__proto__": {"kind": "number", "description": ""}}') }).success).toBe(false);
    expect(CustomNodeMeta.safeParse({ ...meta, outputs: {} }).success).toBe(false);
    expect(CustomNodeMeta.safeParse({ ...meta, extra: 1 }).success).toBe(false);
    const many = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`p${i}`, { kind: 'number', description: '' }]));
    expect(CustomNodeMeta.safeParse({ ...meta, inputs: many }).success).toBe(false);
  });
});
