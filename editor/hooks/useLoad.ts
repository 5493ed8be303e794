import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api.ts';
import type { Early } from '../boot.ts';

export type Loadable<T> =
  | { state: 'loading'; data?: T }
  | { state: 'ready'; data: T }
  | { state: 'error'; error: string; data?: T };

/**
 * Fetch once on mount, with a `reload` that keeps the previous data visible while it refreshes. `first`,
 * a request already under way (boot.ts), stands in for the first fetch: when it has already settled the
 * first render shows its outcome, with no loading state and no second request.
 */
export function useLoad<T>(load: () => Promise<T>, first?: Early<T>): [Loadable<T>, () => Promise<void>] {
  const firstRef = useRef(first);
  /** The first render showed `first`'s outcome: the mount has nothing left to fetch. */
  const shownFirst = useRef(false);
  const [value, setValue] = useState<Loadable<T>>(() => {
    const outcome = first?.outcome;
    if (!outcome) return { state: 'loading' };
    shownFirst.current = true;
    firstRef.current = undefined;
    return outcome.ok ? { state: 'ready', data: outcome.value } : { state: 'error', error: errorMessage(outcome.error) };
  });
  const loadRef = useRef(load);
  loadRef.current = load;
  const seq = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++seq.current;
    const pending = firstRef.current;
    firstRef.current = undefined;
    try {
      const data = await (pending ? pending.promise : loadRef.current());
      if (mine === seq.current) setValue({ state: 'ready', data });
    } catch (err) {
      if (mine === seq.current) setValue((prev) => ({ state: 'error', error: errorMessage(err), data: prev.data }));
    }
  }, []);
  useEffect(() => {
    if (shownFirst.current) shownFirst.current = false;
    else void reload();
  }, [reload]);
  return [value, reload];
}
