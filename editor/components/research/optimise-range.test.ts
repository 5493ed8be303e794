import { describe, expect, it } from 'vitest';
import type { FieldSpec } from '../../schema-form.ts';
import { defaultRange, describeValues, draftOf, isOptimisable, parseRangeDraft, switchMode } from './optimise-range.ts';

const period: FieldSpec = { key: 'period', label: 'Period', kind: 'integer', optional: false, defaultValue: 20, minimum: 1, maximum: 1000 };
const factor: FieldSpec = { key: 'factor', label: 'Factor', kind: 'number', optional: false, defaultValue: 2, exclusiveMinimum: 0, maximum: 10 };

describe('range editor parsing', () => {
  it('parses min/max/step into the graph’s range and lists the values it expands to', () => {
    const parsed = parseRangeDraft({ mode: 'range', min: '5', max: '30', step: '5' }, period);
    expect(parsed).toEqual({ ok: true, range: { min: 5, max: 30, step: 5 }, values: [5, 10, 15, 20, 25, 30] });
  });

  it('parses a list, in any separator, keeping the values once each', () => {
    const parsed = parseRangeDraft({ mode: 'list', values: '8, 13;21  8' }, period);
    expect(parsed).toEqual({ ok: true, range: { values: [8, 13, 21, 8] }, values: [8, 13, 21] });
  });

  it('names the input at fault, with the graph schema’s own messages for the shape', () => {
    expect(parseRangeDraft({ mode: 'range', min: '30', max: '5', step: '5' }, period)).toEqual({ ok: false, errors: { max: 'max must be at least min' } });
    expect(parseRangeDraft({ mode: 'range', min: '1', max: '5', step: '0' }, period)).toMatchObject({ ok: false, errors: { step: 'must be greater than 0' } });
    expect(parseRangeDraft({ mode: 'range', min: '1', max: '100000', step: '1' }, period)).toEqual({ ok: false, errors: { step: 'at most 10 000 steps per param' } });
    expect(parseRangeDraft({ mode: 'range', min: 'five', max: '', step: '1' }, period)).toEqual({ ok: false, errors: { min: 'min must be a number', max: 'max is required' } });
    expect(parseRangeDraft({ mode: 'list', values: '5, ten' }, period)).toEqual({ ok: false, errors: { values: '“ten” must be a number' } });
    expect(parseRangeDraft({ mode: 'list', values: ' , ' }, period)).toEqual({ ok: false, errors: { values: 'list at least one value' } });
    expect(parseRangeDraft({ mode: 'list', values: Array.from({ length: 1001 }, (_, i) => i + 1).join(',') }, period)).toEqual({ ok: false, errors: { values: 'at most 1000 values' } });
  });

  it('refuses values the param itself refuses: fractions of a whole-number param, values out of its bounds', () => {
    expect(parseRangeDraft({ mode: 'range', min: '1', max: '2', step: '0.5' }, period)).toEqual({ ok: false, errors: { min: '1.5 must be a whole number' } });
    expect(parseRangeDraft({ mode: 'list', values: '0, 5' }, period)).toEqual({ ok: false, errors: { values: '0 must be at least 1' } });
    expect(parseRangeDraft({ mode: 'list', values: '0, 5' }, factor)).toEqual({ ok: false, errors: { values: '0 must be greater than 0' } });
    // Decimal steps give the values a person expects, not 0.30000000000000004.
    expect(parseRangeDraft({ mode: 'range', min: '0.1', max: '0.5', step: '0.1' }, factor)).toMatchObject({ ok: true, values: [0.1, 0.2, 0.3, 0.4, 0.5] });
  });

  it('round-trips a stored range through the editor’s text', () => {
    for (const range of [{ min: 5, max: 30, step: 5 }, { values: [8, 13, 21] }]) {
      expect(parseRangeDraft(draftOf(range), period)).toMatchObject({ ok: true, range });
    }
  });

  it('switches between a step range and a list without losing the values', () => {
    const list = switchMode({ mode: 'range', min: '10', max: '30', step: '10' }, period);
    expect(list).toEqual({ mode: 'list', values: '10, 20, 30' });
    expect(switchMode(list, period)).toEqual({ mode: 'range', min: '10', max: '30', step: '10' });
  });
});

describe('default range', () => {
  it('spans half to double the current value in round steps, inside the param’s bounds', () => {
    const range = defaultRange(period, 20);
    expect(range).toEqual({ min: 10, max: 40, step: 10 });
    expect(parseRangeDraft(draftOf(range), period).ok).toBe(true);
    expect(defaultRange(period, 1)).toEqual({ min: 1, max: 2, step: 1 });
    expect(defaultRange({ ...period, maximum: 25 }, 20)).toEqual({ min: 10, max: 25, step: 5 });
  });

  it('stays above an exclusive minimum and uses decimal steps for decimal params', () => {
    const range = defaultRange(factor, 2);
    expect(range).toEqual({ min: 1, max: 4, step: 1 });
    const small = defaultRange(factor, 0.2);
    expect(parseRangeDraft(draftOf(small), factor)).toMatchObject({ ok: true });
    expect('min' in small && small.min).toBeGreaterThan(0);
  });

  it('falls back to the current value alone when the bounds leave no room', () => {
    expect(defaultRange({ ...period, minimum: 7, maximum: 7 }, 7)).toEqual({ values: [7] });
  });
});

describe('helpers', () => {
  it('sweeps numbers only', () => {
    expect(isOptimisable(period)).toBe(true);
    expect(isOptimisable({ ...period, kind: 'enum', options: ['a'] })).toBe(false);
    expect(isOptimisable({ ...period, kind: 'boolean' })).toBe(false);
  });

  it('describes long value lists by their ends', () => {
    expect(describeValues([5, 10])).toBe('2 values: 5, 10');
    expect(describeValues([1, 2, 3, 4, 5, 6, 7, 8])).toBe('8 values: 1, 2, 3 … 8');
  });
});
