import { useCallback, useEffect, useRef, useState } from 'react';
import { api, errorMessage, type RunChart } from '../../api.ts';
import type { TimeWindow } from './chart-data.ts';

/** Candles per request: dense enough to read, small enough to draw and send quickly. */
export const chartMaxBars = 1500;

export interface RunChartState {
  chart: RunChart | null;
  /** A request is in flight (the first, or a new window after zoom, pan or a new oscillator). */
  loading: boolean;
  error: string | null;
}

/**
 * The price chart of one run, window by window. Only the latest request's answer is kept, so a slow
 * answer to an earlier zoom never replaces a newer one.
 */
export function useRunChart(runId: string) {
  const [state, setState] = useState<RunChartState>({ chart: null, loading: true, error: null });
  const [oscillators, setOscillators] = useState<readonly string[]>([]);
  const seq = useRef(0);
  const windowRef = useRef<TimeWindow | undefined>(undefined);
  const oscRef = useRef<readonly string[]>([]);
  /** A multi-symbol run's chosen symbol (undefined: the server's default, the first). */
  const symbolRef = useRef<string | undefined>(undefined);
  /** The request in flight, if any: asking again for the same window while it loads is a no-op. */
  const inflight = useRef<string | null>(null);

  const load = useCallback(
    async (window: TimeWindow | undefined, force = false) => {
      const key = JSON.stringify([window ?? null, oscRef.current, symbolRef.current ?? null]);
      if (!force && inflight.current === key) return;
      inflight.current = key;
      const mine = ++seq.current;
      windowRef.current = window;
      setState((s) => ({ ...s, loading: true, error: null }));
      try {
        const chart = await api.getRunChart(runId, { ...window, maxBars: chartMaxBars, oscillators: oscRef.current, ...(symbolRef.current !== undefined && { symbol: symbolRef.current }) });
        if (mine === seq.current) setState({ chart, loading: false, error: null });
      } catch (err) {
        if (mine === seq.current) setState((s) => ({ ...s, loading: false, error: errorMessage(err) }));
      } finally {
        if (mine === seq.current) inflight.current = null;
      }
    },
    [runId],
  );

  useEffect(() => {
    oscRef.current = [];
    symbolRef.current = undefined;
    setOscillators([]);
    setState({ chart: null, loading: true, error: null });
    void load(undefined, true);
  }, [load]);

  /** Show or hide an oscillator: fetched with the current window, drawn in its own pane. */
  const toggleOscillator = useCallback(
    (id: string) => {
      const next = oscRef.current.includes(id) ? oscRef.current.filter((x) => x !== id) : [...oscRef.current, id];
      oscRef.current = next;
      setOscillators(next);
      void load(windowRef.current);
    },
    [load],
  );

  /** Show another symbol of a multi-symbol run, over the whole run (its bars and trades differ). */
  const chooseSymbol = useCallback(
    (symbol: string) => {
      symbolRef.current = symbol;
      void load(undefined);
    },
    [load],
  );

  return { ...state, oscillators, load, retry: () => void load(windowRef.current, true), toggleOscillator, chooseSymbol };
}
