import { describe, expect, it } from 'vitest';
import { nulPaths } from './nul-guard.ts';

describe('nulPaths', () => {
  it('names each string and key holding a NUL, and nothing else', () => {
    expect(nulPaths(JSON.stringify({ by: 'a\0b', ok: 'fine', nested: [{ note: 'x\0' }, 'y'], ['k\0']: 1 }))).toEqual(['body.by', 'body.nested.0.note', 'body.k\0']);
    expect(nulPaths(JSON.stringify({ by: 'ops' }))).toEqual([]);
    // An escaped backslash before "u0000" is six ordinary characters, not a NUL.
    expect(nulPaths(JSON.stringify({ path: '\\u0000' }))).toEqual([]);
    expect(nulPaths('{"by": "a\\u0000')).toEqual([]);
  });
});
