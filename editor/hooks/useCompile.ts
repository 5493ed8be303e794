import { useCallback, useEffect, useRef, useState } from 'react';
import type { CompileError } from '../../engine/compile.ts';
import type { GraphInput } from '../../engine/graph.ts';
import { api, errorMessage } from '../api.ts';

export type CompileState =
  | { status: 'idle' }
  | { status: 'checking'; errors: CompileError[] }
  | { status: 'ok'; warmup: number }
  | { status: 'errors'; errors: CompileError[] }
  | { status: 'unavailable'; message: string };

/**
 * Validates the graph on the server a moment after each change. `key` identifies what the compiler
 * reads (see `compileKey`), so moving nodes around does not trigger a request.
 */
export function useCompile(graph: GraphInput, key: string, enabled: boolean, delayMs = 350) {
  const [state, setState] = useState<CompileState>({ status: 'idle' });
  const graphRef = useRef(graph);
  graphRef.current = graph;
  const seq = useRef(0);

  useEffect(() => {
    if (!enabled) return;
    const mine = ++seq.current;
    setState((prev) => ({ status: 'checking', errors: 'errors' in prev ? prev.errors : [] }));
    const timer = setTimeout(async () => {
      try {
        const res = await api.compile(graphRef.current);
        if (mine !== seq.current) return;
        setState(res.ok ? { status: 'ok', warmup: res.warmup } : { status: 'errors', errors: res.errors });
      } catch (err) {
        if (mine === seq.current) setState({ status: 'unavailable', message: errorMessage(err) });
      }
    }, delayMs);
    return () => clearTimeout(timer);
  }, [key, enabled, delayMs]);

  /** Show errors that came from elsewhere (a refused run) until the next change is checked. */
  const showErrors = useCallback((errors: CompileError[]) => {
    seq.current++;
    setState({ status: 'errors', errors });
  }, []);

  return { compile: state, showErrors };
}

export function errorsOf(state: CompileState): CompileError[] {
  return 'errors' in state ? state.errors : [];
}
