import type TS from 'typescript';
import { SandboxError } from './errors.ts';
import { MAX_NESTING_DEPTH, MAX_SOURCE_BYTES, TRANSPILE_TIMEOUT_MS } from './limits.ts';

/** The one module a custom node may import. */
export const NODE_API_MODULE = 'tradeloom/node';

export interface Transpiled {
  /** CommonJS, strict mode: evaluated inside the isolate with a `require` that only knows NODE_API_MODULE. */
  js: string;
  ms: number;
}

/**
 * Refuse sources that are too large or too deeply nested before any parser sees them: parsers recurse
 * per nesting level, and a 50 MB paste should cost a length check, not a parse.
 */
export function checkSourceShape(source: unknown): asserts source is string {
  if (typeof source !== 'string') throw new SandboxError('SourceRejected', 'source must be a string');
  // Each UTF-16 unit is at most 3 UTF-8 bytes, so only long sources need the exact count.
  const bytes = source.length * 3 <= MAX_SOURCE_BYTES ? source.length : Buffer.byteLength(source, 'utf8');
  if (bytes > MAX_SOURCE_BYTES) {
    throw new SandboxError('SourceRejected', `source is ${formatBytes(bytes)}; the limit is ${formatBytes(MAX_SOURCE_BYTES)}`);
  }
  // Brackets inside strings and comments count too: a conservative over-estimate real code never reaches.
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === 40 || c === 91 || c === 123) {
      if (++depth > MAX_NESTING_DEPTH) {
        throw new SandboxError('SourceRejected', `brackets nest deeper than ${MAX_NESTING_DEPTH} levels (at offset ${i})`);
      }
    } else if ((c === 41 || c === 93 || c === 125) && depth > 0) depth--;
  }
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}

/**
 * TypeScript → JavaScript for the isolate. `ts` is passed in because the sandbox process loads it by
 * path (it cannot resolve bare specifiers under the permission model).
 *
 * @example
 * const { js } = createTranspiler(ts)(source);
 */
export function createTranspiler(ts: typeof TS) {
  return function transpile(source: unknown): Transpiled {
    const start = performance.now();
    checkSourceShape(source);
    try {
      checkImports(ts, source);
      const out = ts.transpileModule(source, {
        fileName: 'custom-node.ts',
        reportDiagnostics: true,
        compilerOptions: {
          module: ts.ModuleKind.CommonJS,
          target: ts.ScriptTarget.ES2022,
          alwaysStrict: true,
          isolatedModules: true,
          sourceMap: false,
          inlineSourceMap: false,
          removeComments: true,
        },
      });
      const errors = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
      if (errors.length) throw new SandboxError('SourceRejected', errors.slice(0, 5).map((d) => describe(ts, d)).join('; '));
      const ms = performance.now() - start;
      // The host kills a process that overruns its deadline; this catches a slow transpile that finished.
      if (ms > TRANSPILE_TIMEOUT_MS) throw new SandboxError('SourceRejected', `transpiling took ${ms.toFixed(0)} ms; the limit is ${TRANSPILE_TIMEOUT_MS} ms`);
      return { js: out.outputText, ms };
    } catch (e) {
      if (e instanceof SandboxError) throw e;
      // The parsers recurse; a pathological chain (`!!!!…x`) ends here rather than in the host.
      if (e instanceof RangeError) throw new SandboxError('SourceRejected', 'source is nested too deeply to parse');
      throw new SandboxError('SourceRejected', `could not transpile: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
}

function describe(ts: typeof TS, d: TS.Diagnostic): string {
  const text = ts.flattenDiagnosticMessageText(d.messageText, ' ');
  if (!d.file || d.start === undefined) return text;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return `line ${line + 1}:${character + 1}: ${text}`;
}

/**
 * Walk the syntax tree for module access. Only `import … from 'tradeloom/node'` is allowed: no other
 * module, no `require`, no dynamic `import()`, no `import.meta`. The isolate has no module loader anyway;
 * this turns an attempt into a clear message at save time.
 */
function checkImports(ts: typeof TS, source: string): void {
  const file = ts.createSourceFile('custom-node.ts', source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const refuse = (node: TS.Node, why: string): never => {
    const { line, character } = file.getLineAndCharacterOfPosition(node.getStart(file));
    throw new SandboxError('SourceRejected', `line ${line + 1}:${character + 1}: ${why}`);
  };
  const checkSpecifier = (node: TS.Node, spec: TS.Expression | undefined) => {
    if (!spec) return;
    if (!ts.isStringLiteral(spec) || spec.text !== NODE_API_MODULE) {
      refuse(node, `only '${NODE_API_MODULE}' can be imported (found ${spec.getText(file)})`);
    }
  };
  const visit = (node: TS.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) checkSpecifier(node, node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node)) refuse(node, `import = require() is not allowed; use import { defineNode } from '${NODE_API_MODULE}'`);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) refuse(node, 'dynamic import() is not allowed');
    else if (ts.isMetaProperty(node)) refuse(node, 'import.meta is not available in custom nodes');
    else if (ts.isIdentifier(node) && node.text === 'require') refuse(node, `require is not available; use import { defineNode } from '${NODE_API_MODULE}'`);
    else if (ts.isModuleDeclaration(node)) refuse(node, 'module and namespace declarations are not allowed');
    ts.forEachChild(node, visit);
  };
  visit(file);
}
