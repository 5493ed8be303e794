import { useCallback, useEffect, useRef, useState } from 'react';
import type { CompileError } from '../../engine/compile.ts';
import { ApiError, api, errorMessage, terminalStatuses, type ResearchRequest, type ResearchRun, type ResearchTrial, type RobustnessResult } from '../api.ts';

/** Something loaded from the server: not yet asked for, on its way, there, or failed with the server's words. */
export type Loadable<T> = { state: 'idle' } | { state: 'loading' } | { state: 'ready'; data: T } | { state: 'error'; error: string };

export type StartResult =
  | { ok: true; run: ResearchRun }
  | { ok: false; message: string; fieldErrors: { path: string; message: string }[]; compileErrors: CompileError[] };

/** Trials shown per sweep; a bigger sweep's heatmap and table say they show the first this many. */
export const trialLimit = 5000;

const isTerminal = (r: ResearchRun) => terminalStatuses.includes(r.status);

/** Of two states of one study, the later: a finished one over a running one, else the one with more trials done. */
function fresher(known: ResearchRun | undefined, fetched: ResearchRun): ResearchRun {
  if (!known) return fetched;
  if (isTerminal(known) !== isTerminal(fetched)) return isTerminal(known) ? known : fetched;
  return known.trialsDone > fetched.trialsDone ? known : fetched;
}

/**
 * The research studies of one strategy: the list (refreshed while any is running), the one selected
 * with its progress streamed over SSE and its summary and trials once it succeeds, starting and
 * cancelling studies, and the robustness gate's verdict.
 */
export function useResearch(strategyId: string | null) {
  const [studies, setStudies] = useState<Loadable<ResearchRun[]>>({ state: 'idle' });
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [detail, setDetail] = useState<Loadable<ResearchRun>>({ state: 'idle' });
  const [trials, setTrials] = useState<Loadable<{ total: number; items: ResearchTrial[] }>>({ state: 'idle' });
  const [gate, setGate] = useState<Loadable<RobustnessResult>>({ state: 'idle' });
  const [cancelling, setCancelling] = useState<string | null>(null);
  const [cancelError, setCancelError] = useState<string | null>(null);
  const current = useRef(strategyId);
  current.current = strategyId;
  const selectedRef = useRef(selectedId);
  selectedRef.current = selectedId;

  const reloadList = useCallback(async () => {
    const id = current.current;
    if (!id) return;
    try {
      const items = await api.listResearch(id);
      // A study started while this list was on its way is newer than anything in it: keep it at the top.
      if (current.current === id)
        setStudies((s) => {
          const mine = new Map(s.state === 'ready' ? s.data.map((r) => [r.id, r]) : []);
          const known = new Set(items.map((r) => r.id));
          const newer = s.state === 'ready' ? s.data.filter((r) => !known.has(r.id) && (!items[0] || r.createdAt > items[0].createdAt)) : [];
          // The stream may have moved a study further than this (older) answer knows: keep the later state.
          return { state: 'ready', data: [...newer, ...items.map((r) => fresher(mine.get(r.id), r))] };
        });
    } catch (err) {
      if (current.current === id) setStudies((s) => (s.state === 'ready' ? s : { state: 'error', error: errorMessage(err) }));
    }
  }, []);

  const reloadGate = useCallback(async () => {
    const id = current.current;
    if (!id) return;
    setGate((g) => (g.state === 'ready' ? g : { state: 'loading' }));
    try {
      const verdict = await api.robustness(id);
      if (current.current === id) setGate({ state: 'ready', data: verdict });
    } catch (err) {
      if (current.current === id) setGate({ state: 'error', error: errorMessage(err) });
    }
  }, []);

  /** A study's latest state, into the list and (if it is the one shown) the detail. */
  const update = useCallback((run: ResearchRun) => {
    const listed = { ...run, summary: null };
    setStudies((s) => {
      const data = s.state === 'ready' ? s.data : [];
      return { state: 'ready', data: data.some((r) => r.id === run.id) ? data.map((r) => (r.id === run.id ? listed : r)) : [listed, ...data] };
    });
    setDetail((d) => (d.state === 'ready' && d.data.id === run.id && !d.data.summary ? { state: 'ready', data: run } : d));
  }, []);

  // A new strategy: its own studies, none selected, the gate asked again.
  useEffect(() => {
    setStudies(strategyId ? { state: 'loading' } : { state: 'idle' });
    setSelectedId(null);
    setDetail({ state: 'idle' });
    setTrials({ state: 'idle' });
    setGate({ state: 'idle' });
    if (strategyId) void reloadList();
  }, [strategyId, reloadList]);

  // The selected study: follow it over SSE until it ends, then load its summary (and a sweep's trials).
  useEffect(() => {
    if (!selectedId) return;
    let stopped = false;
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = async (run: ResearchRun) => {
      source?.close();
      // A cancelled sweep has a summary of the trials it stored, and its trials to draw.
      if (run.status === 'succeeded' || (run.status === 'cancelled' && run.kind === 'sweep')) {
        try {
          const full = await api.getResearch(run.id);
          if (!stopped) setDetail({ state: 'ready', data: full });
        } catch (err) {
          if (!stopped) setDetail({ state: 'error', error: errorMessage(err) });
        }
        if (run.kind === 'sweep' && !stopped) {
          setTrials({ state: 'loading' });
          try {
            const page = await api.researchTrials(run.id, { limit: trialLimit });
            if (!stopped) setTrials({ state: 'ready', data: page });
          } catch (err) {
            if (!stopped) setTrials({ state: 'error', error: errorMessage(err) });
          }
        }
      } else if (!stopped) setDetail({ state: 'ready', data: run });
      if (!stopped && (run.kind === 'walkForward' || run.kind === 'monteCarlo')) void reloadGate();
    };
    const onRun = (run: ResearchRun) => {
      if (stopped) return;
      update(run);
      if (isTerminal(run)) {
        source?.close();
        clearTimeout(timer);
        void finish(run);
      }
    };
    // Polling when the stream breaks: a closed EventSource does not reconnect by itself.
    const poll = async () => {
      if (stopped) return;
      try {
        const run = await api.getResearch(selectedId);
        onRun(run);
        if (isTerminal(run)) return;
      } catch {
        // The health banner reports an unreachable server; keep trying quietly.
      }
      if (!stopped) timer = setTimeout(poll, 1500);
    };
    setDetail({ state: 'loading' });
    setTrials({ state: 'idle' });
    void api
      .getResearch(selectedId)
      .then((run) => {
        if (stopped) return;
        setDetail({ state: 'ready', data: run });
        onRun(run);
        if (isTerminal(run)) return;
        source = new EventSource(api.researchEventsUrl(run.id));
        source.addEventListener('research', (ev) => onRun(JSON.parse((ev as MessageEvent<string>).data) as ResearchRun));
        source.onerror = () => {
          if (source?.readyState === EventSource.CLOSED && !stopped) void poll();
        };
      })
      .catch((err: unknown) => {
        if (!stopped) setDetail({ state: 'error', error: errorMessage(err) });
      });
    return () => {
      stopped = true;
      source?.close();
      clearTimeout(timer);
    };
  }, [selectedId, update, reloadGate]);

  // Other studies still running: refresh the list now and then so their progress moves too.
  const anyActive = studies.state === 'ready' && studies.data.some((r) => !isTerminal(r) && r.id !== selectedId);
  useEffect(() => {
    if (!anyActive) return;
    const timer = setInterval(() => void reloadList(), 2000);
    return () => clearInterval(timer);
  }, [anyActive, reloadList]);

  const start = useCallback(
    async (request: ResearchRequest): Promise<StartResult> => {
      try {
        const run = await api.startResearch(request);
        update(run);
        setSelectedId(run.id);
        return { ok: true, run };
      } catch (err) {
        const problem = err instanceof ApiError ? err.problem : undefined;
        return { ok: false, message: errorMessage(err), fieldErrors: problem?.errors ?? [], compileErrors: problem?.compileErrors ?? [] };
      }
    },
    [update],
  );

  const cancel = useCallback(
    async (id: string) => {
      setCancelling(id);
      setCancelError(null);
      try {
        update(await api.cancelResearch(id));
      } catch (err) {
        // 409: it ended by itself meanwhile; the stream or the list shows how.
        if (!(err instanceof ApiError && err.status === 409)) setCancelError(`Could not cancel: ${errorMessage(err)}`);
        void reloadList();
      } finally {
        setCancelling(null);
      }
    },
    [reloadList, update],
  );

  const select = useCallback((id: string | null) => setSelectedId(id), []);

  return { studies, selectedId, select, detail, trials, start, cancel, cancelling, cancelError, gate, reloadGate, reloadList };
}

export type ResearchHook = ReturnType<typeof useResearch>;
