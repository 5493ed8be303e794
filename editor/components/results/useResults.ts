import { useEffect, useState } from 'react';
import type { BacktestResult } from '../../../engine/backtest.ts';
import { api, errorMessage } from '../../api.ts';

export type ResultsState = { state: 'loading' } | { state: 'error'; error: string } | { state: 'ready'; results: BacktestResult[] };

/** The stored results of some finished runs, fetched together. */
export function useResults(ids: readonly string[]): ResultsState & { retry: () => void } {
  const [state, setState] = useState<ResultsState>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const key = ids.join(',');
  useEffect(() => {
    let live = true;
    setState({ state: 'loading' });
    Promise.all(key.split(',').map((id) => api.getResult(id))).then(
      (results) => live && setState({ state: 'ready', results }),
      (err: unknown) => live && setState({ state: 'error', error: errorMessage(err) }),
    );
    return () => {
      live = false;
    };
  }, [key, attempt]);
  return { ...state, retry: () => setAttempt((a) => a + 1) };
}
