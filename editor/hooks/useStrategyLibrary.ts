import { useCallback, useEffect, useRef, useState } from 'react';
import { api, errorMessage, type StrategySummary } from '../api.ts';
import type { Loadable } from './useLoad.ts';

/** How long typing pauses before the search goes to the server. */
const searchDelayMs = 200;

/**
 * The strategies dialog's list: searched by name on the server (`?q=`), newest change first. A reload
 * keeps the rows on screen while it runs, and a slower, older answer never replaces a newer one.
 */
export function useStrategyLibrary() {
  const [query, setQuery] = useState('');
  const [applied, setApplied] = useState('');
  const [list, setList] = useState<Loadable<StrategySummary[]>>({ state: 'loading' });
  const seq = useRef(0);

  useEffect(() => {
    const timer = setTimeout(() => setApplied(query.trim()), searchDelayMs);
    return () => clearTimeout(timer);
  }, [query]);

  const reload = useCallback(async () => {
    const mine = ++seq.current;
    setList((prev) => ({ state: 'loading', data: prev.data }));
    try {
      const data = await api.listStrategies(applied || undefined);
      if (mine === seq.current) setList({ state: 'ready', data });
    } catch (err) {
      if (mine === seq.current) setList((prev) => ({ state: 'error', error: errorMessage(err), data: prev.data }));
    }
  }, [applied]);

  useEffect(() => {
    void reload();
  }, [reload]);

  return { query, setQuery, applied, list, reload };
}
