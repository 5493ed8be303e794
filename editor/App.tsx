import { useReactFlow } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { CompileError } from '../engine/compile.ts';
import type { CatalogEntry } from '../nodes/registry.ts';
import { api, errorMessage } from './api.ts';
import { CatalogContext, catalogInfo, NodeErrorsContext } from './catalog-context.ts';
import { Banner } from './components/Banner.tsx';
import { BottomPanel, type BottomTab } from './components/BottomPanel.tsx';
import { Canvas } from './components/Canvas.tsx';
import { dataChoiceOf, type DataPick } from './components/DataPicker.tsx';
import { Inspector } from './components/Inspector.tsx';
import { Palette } from './components/Palette.tsx';
import { TopBar } from './components/TopBar.tsx';
import { errorsOf, useCompile } from './hooks/useCompile.ts';
import { useDatasets } from './hooks/useDatasets.ts';
import { useHealth } from './hooks/useHealth.ts';
import { useLoad } from './hooks/useLoad.ts';
import { useRun } from './hooks/useRun.ts';
import { useStrategyDocument } from './hooks/useStrategyDocument.ts';

const lastStrategyKey = 'tradeloom.lastStrategy';

export function App() {
  const health = useHealth();
  const [catalog, reloadCatalog] = useLoad(api.catalog);
  const [strategies, reloadStrategies] = useLoad(api.listStrategies);
  const datasets = useDatasets();
  const doc = useStrategyDocument();
  const runHook = useRun();
  const { screenToFlowPosition } = useReactFlow();
  const [tab, setTab] = useState<BottomTab>('results');
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [openError, setOpenError] = useState<string | null>(null);
  const canvasCell = useRef<HTMLDivElement>(null);
  const booted = useRef(false);

  const info = useMemo(() => (catalog.data ? catalogInfo(catalog.data) : null), [catalog.data]);
  const { compile, showErrors } = useCompile(doc.graph, doc.graphCompileKey, info !== null);
  const errors = errorsOf(compile);
  const errorsByNode = useMemo(() => {
    const map = new Map<string, CompileError[]>();
    for (const e of errors) if (e.nodeId) map.set(e.nodeId, [...(map.get(e.nodeId) ?? []), e]);
    return map;
  }, [errors]);

  // When the server comes back, load whatever failed while it was away.
  const serverUp = health.state === 'up';
  useEffect(() => {
    if (!serverUp) return;
    if (catalog.state === 'error') void reloadCatalog();
    if (strategies.state === 'error') void reloadStrategies();
    if (datasets.datasets.state === 'error') void datasets.reload();
  }, [serverUp]); // eslint-disable-line react-hooks/exhaustive-deps

  const openStrategy = useCallback(
    async (id: string) => {
      setOpenError(null);
      try {
        const s = await api.getStrategy(id);
        doc.open(s);
        runHook.reset(s.id);
        setSaveError(null);
        localStorage.setItem(lastStrategyKey, s.id);
      } catch (err) {
        setOpenError(`Could not open the strategy: ${errorMessage(err)}`);
      }
    },
    [doc, runHook],
  );

  // First load: reopen the last strategy (or the newest); a first-time user gets an untitled blank one.
  useEffect(() => {
    if (booted.current || strategies.state !== 'ready' || !info) return;
    booted.current = true;
    const items = strategies.data;
    if (items.length === 0) return;
    const last = localStorage.getItem(lastStrategyKey);
    const pick = items.find((s) => s.id === last) ?? [...items].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0]!;
    void openStrategy(pick.id);
  }, [strategies, info, openStrategy]);

  const confirmDiscard = useCallback(
    () => !doc.dirty || window.confirm(`Discard unsaved changes to “${doc.name}”?`),
    [doc.dirty, doc.name],
  );

  const save = useCallback(async (): Promise<string | null> => {
    setSaving(true);
    setSaveError(null);
    try {
      const id = await doc.save();
      localStorage.setItem(lastStrategyKey, id);
      void reloadStrategies();
      return id;
    } catch (err) {
      setSaveError(errorMessage(err));
      return null;
    } finally {
      setSaving(false);
    }
  }, [doc, reloadStrategies]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
        e.preventDefault();
        void save();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [save]);

  useEffect(() => {
    if (!doc.dirty) return;
    const onUnload = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', onUnload);
    return () => window.removeEventListener('beforeunload', onUnload);
  }, [doc.dirty]);

  const onNew = useCallback(() => {
    if (!confirmDiscard()) return;
    doc.startNew();
    runHook.reset(null);
    setSaveError(null);
    setTab('results');
    localStorage.removeItem(lastStrategyKey);
  }, [confirmDiscard, doc, runHook]);

  const onOpen = useCallback(
    (id: string) => {
      if (id === doc.id || !confirmDiscard()) return;
      setTab('results');
      void openStrategy(id);
    },
    [confirmDiscard, doc.id, openStrategy],
  );

  const onDelete = useCallback(
    async (id: string) => {
      const name = strategies.data?.find((s) => s.id === id)?.name ?? 'this strategy';
      if (!window.confirm(`Delete “${name}” and its runs? This cannot be undone.`)) return;
      try {
        await api.deleteStrategy(id);
        if (id === doc.id) {
          doc.startNew();
          runHook.reset(null);
          localStorage.removeItem(lastStrategyKey);
        }
        void reloadStrategies();
      } catch (err) {
        setOpenError(`Could not delete: ${errorMessage(err)}`);
      }
    },
    [doc, reloadStrategies, runHook, strategies.data],
  );

  const onRun = useCallback(
    async (pick: DataPick) => {
      const data = dataChoiceOf(pick);
      if (!data.ok) return;
      const id = doc.dirty || doc.id === null ? await save() : doc.id;
      if (!id) return;
      const outcome = await runHook.start(id, data.choice);
      if (outcome.ok) setTab('results');
      else if (outcome.compileErrors) {
        showErrors(outcome.compileErrors);
        setTab('problems');
      }
    },
    [doc.dirty, doc.id, runHook, save, showErrors],
  );

  const addFromPalette = useCallback(
    (entry: CatalogEntry) => {
      const box = canvasCell.current?.getBoundingClientRect();
      const center = box ? { x: box.left + box.width / 2, y: box.top + box.height / 2 } : { x: 400, y: 300 };
      const at = screenToFlowPosition(center);
      const step = (doc.nodes.length % 6) * 24;
      doc.addNode(entry, { x: at.x - 80 + step, y: at.y - 40 + step });
    },
    [doc, screenToFlowPosition],
  );

  const selectNode = useCallback((id: string) => doc.selectNode(id), [doc]);

  const banner =
    health.state === 'down' ? (
      <Banner tone="error">
        The Tradeloom server is not responding ({health.error}). Your canvas is kept in this tab; retrying every few seconds.
      </Banner>
    ) : health.state === 'up' && (!health.health.database.ok || !health.health.temporal.ok) ? (
      <Banner tone="warning">
        {!health.health.database.ok && 'The database is unavailable: saving will fail. '}
        {!health.health.temporal.ok && `Temporal (${health.health.temporal.address}) is unavailable: backtests cannot start.`}
      </Banner>
    ) : null;

  return (
    <div className="app">
      <TopBar
        name={doc.name}
        onName={doc.setName}
        strategyId={doc.id}
        dirty={doc.dirty}
        saving={saving}
        saveError={saveError}
        onSave={() => void save()}
        strategies={strategies}
        onOpen={onOpen}
        onNew={onNew}
        onDelete={(id) => void onDelete(id)}
        health={health}
      />
      <div className="banners">
        {banner}
        {saveError && <Banner tone="error">Could not save: {saveError}</Banner>}
        {openError && <Banner tone="error">{openError}</Banner>}
      </div>
      {info ? (
        <CatalogContext.Provider value={info}>
          <NodeErrorsContext.Provider value={errorsByNode}>
            <Palette onAdd={addFromPalette} />
            <div className="canvas-cell" ref={canvasCell}>
              <Canvas key={doc.generation} doc={doc} />
            </div>
            <Inspector doc={doc} errorsByNode={errorsByNode} datasets={datasets} />
            <BottomPanel
              tab={tab}
              onTab={setTab}
              compile={compile}
              errors={errors}
              nodes={doc.nodes}
              onSelectNode={selectNode}
              runHook={runHook}
              datasets={datasets.datasets.data ?? []}
              onRun={(pick) => void onRun(pick)}
              saving={saving}
              initialCash={doc.graph.settings?.initialCash ?? 100_000}
            />
          </NodeErrorsContext.Provider>
        </CatalogContext.Provider>
      ) : (
        <div className="app-placeholder" data-testid="app-loading">
          {catalog.state === 'error' ? (
            <>
              <div className="error-text">Could not load the node catalog: {catalog.error}</div>
              <button type="button" className="button" onClick={() => void reloadCatalog()}>
                Retry
              </button>
            </>
          ) : (
            <div className="muted">Loading nodes…</div>
          )}
        </div>
      )}
    </div>
  );
}
