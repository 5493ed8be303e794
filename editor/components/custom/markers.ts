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
