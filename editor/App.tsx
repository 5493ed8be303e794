import { useReactFlow } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { CompileError } from '../engine/compile.ts';
import type { CatalogEntry } from '../nodes/registry.ts';
import { api, ApiError, errorMessage, type Strategy, type TemplateSummary } from './api.ts';
import { blankDocument, lastStrategyKey, pickStartStrategy, readLastStrategy, type BootRequests } from './boot.ts';
import { CatalogContext, catalogInfo, DatasetNamesContext, NodeErrorsContext } from './catalog-context.ts';
import { Banner } from './components/Banner.tsx';
import { BottomPanel, type BottomTab } from './components/BottomPanel.tsx';
import { Canvas } from './components/Canvas.tsx';
import { dataChoiceOf, type DataPick } from './components/DataPicker.tsx';
import { Inspector } from './components/Inspector.tsx';
import { lazyComponent } from './components/lazy-component.tsx';
import { Dialog } from './components/Dialog.tsx';
import { Palette } from './components/Palette.tsx';
import { TemplateWelcome } from './components/TemplateWelcome.tsx';
import { TopBar } from './components/TopBar.tsx';
import { UnsavedChangesDialog } from './components/UnsavedChangesDialog.tsx';
import { describeGraphData } from './data-source.ts';
import type { Settings } from './graph-mapping.ts';
import { errorsOf, useCompile } from './hooks/useCompile.ts';
import { useDatasets } from './hooks/useDatasets.ts';
import { useHealth } from './hooks/useHealth.ts';
import { useLoad } from './hooks/useLoad.ts';
import { useRun } from './hooks/useRun.ts';
import { useShortcuts } from './hooks/useShortcuts.ts';
import { useAutoLayout } from './hooks/useAutoLayout.ts';
import { useStrategyDocument } from './hooks/useStrategyDocument.ts';
import { useUnsavedGuard } from './hooks/useUnsavedGuard.ts';
import { useVersionHistory } from './hooks/useVersionHistory.ts';
import { ThemeContext, useTheme } from './theme.ts';

// What the editor shows only on demand loads on demand, each its own chunk: the first paint needs none of it.
const CustomNodeEditorHost = lazyComponent(async () => (await import('./components/custom/CustomNodeEditorHost.tsx')).CustomNodeEditorHost);
const DiffViewCanvas = lazyComponent(async () => (await import('./components/DiffViewCanvas.tsx')).DiffViewCanvas);
const ShortcutsDialog = lazyComponent(async () => (await import('./components/ShortcutsDialog.tsx')).ShortcutsDialog);
const StrategiesDialog = lazyComponent(async () => (await import('./components/StrategiesDialog.tsx')).StrategiesDialog);
const TemplateGalleryDialog = lazyComponent(async () => (await import('./components/TemplateGalleryDialog.tsx')).TemplateGalleryDialog);
const VersionHistory = lazyComponent(
  async () => (await import('./components/VersionHistory.tsx')).VersionHistory,
  <aside className="inspector version-history" aria-label="Version history" aria-busy="true" />,
);

const noSettings: Settings = {};
const noEntry = () => undefined;

/** `boot`: the first requests, already on their way when the app renders (boot.ts, boot-start.ts). */
export function App({ boot }: { boot: BootRequests }) {
  const health = useHealth();
  const [catalog, reloadCatalog] = useLoad(api.catalog, boot.catalog);
  const [strategies, reloadStrategies] = useLoad(api.listStrategies, boot.strategies);
  const [templates, reloadTemplates] = useLoad(api.listTemplates);
  const datasets = useDatasets();
  const datasetNames = useMemo(() => new Map((datasets.datasets.data ?? []).map((d) => [d.id, d.name])), [datasets.datasets.data]);
  const info = useMemo(() => (catalog.data ? catalogInfo(catalog.data) : null), [catalog.data]);
  const doc = useStrategyDocument(info?.settingsDefaults ?? noSettings);
  const runHook = useRun();
  const { screenToFlowPosition } = useReactFlow();
  const { theme, toggle: toggleTheme } = useTheme();
  const autoLayout = useAutoLayout(doc, info?.entry ?? noEntry);
  const [tab, setTab] = useState<BottomTab>('results');
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  /** With a save error: the newer version another tab (or someone else) saved, which the save would have replaced. */
  const [newerVersion, setNewerVersion] = useState<number | null>(null);
  const [openError, setOpenError] = useState<string | null>(null);
  const [showShortcuts, setShowShortcuts] = useState(false);
  const [settingsFocus, setSettingsFocus] = useState(0);
  const [deleting, setDeleting] = useState<{ id: string; name: string } | null>(null);
  /** The template gallery dialog, open on a given template (or the first). */
  const [gallery, setGallery] = useState<{ initial?: string } | null>(null);
  /** Id of the template a strategy is being created from. */
  const [creating, setCreating] = useState<string | null>(null);
  /** The user chose a blank canvas over the first-start templates. */
  const [welcomeDismissed, setWelcomeDismissed] = useState(false);
  /** Strategies → Manage strategies… (list, search, rename, duplicate, delete, import, export). */
  const [showLibrary, setShowLibrary] = useState(false);
  /** The version history panel, shown in place of the inspector. */
  const [showHistory, setShowHistory] = useState(false);
  /** The custom node editor, on a new node (`{}`) or on the custom node of a type. */
  const [customEditor, setCustomEditor] = useState<{ type?: string } | null>(null);
  /** Bumped after every save and restore, so an open history lists the new version. */
  const [versionsStamp, setVersionsStamp] = useState(0);
  const canvasCell = useRef<HTMLDivElement>(null);
  /** Set once the last strategy was reopened, or once the user opened or started one first. */
  const booted = useRef(false);
  const unsaved = useUnsavedGuard(doc.dirty);
  const history = useVersionHistory(doc.id, showHistory, versionsStamp, info?.settingsDefaults ?? noSettings);
  const diffShown = showHistory && history.comparison.state === 'ready';

  // The compiler reads the catalog too: a custom node saved or deleted changes what the same graph means.
  const customKey = useMemo(() => (catalog.data?.nodes ?? []).filter((n) => n.type.startsWith('custom.')).map((n) => `${n.type}@${n.version}`).join(','), [catalog.data]);
  const { compile, showErrors } = useCompile(doc.graph, `${doc.graphCompileKey}\u0000${customKey}`, info !== null);
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
    if (templates.state === 'error') void reloadTemplates();
  }, [serverUp]); // eslint-disable-line react-hooks/exhaustive-deps

  /**
   * Bumped by every open and by starting a new strategy: a strategy that arrives after the user moved on
   * (clicked New while the last one was still loading) must not replace what they chose.
   */
  const openToken = useRef(0);
  const openStrategy = useCallback(
    async (id: string, fetched?: Promise<Strategy>) => {
      setOpenError(null);
      const mine = ++openToken.current;
      try {
        const s = await (fetched ?? api.getStrategy(id));
        if (mine !== openToken.current) return;
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

  // First load: reopen the last strategy (or the newest), unless the user last chose a blank one; a first-time user gets a blank one.
  useEffect(() => {
    if (booted.current || strategies.state !== 'ready' || !info) return;
    booted.current = true;
    const id = pickStartStrategy(strategies.data, readLastStrategy());
    // The boot requests fetched it as soon as the list arrived; unless the user opened another first.
    if (id) void openStrategy(id, boot.start?.id === id ? boot.start.strategy : undefined);
  }, [strategies, info, openStrategy, boot]);

  const save = useCallback(async (replaceNewer = false): Promise<string | null> => {
    setSaving(true);
    setSaveError(null);
    setNewerVersion(null);
    try {
      const id = await doc.save(replaceNewer);
      localStorage.setItem(lastStrategyKey, id);
      setVersionsStamp((n) => n + 1);
      void reloadStrategies();
      return id;
    } catch (err) {
      setSaveError(errorMessage(err));
      const newer = err instanceof ApiError && err.status === 409 ? err.problem?.latestVersion : undefined;
      if (typeof newer === 'number') setNewerVersion(newer);
      return null;
    } finally {
      setSaving(false);
    }
  }, [doc, reloadStrategies]);

  const onNew = useCallback(() => {
    booted.current = true;
    setWelcomeDismissed(true);
    unsaved.guard('start a new strategy', () => {
      openToken.current++;
      doc.startNew();
      runHook.reset(null);
      setSaveError(null);
      setTab('results');
      localStorage.setItem(lastStrategyKey, blankDocument);
    });
  }, [doc, runHook, unsaved]);

  const onOpen = useCallback(
    (id: string) => {
      if (id === doc.id) return;
      booted.current = true;
      const name = strategies.data?.find((s) => s.id === id)?.name ?? 'another strategy';
      unsaved.guard(`open “${name}”`, () => {
        setTab('results');
        void openStrategy(id);
      });
    },
    [doc.id, openStrategy, strategies.data, unsaved],
  );

  const startFromTemplate = useCallback(
    (template: TemplateSummary) => {
      setGallery(null);
      booted.current = true;
      unsaved.guard(`start from the “${template.name}” template`, () => {
        void (async () => {
          setCreating(template.id);
          setOpenError(null);
          const mine = ++openToken.current;
          try {
            const s = await api.createFromTemplate(template.id);
            if (mine !== openToken.current) return void reloadStrategies();
            doc.open(s);
            runHook.reset(s.id);
            setSaveError(null);
            setTab('results');
            localStorage.setItem(lastStrategyKey, s.id);
            void reloadStrategies();
          } catch (err) {
            setOpenError(`Could not create a strategy from “${template.name}”: ${errorMessage(err)}`);
          } finally {
            setCreating(null);
          }
        })();
      });
    },
    [doc, reloadStrategies, runHook, unsaved],
  );

  const closeGallery = useCallback(() => setGallery(null), []);
  const openGallery = useCallback((initial?: string) => setGallery(initial === undefined ? {} : { initial }), []);

  // First start: nothing saved yet and an empty canvas, so offer the ready strategies.
  const showWelcome =
    !welcomeDismissed && strategies.state === 'ready' && strategies.data.length === 0 && doc.id === null && doc.nodes.length === 0;

  /** After the strategy `id` was deleted (here or in the library): leave it if it is open. */
  const forgetStrategy = useCallback(
    (id: string) => {
      if (id === doc.id) {
        doc.startNew();
        runHook.reset(null);
        localStorage.setItem(lastStrategyKey, blankDocument);
      }
      void reloadStrategies();
    },
    [doc, reloadStrategies, runHook],
  );

  /** A rename in the library reaches the open strategy too, without touching unsaved canvas edits. */
  const adoptRename = useCallback(
    (id: string, name: string) => {
      if (id !== doc.id) return;
      if (doc.dirty) doc.setName(name);
      else void openStrategy(id);
    },
    [doc, openStrategy],
  );

  const restoreVersion = useCallback(
    async (n: number) => {
      if (!doc.id) return;
      const s = await api.restoreVersion(doc.id, n);
      doc.open(s);
      setSaveError(null);
      history.clear();
      setVersionsStamp((k) => k + 1);
      void reloadStrategies();
    },
    [doc, history, reloadStrategies],
  );

  const closeLibrary = useCallback(() => setShowLibrary(false), []);
  const reloadStrategiesQuietly = useCallback(() => void reloadStrategies(), [reloadStrategies]);

  const confirmDelete = useCallback(async () => {
    if (!deleting) return;
    const { id } = deleting;
    setDeleting(null);
    try {
      await api.deleteStrategy(id);
      if (id === doc.id) {
        doc.startNew();
        runHook.reset(null);
        localStorage.setItem(lastStrategyKey, blankDocument);
      }
      void reloadStrategies();
    } catch (err) {
      setOpenError(`Could not delete: ${errorMessage(err)}`);
    }
  }, [deleting, doc, reloadStrategies, runHook]);

  const editSettings = useCallback(() => {
    // The settings live in the inspector's strategy view, shown when no node is selected.
    doc.selectAll(false);
    setSettingsFocus((n) => n + 1);
  }, [doc]);

  const modalOpen = showShortcuts || unsaved.pending !== null || deleting !== null || gallery !== null || showLibrary || customEditor !== null;
  useShortcuts(
    {
      save: () => void save(),
      undo: doc.undo,
      redo: doc.redo,
      copy: () => doc.copy(),
      paste: () => void doc.paste(),
      duplicate: () => doc.duplicate() > 0,
      group: () => doc.groupSelected() !== null,
      layout: () => void autoLayout.layout(),
      selectAll: () => doc.selectAll(true),
      deselect: () => doc.selectAll(false),
      delete: () => doc.deleteSelected(),
      help: () => setShowShortcuts(true),
    },
    // While a diff covers the canvas, edits would land on a graph nobody can see.
    !modalOpen && info !== null && !diffShown,
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

  /** A new comment at the centre of the canvas, a little up-left so the whole box shows. */
  const addNote = useCallback(() => {
    const box = canvasCell.current?.getBoundingClientRect();
    const center = box ? { x: box.left + box.width / 2, y: box.top + box.height / 2 } : { x: 400, y: 300 };
    const at = screenToFlowPosition(center);
    doc.addComment({ x: Math.round(at.x - 110), y: Math.round(at.y - 55) });
  }, [doc, screenToFlowPosition]);

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
    <ThemeContext.Provider value={theme}>
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
        onNewFromTemplate={openGallery}
        onManage={() => setShowLibrary(true)}
        onNewCustomNode={() => setCustomEditor({})}
        historyOpen={showHistory}
        onHistory={() => setShowHistory((v) => !v)}
        onDelete={(id) => setDeleting({ id, name: strategies.data?.find((s) => s.id === id)?.name ?? 'this strategy' })}
        health={health}
        canUndo={doc.canUndo}
        canRedo={doc.canRedo}
        onUndo={doc.undo}
        onRedo={doc.redo}
        onSettings={editSettings}
        onShortcuts={() => setShowShortcuts(true)}
        canvas={{
          onLayout: () => void autoLayout.layout(),
          layoutBusy: autoLayout.busy,
          canLayout: info !== null && doc.nodes.length > 0 && !diffShown,
          onAddNote: addNote,
          onGroup: () => void doc.groupSelected(),
          canGroup: !diffShown && doc.nodes.some((n) => n.selected),
        }}
        theme={theme}
        onToggleTheme={toggleTheme}
      />
      <div className="banners">
        {banner}
        {saveError && (
          <Banner
            tone="error"
            actions={
              newerVersion !== null && doc.id !== null
                ? [
                    { label: `Discard mine, load version ${newerVersion}`, onClick: () => void openStrategy(doc.id!) },
                    { label: 'Save mine as the newest', onClick: () => void save(true) },
                  ]
                : []
            }
          >
            Could not save: {saveError}
          </Banner>
        )}
        {openError && <Banner tone="error">{openError}</Banner>}
      </div>
      {info ? (
        <CatalogContext.Provider value={info}>
          <DatasetNamesContext.Provider value={datasetNames}>
          <NodeErrorsContext.Provider value={errorsByNode}>
            <Palette onAdd={addFromPalette} onNewCustomNode={() => setCustomEditor({})} onEditCustomNode={(type) => setCustomEditor({ type })} />
            <div className="canvas-cell" ref={canvasCell}>
              <Canvas key={doc.generation} doc={doc} hint={!showWelcome} colorMode={theme} />
              {diffShown && history.comparison.state === 'ready' && (
                <DiffViewCanvas comparison={history.comparison} focus={history.focus} onClose={history.clear} />
              )}
              {showWelcome && (
                <TemplateWelcome
                  templates={templates}
                  creating={creating}
                  onUse={startFromTemplate}
                  onDetails={openGallery}
                  onRetry={() => void reloadTemplates()}
                  onDismiss={() => setWelcomeDismissed(true)}
                />
              )}
            </div>
            {showHistory ? (
              <VersionHistory history={history} strategyId={doc.id} dirty={doc.dirty} onRestore={restoreVersion} onClose={() => setShowHistory(false)} />
            ) : (
              <Inspector doc={doc} errorsByNode={errorsByNode} datasets={datasets} settingsFocus={settingsFocus} onShowShortcuts={() => setShowShortcuts(true)} />
            )}
            <BottomPanel
              tab={tab}
              onTab={setTab}
              compile={compile}
              errors={errors}
              nodes={doc.nodes}
              onSelectNode={selectNode}
              runHook={runHook}
              datasets={datasets}
              graphSource={describeGraphData(doc.graph, datasets.datasets.data ?? [])}
              settings={doc.settings}
              onEditSettings={editSettings}
              onRun={(pick) => void onRun(pick)}
              saving={saving}
              doc={doc}
              onSave={save}
            />
          </NodeErrorsContext.Provider>
          </DatasetNamesContext.Provider>
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
      {showShortcuts && <ShortcutsDialog onClose={() => setShowShortcuts(false)} />}
      {customEditor && <CustomNodeEditorHost nodeType={customEditor.type} onClose={() => setCustomEditor(null)} onSaved={() => void reloadCatalog()} onDeleted={() => void reloadCatalog()} />}
      {showLibrary && (
        <StrategiesDialog currentId={doc.id} onOpen={onOpen} onChanged={reloadStrategiesQuietly} onRenamed={adoptRename} onDeleted={forgetStrategy} onClose={closeLibrary} />
      )}
      {gallery && (
        <TemplateGalleryDialog templates={templates} initial={gallery.initial} onUse={startFromTemplate} onRetry={() => void reloadTemplates()} onClose={closeGallery} />
      )}
      {unsaved.pending && <UnsavedChangesDialog name={doc.name} pending={unsaved.pending} onSave={async () => (await save()) !== null} onClose={unsaved.dismiss} />}
      {deleting && (
        <Dialog
          title="Delete strategy"
          onClose={() => setDeleting(null)}
          testId="delete-dialog"
          actions={
            <>
              <button type="button" className="button small primary danger-fill" onClick={() => void confirmDelete()} data-testid="delete-confirm">
                Delete
              </button>
              <button type="button" className="button small ghost" onClick={() => setDeleting(null)} data-autofocus>
                Cancel
              </button>
            </>
          }
        >
          <p>Delete “{deleting.name}” with its runs and stopped deployments (their orders, fills and journals)? This cannot be undone. A strategy with a running or paused deployment is not deleted.</p>
        </Dialog>
      )}
    </div>
    </ThemeContext.Provider>
  );
}
