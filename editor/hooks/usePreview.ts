import { useEffect, useState } from 'react';
import type { CompileError } from '../../engine/compile.ts';
import type { GraphInput } from '../../engine/graph.ts';
import { api, ApiError, errorMessage, type Preview } from '../api.ts';

export type PreviewState =
  | { state: 'loading'; /** The last preview, kept on screen while the next one loads so the chart does not blink. */ previous: Preview | null }
  | { state: 'ready'; preview: Preview }
  | { state: 'error'; message: string; errors: CompileError[] };

/** Bars of sample data a preview asks for: enough for a 200-bar average to show its shape. */
export const previewBars = 600;
/** Quiet time after the last edit before asking: typing "50" into a period asks once, not twice. */
export const previewDebounceMs = 300;

/**
 * The live preview of one node: asked for whenever the part of the graph the compiler reads changes
 * (`compileKey`, so dragging never refetches) or another node is selected. Edits are debounced, and a
 * request that a newer one replaces is aborted, so a slow answer never overwrites a newer one.
 */
export function usePreview(graph: GraphInput, compileKey: string, nodeId: string): PreviewState {
  const [state, setState] = useState<PreviewState>({ state: 'loading', previous: null });

  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ state: 'loading', previous: s.state === 'ready' && s.preview.nodeId === nodeId ? s.preview : s.state === 'loading' ? s.previous : null }));
    const timer = setTimeout(() => {
      api
        .preview(graph, nodeId, previewBars, controller.signal)
        .then((answer) => {
          if (controller.signal.aborted) return;
          setState(answer.ok ? { state: 'ready', preview: answer } : { state: 'error', message: answer.detail, errors: answer.errors as CompileError[] });
        })
        .catch((err: unknown) => {
          if (controller.signal.aborted) return;
          const errors = err instanceof ApiError ? ((err.problem as { errors?: CompileError[] } | undefined)?.errors ?? []) : [];
          setState({ state: 'error', message: errorMessage(err), errors: errors.filter((e) => typeof e === 'object' && e !== null && 'code' in e) });
        });
    }, previewDebounceMs);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
    // `graph` changes identity on every canvas update; the compile key says when what runs changed.
  }, [compileKey, nodeId]); // eslint-disable-line react-hooks/exhaustive-deps

  return state;
}
