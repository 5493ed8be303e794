import { describe, expect, it } from 'vitest';
import { SandboxError } from '../../sandbox/client.ts';
import { sourceProblems } from './custom-nodes.ts';

describe('sandbox refusals as problems with positions', () => {
  it('splits the transpiler\'s "line L:C: message" list into one problem each', () => {
    const err = new SandboxError('SourceRejected', "line 3:14: ')' expected.; line 9:1: Declaration or statement expected.");
    expect(sourceProblems(err)).toEqual([
      { path: 'body.source', line: 3, column: 14, message: "')' expected." },
      { path: 'body.source', line: 9, column: 1, message: 'Declaration or statement expected.' },
    ]);
  });

  it('keeps a message with semicolons of its own whole', () => {
    const err = new SandboxError('SourceRejected', "line 1:1: only imports from 'tradeloom/node' are allowed; got 'node:fs'");
    expect(sourceProblems(err)).toEqual([{ path: 'body.source', line: 1, column: 1, message: "only imports from 'tradeloom/node' are allowed; got 'node:fs'" }]);
  });

  it('gives a refusal without a position as one problem on the source', () => {
    const err = new SandboxError('SourceRejected', 'source is 300 KB; the limit is 256 KB');
    expect(sourceProblems(err)).toEqual([{ path: 'body.source', message: 'source is 300 KB; the limit is 256 KB' }]);
  });
});
