import { describe, expect, it } from 'vitest';
import { declaredType, markersOf, removedGlobalMarkers, type LineToken } from './markers.ts';
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

describe('globals the sandbox removes', () => {
  /** Tokens as Monaco gives them, for these tests: comments, strings, identifiers, and the rest one character each. */
  const tokenize = (line: string): LineToken[] => {
    const tokens: LineToken[] = [];
    const re = /(\/\/.*)|('[^']*')|([A-Za-z_$][\w$]*)|(\s+)|(.)/g;
    for (let m; (m = re.exec(line)); ) tokens.push({ offset: m.index, type: m[1] ? 'comment.ts' : m[2] ? 'string.ts' : m[3] ? (/^[A-Z]/.test(m[3]) ? 'type.identifier.ts' : 'identifier.ts') : 'delimiter.ts' });
    return tokens;
  };
  const scan = (source: string) => {
    const lines = source.split('\n');
    return removedGlobalMarkers(lines, lines.map(tokenize)).map((m) => `${m.line}:${m.column} ${m.message.split(':')[0]}`);
  };

  it('marks Date, Intl, eval and the Function constructor where they are used', () => {
    expect(scan("const t = Date.now();\nconst f = new Intl.NumberFormat();\neval('1');\nconst g = Function('return 1');\nconst h = new Function('x');")).toEqual([
      '1:11 Date is not available to custom nodes',
      '2:15 Intl is not available to custom nodes',
      '3:1 eval is not available to custom nodes',
      '4:11 Function is not available to custom nodes',
      '5:15 Function is not available to custom nodes',
    ]);
  });

  it('leaves members, object keys, comments, strings and Function as a type alone', () => {
    expect(scan("s.Date = 1;\nconst o = { Date: 2 };\n// Date.now()\nconst t = 'Date';\nlet f: Function;\nconst DateLike = 3;")).toEqual([]);
  });
});
