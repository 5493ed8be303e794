import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api, errorMessage, type Deployment, type DeploymentControlPath, type DeploymentDetail, type DeploymentRequest } from '../api.ts';
import { appendPoint, equityPoint } from '../components/deployments/equity-curve.ts';
import type { Loadable } from './useResearch.ts';

export type DeployResult = { ok: true; deployment: Deployment } | { ok: false; message: string; fieldErrors: { path: string; message: string }[] };

/** Orders, fills and events fetched with the detail; the PnL is exact while the fills stay under it. */
export const detailLimit = 1000;

/** The tables are fetched again at most this often while bars stream in. */
const refetchEveryMs = 1000;

const finished = (d: Deployment) => d.status === 'stopped' || d.status === 'failed';

/**
 * The deployments of one strategy: the list (refreshed while any runs), the selected one followed
 * over SSE (every `state` updates it and extends the equity curve; every `event` — fill, order,
 * denial, control — fetches its tables again), starting one, and the controls.
 */
export function useDeployments(strategyId: string | null) {
  const [list, setList] = useState<Loadable<Deployment[]>>({ state: 'idle' });
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [detail, setDetail] = useState<Loadable<DeploymentDetail>>({ state: 'idle' });
  const [curve, setCurve] = useState<readonly { time: number; value: number }[]>([]);
  const [live, setLive] = useState(false);
  const [busy, setBusy] = useState<DeploymentControlPath | null>(null);
  const [controlError, setControlError] = useState<string | null>(null);
  const current = useRef(strategyId);
  current.current = strategyId;

  const reloadList = useCallback(async () => {
    const id = current.current;
    if (!id) return;
    try {
      const items = await api.listDeployments(id);
      if (current.current === id) setList({ state: 'ready', data: items });
    } catch (err) {
      if (current.current === id) setList((l) => (l.state === 'ready' ? l : { state: 'error', error: errorMessage(err) }));
    }
  }, []);

  /** One deployment's latest state, into the list and the detail. */
  const update = useCallback((d: Deployment) => {
    setList((l) => {
      const data = l.state === 'ready' ? l.data : [];
      return { state: 'ready', data: data.some((x) => x.id === d.id) ? data.map((x) => (x.id === d.id ? d : x)) : [d, ...data] };
    });
    setDetail((x) => (x.state === 'ready' && x.data.id === d.id ? { state: 'ready', data: { ...x.data, ...d } } : x));
    setCurve((c) => appendPoint(c, equityPoint(d)));
  }, []);

  useEffect(() => {
    setList(strategyId ? { state: 'loading' } : { state: 'idle' });
    setSelectedId(null);
    if (strategyId) void reloadList();
  }, [strategyId, reloadList]);

  // The selected deployment: its detail now, then the stream; events (orders, fills, denials) fetch the tables again.
  useEffect(() => {
    setCurve([]);
    setControlError(null);
    if (!selectedId) {
      setDetail({ state: 'idle' });
      return;
    }
    let stopped = false;
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let refetching = false;
    let again = false;
    let trailing: ReturnType<typeof setTimeout> | undefined;
    let lastFetch = 0;
    // A stopped or failed deployment's stream ends for good: no reconnecting to it.
    let ended = false;
    // The newest journal entry already fetched: the stream starts after it instead of replaying the journal.
    let lastSeq = 0;
    const refetch = async () => {
      // Events come in bursts (a bar brings fills, an order and a denial): one fetch at a time, one more after.
      if (refetching) {
        again = true;
        return;
      }
      refetching = true;
      try {
        do {
          again = false;
          lastFetch = Date.now();
          const full = await api.getDeployment(selectedId, detailLimit);
          if (stopped) return;
          setDetail({ state: 'ready', data: full });
          update(full);
          if (finished(full)) ended = true;
          lastSeq = Math.max(lastSeq, full.events[0]?.seq ?? 0);
        } while (again && !stopped);
      } catch (err) {
        if (!stopped) setDetail((d) => (d.state === 'ready' ? d : { state: 'error', error: errorMessage(err) }));
      } finally {
        refetching = false;
      }
    };
    const connect = () => {
      source = new EventSource(`${api.deploymentEventsUrl(selectedId)}?after=${lastSeq}`);
      source.onopen = () => !stopped && setLive(true);
      source.addEventListener('state', (ev) => {
        if (stopped) return;
        const d = JSON.parse((ev as MessageEvent<string>).data) as Deployment;
        update(d);
        if (finished(d)) {
          // The server closes the stream after this; EventSource would otherwise reconnect to it forever.
          ended = true;
          source?.close();
          setLive(false);
        }
        // Orders and fills are not journal events, and a bar may bring either: fetch the tables as bars
        // arrive, at most about once a second, and once more after the last state of a burst.
        clearTimeout(trailing);
        const wait = Math.max(0, refetchEveryMs - (Date.now() - lastFetch));
        if (wait === 0 || finished(d)) void refetch();
        else trailing = setTimeout(() => void refetch(), wait);
      });
      source.addEventListener('event', () => {
        if (!stopped) void refetch();
      });
      source.onerror = () => {
        if (stopped) return;
        setLive(false);
        if (ended) {
          source?.close();
          return;
        }
        // EventSource retries by itself (resuming with Last-Event-ID); once it gives up, reconnect after a pause.
        if (source?.readyState === EventSource.CLOSED) {
          source.close();
          timer = setTimeout(() => {
            if (!stopped) void refetch().then(() => !stopped && !ended && connect());
          }, 2000);
        }
      };
    };
    setDetail({ state: 'loading' });
    void refetch().then(() => {
      if (!stopped && !ended) connect();
    });
    return () => {
      stopped = true;
      setLive(false);
      source?.close();
      clearTimeout(timer);
      clearTimeout(trailing);
    };
  }, [selectedId, update]);

  // Other deployments still running: refresh the list now and then so their equity moves too.
  const anyRunning = list.state === 'ready' && list.data.some((d) => !finished(d) && d.id !== selectedId);
  useEffect(() => {
    if (!anyRunning) return;
    const timer = setInterval(() => void reloadList(), 3000);
    return () => clearInterval(timer);
  }, [anyRunning, reloadList]);

  const deploy = useCallback(
    async (request: DeploymentRequest): Promise<DeployResult> => {
      try {
        const d = await api.startDeployment(request);
        update(d);
        setSelectedId(d.id);
        return { ok: true, deployment: d };
      } catch (err) {
        const problem = err instanceof ApiError ? err.problem : undefined;
        const compile = problem?.compileErrors?.length ? `The strategy has problems to fix first: ${problem.compileErrors.map((e) => e.message).join('; ')}` : null;
        return { ok: false, message: compile ?? errorMessage(err), fieldErrors: problem?.errors ?? [] };
      }
    },
    [update],
  );

  const control = useCallback(
    async (id: string, what: DeploymentControlPath) => {
      setBusy(what);
      setControlError(null);
      try {
        update(await api.controlDeployment(id, what));
      } catch (err) {
        setControlError(`Could not ${what.replace('-', ' ')}: ${errorMessage(err)}`);
      } finally {
        setBusy(null);
      }
    },
    [update],
  );

  const select = useCallback((id: string | null) => setSelectedId(id), []);

  return { list, selectedId, select, detail, curve, live, deploy, control, busy, controlError, reloadList };
}

export type DeploymentsHook = ReturnType<typeof useDeployments>;
