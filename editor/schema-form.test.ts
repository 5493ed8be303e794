import { describe, expect, it } from 'vitest';
import { fieldsOf, paramSummary, parseField } from './schema-form.ts';

// Shapes as z.toJSONSchema emits them for the built-in nodes (see GET /api/nodes).
const schema = {
  type: 'object',
  properties: {
    period: { default: 20, description: 'Number of bars to average.', type: 'integer', minimum: 1, maximum: 10000 },
    percent: { default: 100, type: 'number', exclusiveMinimum: 0, maximum: 1000 },
    side: { default: 'long', type: 'string', enum: ['long', 'short'] },
    maxQuantity: { type: 'number', exclusiveMinimum: 0 },
    dataset: { default: '', type: 'string', minLength: 1 },
  },
};

describe('schema form', () => {
  const fields = Object.fromEntries(fieldsOf(schema).map((f) => [f.key, f]));

  it('derives kinds, optionality and help from the schema', () => {
    expect(fields.period).toMatchObject({ kind: 'integer', optional: false, minimum: 1, maximum: 10000, description: 'Number of bars to average.', label: 'Period' });
    expect(fields.side).toMatchObject({ kind: 'enum', options: ['long', 'short'] });
    expect(fields.maxQuantity).toMatchObject({ optional: true, label: 'Max quantity' });
  });

  it('labels a field with its schema title when it has one (the backtest settings do)', () => {
    const settings = { type: 'object', properties: { commissionBps: { default: 1, title: 'Commission (bps)', type: 'number', minimum: 0, maximum: 1000 } } };
    expect(fieldsOf(settings)[0]).toMatchObject({ key: 'commissionBps', label: 'Commission (bps)', optional: false, defaultValue: 1 });
  });

  it('says what a pattern wants when the schema says it (a webhook alert\'s secret name), else that the format is wrong', () => {
    const props = {
      type: 'object',
      properties: {
        secretName: { type: 'string', pattern: '^[A-Z][A-Z0-9_]{0,39}$', patternMessage: 'a name like SLACK or DESK_2' },
        code: { type: 'string', pattern: '^[a-z]+$' },
      },
    };
    const [secret, code] = fieldsOf(props);
    expect(parseField(secret!, 'my-real-secret-value')).toEqual({ ok: false, message: 'a name like SLACK or DESK_2' });
    expect(parseField(secret!, 'DESK_2')).toMatchObject({ ok: true });
    expect(parseField(code!, 'A1')).toEqual({ ok: false, message: 'has the wrong format' });
  });

  it('validates as the user types, with messages a trader reads', () => {
    expect(parseField(fields.period!, '0')).toEqual({ ok: false, message: 'must be at least 1' });
    expect(parseField(fields.period!, '10.5')).toEqual({ ok: false, message: 'must be a whole number' });
    expect(parseField(fields.period!, 'ten')).toEqual({ ok: false, message: 'must be a number' });
    expect(parseField(fields.period!, '')).toEqual({ ok: false, message: 'is required' });
    expect(parseField(fields.period!, ' 50 ')).toEqual({ ok: true, value: 50 });
    expect(parseField(fields.percent!, '0')).toEqual({ ok: false, message: 'must be greater than 0' });
    expect(parseField(fields.percent!, '1001')).toEqual({ ok: false, message: 'must be at most 1000' });
    expect(parseField(fields.dataset!, '')).toEqual({ ok: false, message: 'is required' });
  });

  it('clears an empty optional field instead of failing', () => {
    expect(parseField(fields.maxQuantity!, '')).toEqual({ ok: true, value: undefined });
  });

  it('summarises key params for the canvas node, falling back to defaults', () => {
    expect(paramSummary(schema, { period: 10 })).toEqual(['period 10', 'percent 100', 'side long']);
    const basket = { type: 'object', properties: { datasets: { type: 'array', items: { type: 'object' } }, extra: { type: 'object' } } };
    expect(paramSummary(basket, { datasets: [{ datasetId: 'a' }, { datasetId: 'b', symbol: 'B' }], extra: { a: 1 } })).toEqual(['datasets 2']);
    // A dataset id reads as its file's name when the editor knows it, and as the id when it does not.
    const csv = { type: 'object', properties: { dataset: { type: 'string' } } } as const;
    const id = '0a81bc48-63b0-48ae-90dd-ed67f21a43a8';
    expect(paramSummary(csv, { dataset: id }, 3, new Map([[id, 'bizdays.csv']]))).toEqual(['dataset bizdays.csv']);
    expect(paramSummary(csv, { dataset: id })).toEqual(['dataset 0a81bc48-63b0-48ae-90dd…']);
  });
});
