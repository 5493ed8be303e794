import { useCallback, useEffect, useReducer, useRef } from 'react';
import type { GraphInput } from '../../engine/graph.ts';
import { changeGroup, historyReducer, initialHistory, type Snapshot } from '../history.ts';

interface Options {
  graph: GraphInput;
  /** The serialised graph; a record happens whenever it changes. */
  graphKey: string;
  /** While a node is being dragged the graph changes every frame; the step is recorded when the drag ends. */
  paused: boolean;
  /** Changes when another document is loaded (or the settings defaults arrive): history starts empty. */
  generation: string;
  /** Put a snapshot's graph back on the canvas. */
  restore: (graph: GraphInput) => void;
}

/**
 * Undo/redo for the document. It watches the graph rather than wrapping every edit, so edits made by
 * React Flow itself (delete key, drags, wiring) are covered as well as the inspector's.
 */
export function useGraphHistory({ graph, graphKey, paused, generation, restore }: Options) {
  const [state, dispatch] = useReducer(historyReducer, { graph, key: graphKey } satisfies Snapshot, initialHistory);
  const stateRef = useRef(state);
  stateRef.current = state;
  const seenGeneration = useRef(generation);

  useEffect(() => {
    const snapshot: Snapshot = { graph, key: graphKey };
    if (seenGeneration.current !== generation) {
      seenGeneration.current = generation;
      dispatch({ type: 'reset', snapshot });
      return;
    }
    if (paused) return;
    dispatch({ type: 'record', snapshot, group: changeGroup(stateRef.current.present.graph, graph), at: Date.now() });
    // `graph` changes identity with every canvas update; the key says when its content changed.
  }, [graphKey, generation, paused]); // eslint-disable-line react-hooks/exhaustive-deps

  const undo = useCallback(() => {
    const target = stateRef.current.past.at(-1);
    if (!target) return;
    dispatch({ type: 'undo' });
    restore(target.graph);
  }, [restore]);

  const redo = useCallback(() => {
    const target = stateRef.current.future[0];
    if (!target) return;
    dispatch({ type: 'redo' });
    restore(target.graph);
  }, [restore]);

  const checkpoint = useCallback(() => dispatch({ type: 'checkpoint' }), []);

  return { undo, redo, checkpoint, canUndo: state.past.length > 0, canRedo: state.future.length > 0 };
}
