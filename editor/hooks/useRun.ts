import { useCallback, useEffect, useRef, useState } from 'react';
import type { BacktestResult } from '../../engine/backtest.ts';
import type { CompileError } from '../../engine/compile.ts';
import type { DataChoice } from '../../engine/data.ts';
import { ApiError, api, errorMessage, terminalStatuses, type Run } from '../api.ts';

export interface RunState {
  history: Run[];
  historyError: string | null;
  /** The run being shown: the one just started, or one picked from the history. */
  current: Run | null;
  result: BacktestResult | null;
  resultError: string | null;
  starting: boolean;
  startError: string | null;
  /** Cancel was asked for the current run and it has not stopped yet. */
  cancelling: boolean;
}

const initial: RunState = { history: [], historyError: null, current: null, result: null, resultError: null, starting: false, startError: null, cancelling: false };

export type StartOutcome = { ok: true } | { ok: false; compileErrors?: CompileError[] };

const isTerminal = (run: Run) => terminalStatuses.includes(run.status);

/**
 * Starts backtests, follows their progress over SSE (falling back to polling if the stream breaks),
 * fetches the result when a run succeeds, and keeps the strategy's run history.
 */
export function useRun() {
  const [state, setState] = useState<RunState>(initial);
  const follow = useRef<{ runId: string; stop: () => void } | null>(null);
  const strategyRef = useRef<string | null>(null);
  /** Whether a run was started or picked since the last reset. */
  const chosen = useRef(false);

  const stopFollowing = useCallback(() => {
    follow.current?.stop();
    follow.current = null;
  }, []);
  useEffect(() => stopFollowing, [stopFollowing]);

  const loadHistory = useCallback(async (strategyId: string): Promise<Run[]> => {
    try {
      const items = await api.listRuns(strategyId);
      if (strategyRef.current === strategyId) setState((s) => ({ ...s, history: items, historyError: null }));
      return items;
    } catch (err) {
      if (strategyRef.current === strategyId) setState((s) => ({ ...s, historyError: errorMessage(err) }));
      return [];
    }
  }, []);

  const update = useCallback((run: Run) => {
    setState((s) => ({
      ...s,
      current: s.current?.id === run.id ? run : s.current,
      cancelling: s.current?.id === run.id && isTerminal(run) ? false : s.cancelling,
      history: s.history.some((r) => r.id === run.id) ? s.history.map((r) => (r.id === run.id ? run : r)) : [run, ...s.history],
    }));
  }, []);

  const finish = useCallback(
    async (run: Run) => {
      if (run.status === 'succeeded') {
        try {
          const result = await api.getResult(run.id);
          setState((s) => (s.current?.id === run.id ? { ...s, result, resultError: null } : s));
        } catch (err) {
          setState((s) => (s.current?.id === run.id ? { ...s, resultError: errorMessage(err) } : s));
        }
      }
      if (strategyRef.current) void loadHistory(strategyRef.current);
    },
    [loadHistory],
  );

  const watch = useCallback(
    (run: Run) => {
      stopFollowing();
      let stopped = false;
      let pollTimer: ReturnType<typeof setTimeout> | undefined;
      const source = new EventSource(api.runEventsUrl(run.id));
      const onRun = (latest: Run) => {
        if (stopped) return;
        update(latest);
        if (isTerminal(latest)) {
          stop();
          void finish(latest);
        }
      };
      const poll = async () => {
        if (stopped) return;
        try {
          onRun(await api.getRun(run.id));
        } catch {
          // The banner reports an unreachable server; keep trying quietly.
        }
        if (!stopped) pollTimer = setTimeout(poll, 1000);
      };
      const stop = () => {
        stopped = true;
        source.close();
        clearTimeout(pollTimer);
      };
      source.addEventListener('run', (ev) => onRun(JSON.parse((ev as MessageEvent<string>).data) as Run));
      source.onerror = () => {
        // A closed stream (HTTP error, or ended before a terminal event) will not reconnect by itself.
        if (source.readyState === EventSource.CLOSED && !stopped) {
          source.close();
          void poll();
        }
      };
      follow.current = { runId: run.id, stop };
    },
    [finish, stopFollowing, update],
  );

  const show = useCallback(
    (run: Run) => {
      stopFollowing();
      setState((s) => ({ ...s, current: run, result: null, resultError: null, startError: null, cancelling: false }));
      if (isTerminal(run)) void finish(run);
      else watch(run);
    },
    [finish, stopFollowing, watch],
  );

  /**
   * Forget everything shown and load the run history of `strategyId` (null for an unsaved strategy),
   * showing its latest run so a reopened strategy comes back with its results.
   */
  const reset = useCallback(
    (strategyId: string | null) => {
      stopFollowing();
      strategyRef.current = strategyId;
      chosen.current = false;
      setState(initial);
      if (!strategyId) return;
      void loadHistory(strategyId).then((runs) => {
        // Unless the user already started or picked a run while the list was loading.
        if (runs[0] && strategyRef.current === strategyId && !chosen.current) show(runs[0]);
      });
    },
    [loadHistory, show, stopFollowing],
  );

  const start = useCallback(
    async (strategyId: string, data: DataChoice | undefined): Promise<StartOutcome> => {
      strategyRef.current = strategyId;
      chosen.current = true;
      stopFollowing();
      setState((s) => ({ ...s, starting: true, startError: null }));
      try {
        const run = await api.startRun(strategyId, data);
        setState((s) => ({ ...s, starting: false, cancelling: false, current: run, result: null, resultError: null, history: [run, ...s.history.filter((r) => r.id !== run.id)] }));
        if (isTerminal(run)) void finish(run);
        else watch(run);
        return { ok: true };
      } catch (err) {
        const compileErrors = err instanceof ApiError ? err.problem?.compileErrors : undefined;
        setState((s) => ({ ...s, starting: false, startError: compileErrors ? 'The strategy has problems; fix the nodes marked in red.' : errorMessage(err) }));
        return { ok: false, compileErrors };
      }
    },
    [finish, stopFollowing, watch],
  );

  /** Ask the server to stop the current run; the stream then reports it 'cancelled' once the worker has stopped. */
  const cancel = useCallback(async () => {
    const run = state.current;
    if (!run || isTerminal(run)) return;
    setState((s) => ({ ...s, cancelling: true, startError: null }));
    try {
      update(await api.cancelRun(run.id));
    } catch (err) {
      // 409: it finished on its own meanwhile; show how it ended rather than an error.
      if (err instanceof ApiError && err.status === 409) {
        const latest = await api.getRun(run.id).catch(() => null);
        if (latest) update(latest);
        setState((s) => ({ ...s, cancelling: false }));
        return;
      }
      setState((s) => ({ ...s, cancelling: false, startError: `Could not cancel: ${errorMessage(err)}` }));
    }
  }, [state.current, update]);

  const pick = useCallback(
    (run: Run) => {
      chosen.current = true;
      show(run);
    },
    [show],
  );

  return { run: state, reset, start, cancel, show: pick };
}
