import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { SandboxError } from './errors.ts';
import { MAX_SOURCE_BYTES } from './limits.ts';
import { customEmaSource } from './testing/sources.ts';
import { checkSourceShape, createTranspiler } from './transpile.ts';

const transpile = createTranspiler(ts);
function refusal(source: unknown): string {
  try {
    transpile(source);
  } catch (e) {
    expect(e).toBeInstanceOf(SandboxError);
    expect((e as SandboxError).code).toBe('SourceRejected');
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('transpile', () => {
  it('turns a node into strict CommonJS that requires only the node API', () => {
    const { js } = transpile(customEmaSource);
    expect(js.startsWith('"use strict";')).toBe(true);
    expect(js).toContain('require("tradeloom/node")');
    expect(js).toContain('exports.default =');
    expect(js).not.toMatch(/:\s*number|interface /);
  });

  it('allows type-only and re-exported imports of the node API, nothing else', () => {
    expect(() => transpile(`import type { PortKind } from 'tradeloom/node';\nconst k: PortKind = 'price';`)).not.toThrow();
    expect(refusal(`import x from './x';`)).toBe(`SourceRejected: line 1:1: only 'tradeloom/node' can be imported (found './x')`);
    expect(refusal(`import type { Foo } from 'zod';`)).toContain(`(found 'zod')`);
    expect(refusal(`export { a } from 'fs';`)).toContain(`(found 'fs')`);
    expect(refusal(`import fs = require('fs');`)).toContain('import = require() is not allowed');
    expect(refusal(`\n  const m = import('fs');`)).toBe('SourceRejected: line 2:13: dynamic import() is not allowed');
    expect(refusal(`const u = import.meta.url;`)).toContain('import.meta is not available');
    expect(refusal(`const r = (globalThis as any).require;`)).toContain('require is not available');
    expect(refusal(`namespace N { export const a = 1; }`)).toContain('module and namespace declarations are not allowed');
  });

  it('reports syntax errors with their position', () => {
    expect(refusal('const a = ;\nconst b = 1;')).toMatch(/^SourceRejected: line 1:11: Expression expected/);
  });

  it('refuses oversized and over-nested sources before parsing', () => {
    expect(refusal('x'.repeat(MAX_SOURCE_BYTES + 1))).toBe('SourceRejected: source is 257 KB; the limit is 256 KB');
    // Multi-byte characters count as UTF-8 bytes.
    expect(refusal('é'.repeat(MAX_SOURCE_BYTES / 2 + 1))).toMatch(/^SourceRejected: source is 257 KB/);
    expect(refusal(`const a = ${'{ a: '.repeat(201)}1${' }'.repeat(201)};`)).toBe('SourceRejected: brackets nest deeper than 200 levels (at offset 1010)');
    expect(refusal(42)).toBe('SourceRejected: source must be a string');
    expect(() => checkSourceShape(`const a = ${'['.repeat(200)}${']'.repeat(200)};`)).not.toThrow();
  });

  it('turns parser stack overflows into a refusal', () => {
    expect(refusal(`const a = ${'!'.repeat(200_000)}1;`)).toMatch(/^SourceRejected: (source is nested too deeply to parse|line)/);
  });
});
