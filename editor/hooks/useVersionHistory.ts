import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, errorMessage, type StrategyVersion, type StrategyVersionSummary } from '../api.ts';
import { diffGraphs, type GraphDiff } from '../strategy-diff.ts';
import type { Loadable } from './useLoad.ts';

/** Two versions side by side: `before` is always the older one. */
export interface Comparison {
  before: StrategyVersion;
  after: StrategyVersion;
  diff: GraphDiff;
}

export type ComparisonState = { state: 'idle' } | { state: 'loading' } | { state: 'error'; error: string } | ({ state: 'ready' } & Comparison);

/**
 * The version history of the open strategy: its versions (loaded while the panel is open and again
 * whenever `stamp` changes, i.e. after a save or a restore), up to two selected for comparison, and the
 * diff between them. Versions never change once written, so fetched graphs are cached for the session.
 */
export function useVersionHistory(strategyId: string | null, open: boolean, stamp: number, settingsDefaults: Record<string, unknown>) {
  const [versions, setVersions] = useState<Loadable<StrategyVersionSummary[]>>({ state: 'loading' });
  const [selected, setSelected] = useState<number[]>([]);
  const [comparison, setComparison] = useState<ComparisonState>({ state: 'idle' });
  const [focus, setFocus] = useState<{ id: string; seq: number } | null>(null);
  const cache = useRef(new Map<string, Promise<StrategyVersion>>());
  const seq = useRef(0);

  const reload = useCallback(async () => {
    if (!strategyId) return;
    const mine = ++seq.current;
    setVersions((prev) => ({ state: 'loading', data: prev.data }));
    try {
      const data = await api.listVersions(strategyId);
      if (mine === seq.current) setVersions({ state: 'ready', data });
    } catch (err) {
      if (mine === seq.current) setVersions((prev) => ({ state: 'error', error: errorMessage(err), data: prev.data }));
    }
  }, [strategyId]);

  // Another strategy: its own history, nothing selected.
  useEffect(() => {
    setSelected([]);
    setVersions({ state: 'loading' });
  }, [strategyId]);

  useEffect(() => {
    if (open && strategyId) void reload();
  }, [open, strategyId, stamp, reload]);

  /** Tick a version for comparison; a third tick drops the earliest one ticked. */
  const toggle = useCallback((n: number) => {
    setSelected((sel) => (sel.includes(n) ? sel.filter((x) => x !== n) : [...sel, n].slice(-2)));
  }, []);
  const clear = useCallback(() => setSelected([]), []);

  const version = useCallback(
    (n: number) => {
      const key = `${strategyId}:${n}`;
      let hit = cache.current.get(key);
      if (!hit) {
        hit = api.getVersion(strategyId!, n);
        // A failed fetch must not stay cached, or a retry could never succeed.
        hit.catch(() => cache.current.delete(key));
        cache.current.set(key, hit);
      }
      return hit;
    },
    [strategyId],
  );

  const pair = useMemo(() => (selected.length === 2 ? [...selected].sort((a, b) => a - b) : null), [selected]);
  const defaultsKey = JSON.stringify(settingsDefaults);
  const [retries, setRetries] = useState(0);
  useEffect(() => {
    if (!pair || !strategyId) {
      setComparison({ state: 'idle' });
      return;
    }
    let live = true;
    setComparison({ state: 'loading' });
    Promise.all([version(pair[0]!), version(pair[1]!)]).then(
      ([before, after]) => live && setComparison({ state: 'ready', before, after, diff: diffGraphs(before.graph, after.graph, JSON.parse(defaultsKey)) }),
      (err) => live && setComparison({ state: 'error', error: errorMessage(err) }),
    );
    return () => {
      live = false;
    };
  }, [pair, strategyId, version, defaultsKey, retries]);

  const retryComparison = useCallback(() => setRetries((n) => n + 1), []);
  const focusNode = useCallback((id: string) => setFocus((f) => ({ id, seq: (f?.seq ?? 0) + 1 })), []);

  return { versions: strategyId ? versions : null, reload, selected, toggle, clear, comparison, retryComparison, focus, focusNode };
}

export type VersionHistoryState = ReturnType<typeof useVersionHistory>;
