import { describe, expect, it } from 'vitest';
import { declaredType, markersOf } from './markers.ts';
import { starterTemplate } from './template.ts';

describe('server problems as editor markers', () => {
  it('puts a problem with a position where it points', () => {
    const problem = { errors: [{ path: 'body.source', line: 3, column: 14, message: "')' expected." }] };
    expect(markersOf(problem, 'a\nb\nc')).toEqual([{ line: 3, column: 14, message: "')' expected." }]);
  });

  it('puts a contract problem without a position on the defineNode call', () => {
    const problem = { errors: [{ path: 'body.source', message: 'outputs: needs at least 1 port' }] };
    const line = starterTemplate.split('\n').findIndex((l) => l.includes('defineNode(')) + 1;
    expect(markersOf(problem, starterTemplate)).toEqual([{ line, column: 16, message: 'outputs: needs at least 1 port' }]);
  });

  it('ignores problems about other fields (params of a test)', () => {
    expect(markersOf({ errors: [{ path: 'body.params.period', message: 'too small' }] }, starterTemplate)).toEqual([]);
    expect(markersOf(undefined, starterTemplate)).toEqual([]);
  });

  it('reads the declared type name', () => {
    expect(declaredType(starterTemplate)).toBe('myRateOfChange');
    expect(declaredType("defineNode({ type: \"x\" })")).toBe('x');
    expect(declaredType('no type here')).toBeNull();
  });
});
