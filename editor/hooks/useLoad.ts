import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api.ts';

export type Loadable<T> =
  | { state: 'loading'; data?: T }
  | { state: 'ready'; data: T }
  | { state: 'error'; error: string; data?: T };

/** Fetch once on mount, with a `reload` that keeps the previous data visible while it refreshes. */
export function useLoad<T>(load: () => Promise<T>): [Loadable<T>, () => Promise<void>] {
  const [value, setValue] = useState<Loadable<T>>({ state: 'loading' });
  const loadRef = useRef(load);
  loadRef.current = load;
  const seq = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++seq.current;
    try {
      const data = await loadRef.current();
      if (mine === seq.current) setValue({ state: 'ready', data });
    } catch (err) {
      if (mine === seq.current) setValue((prev) => ({ state: 'error', error: errorMessage(err), data: prev.data }));
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  return [value, reload];
}
