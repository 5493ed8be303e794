import type { Problem } from '../../api.ts';

/** A marker for the code editor: 1-based positions, as Monaco counts. */
export interface SourceMarker {
  line: number;
  column: number;
  message: string;
}

/**
 * The server's refusal of a source, as markers: problems with a line and column go where they point;
 * a contract problem without one (no outputs, a bad port name) goes on the `defineNode` call, the part
 * of the source it is about, or on the first line.
 */
export function markersOf(problem: Problem | undefined, source: string): SourceMarker[] {
  const errors = (problem?.errors ?? []).filter((e) => e.path === 'body.source');
  if (errors.length === 0) return [];
  const lines = source.split('\n');
  const define = lines.findIndex((l) => l.includes('defineNode('));
  const fallback = { line: define >= 0 ? define + 1 : 1, column: define >= 0 ? lines[define]!.indexOf('defineNode(') + 1 : 1 };
  return errors.map((e) =>
    e.line !== undefined && e.column !== undefined ? { line: e.line, column: e.column, message: e.message } : { ...fallback, message: e.message },
  );
}

/** The type name a source declares (`type: 'myEma'`), read without running it; null when not found. */
export function declaredType(source: string): string | null {
  const m = /\btype\s*:\s*(['"`])([a-z][A-Za-z0-9]{0,63})\1/.exec(source);
  return m ? m[2]! : null;
}

/** A token as Monaco's tokenizer gives it: where it starts on its line, and its kind (`identifier.ts`, `comment.ts`, …). */
export interface LineToken {
  offset: number;
  type: string;
}

// Globals the TypeScript library declares but the sandbox removes (docs/sandbox.md): the worker's
// type check passes code that uses them, which then fails on its first Test. `Function` only as a
// constructor: as a type it is harmless. (`process`, timers and `performance` are not in the editor's
// library, so TypeScript flags them already.)
const removedGlobals: Record<string, string> = {
  Date: 'there is no clock in the sandbox: a node must give the same outputs on every run. Use the bar’s time input, or ctx.bar',
  Intl: 'Intl is not in the sandbox',
  eval: 'code cannot be generated at run time in the sandbox',
  Function: 'code cannot be generated at run time in the sandbox (the Function constructor throws)',
  SharedArrayBuffer: 'shared memory is not in the sandbox',
  Atomics: 'shared memory is not in the sandbox',
  WeakRef: 'garbage-collector hooks are not in the sandbox: they would make a node non-deterministic',
  FinalizationRegistry: 'garbage-collector hooks are not in the sandbox: they would make a node non-deterministic',
};

/**
 * Uses of a global the sandbox removes, from the source's lines and their tokens: identifiers (not in
 * comments or strings) that are not a member (`x.Date`) or an object key (`{ Date: 1 }`), and
 * `Function` only where it is called or constructed.
 */
export function removedGlobalMarkers(lines: readonly string[], tokens: readonly (readonly LineToken[])[]): SourceMarker[] {
  const found: SourceMarker[] = [];
  lines.forEach((line, i) => {
    const row = tokens[i] ?? [];
    row.forEach((token, k) => {
      if (!/identifier/.test(token.type)) return;
      const end = row[k + 1]?.offset ?? line.length;
      const name = line.slice(token.offset, end);
      const why = Object.hasOwn(removedGlobals, name) ? removedGlobals[name] : undefined;
      if (!why) return;
      const before = line.slice(0, token.offset).trimEnd();
      const after = line.slice(end).trimStart();
      if (before.endsWith('.') || before.endsWith('?.') || after.startsWith(':')) return;
      if (name === 'Function' && !after.startsWith('(') && !/\bnew$/.test(before)) return;
      found.push({ line: i + 1, column: token.offset + 1, message: `${name} is not available to custom nodes: ${why}.` });
    });
  });
  return found;
}
