import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, ApiError, errorMessage, type CustomNodeSummary, type CustomNodeTestResult, type LookaheadWarning, type Problem } from '../../api.ts';
import { useCustomNodes } from '../../hooks/useCustomNodes.ts';
import { CodeEditor } from './CodeEditor.tsx';
import { declaredType, markersOf, type SourceMarker } from './markers.ts';
import { starterTemplate } from './template.ts';
import { TestChart } from './TestChart.tsx';

interface Props {
  /** Open the custom node of this type (`custom.<name>`) at its latest version; a new node from the template when absent. */
  nodeType?: string;
  onClose: () => void;
  /** After a save: the catalog has changed, so the palette reloads. */
  onSaved: (node: CustomNodeSummary) => void;
  /** After a delete: the catalog has changed too. */
  onDeleted: () => void;
}

type TestState = { state: 'idle' } | { state: 'running' } | { state: 'ready'; result: CustomNodeTestResult } | { state: 'error'; message: string };
type Opened = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready' };

/**
 * The custom node editor: Monaco with the node API's types on the left; on the right the node run on
 * sample data (Test), the lookahead check and the server's problems. Save stores a new version, which
 * the palette then offers; graphs that use an older version keep it until updated.
 */
export default function CustomNodeEditor({ nodeType, onClose, onSaved, onDeleted }: Props) {
  const [nodes, reloadNodes] = useCustomNodes();
  const [current, setCurrent] = useState<CustomNodeSummary | null>(null);
  const [opened, setOpened] = useState<Opened>(nodeType ? { state: 'loading' } : { state: 'ready' });
  const [initial, setInitial] = useState(nodeType ? '' : starterTemplate);
  const [revision, setRevision] = useState(0);
  const [source, setSource] = useState(initial);
  const [savedSource, setSavedSource] = useState<string | null>(null);
  const [test, setTest] = useState<TestState>({ state: 'idle' });
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<{ title: string; detail: string; existingId?: string } | null>(null);
  const [markers, setMarkers] = useState<SourceMarker[]>([]);
  const [warnings, setWarnings] = useState<LookaheadWarning[] | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [typeErrors, setTypeErrors] = useState(0);
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  // The version shown: the latest, unless an older one was opened to read or to save again as the newest.
  const [shownVersion, setShownVersion] = useState<number | null>(null);
  // A node (or version) picked while the code had unsaved changes: opened only once the user agrees.
  const [pendingOpen, setPendingOpen] = useState<{ id: string | null; version?: number; label: string } | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);

  const dirty = savedSource === null ? source !== starterTemplate : source !== savedSource;

  /** Put a source in the editor, as opened (not an edit). */
  const show = useCallback((text: string, saved: string | null) => {
    setInitial(text);
    setSource(text);
    setSavedSource(saved);
    setRevision((r) => r + 1);
    setTest({ state: 'idle' });
    setProblem(null);
    setMarkers([]);
    setWarnings(null);
    setNotice(null);
    setConfirmDiscard(false);
    setConfirmDelete(false);
    setPendingOpen(null);
  }, []);

  /** Open a node by id, or by its type (`custom.<name>`), at its latest version or `number`; null for a new one. */
  const open = useCallback(
    async (id: string | null, byType?: string, number?: number) => {
      if (id === null && byType === undefined) {
        setCurrent(null);
        setShownVersion(null);
        setOpened({ state: 'ready' });
        show(starterTemplate, null);
        return;
      }
      setOpened({ state: 'loading' });
      try {
        const list = await api.listCustomNodes();
        const node = list.find((n) => (byType === undefined ? n.id === id : n.type === byType));
        if (!node) throw new Error('this custom node no longer exists');
        const version = await api.getCustomNodeVersion(node.id, number ?? node.latestVersion);
        setCurrent(node);
        setShownVersion(version.number);
        show(version.source, version.source);
        setOpened({ state: 'ready' });
      } catch (err) {
        setOpened({ state: 'error', message: errorMessage(err) });
      }
    },
    [show],
  );

  useEffect(() => {
    if (nodeType) void open(null, nodeType);
  }, [nodeType, open]);

  /** A refusal from the server: its words in the side panel, its positions as markers. */
  const refused = useCallback(
    (err: unknown, text: string) => {
      const p: Problem | undefined = err instanceof ApiError ? err.problem : undefined;
      setProblem({ title: p?.title ?? 'Request failed', detail: p?.detail ?? errorMessage(err), existingId: p?.existingId });
      setMarkers(markersOf(p, text));
    },
    [],
  );

  /** Open what was picked in the node or version list, or ask first when that would drop unsaved code. */
  const pick = useCallback(
    (id: string | null, version: number | undefined, label: string) => {
      if (dirty) setPendingOpen({ id, version, label });
      else void open(id, undefined, version);
    },
    [dirty, open],
  );

  const runTest = useCallback(async () => {
    const text = source;
    setTest({ state: 'running' });
    setProblem(null);
    setMarkers([]);
    // What an earlier save or test said is about other code: a notice or a lookahead verdict left in
    // place would read as this test's.
    setNotice(null);
    setWarnings(null);
    try {
      const result = await api.testCustomNode(text);
      setTest({ state: 'ready', result });
      setWarnings(result.warnings);
    } catch (err) {
      refused(err, text);
      setTest({ state: 'error', message: errorMessage(err) });
    }
  }, [refused, source]);

  const save = useCallback(
    async (as?: { versionOf: string } | 'new') => {
      const text = source;
      setSaving(true);
      setProblem(null);
      setMarkers([]);
      setNotice(null);
      setWarnings(null);
      try {
        const target = as === 'new' ? undefined : as?.versionOf ?? current?.id;
        const saved = target ? await api.saveCustomNodeVersion(target, text) : await api.createCustomNode(text);
        setCurrent(saved.node);
        setShownVersion(saved.version.number);
        setSavedSource(text);
        setWarnings(saved.warnings);
        setNotice(
          saved.created
            ? `Saved as version ${saved.version.number}. “${saved.node.title}” is in the palette under Custom.`
            : `Unchanged: version ${saved.version.number} already has this code.`,
        );
        onSaved(saved.node);
        void reloadNodes();
      } catch (err) {
        refused(err, text);
      } finally {
        setSaving(false);
      }
    },
    [current?.id, onSaved, refused, reloadNodes, source],
  );

  const remove = useCallback(async () => {
    if (!current) return;
    if (!confirmDelete) {
      setConfirmDelete(true);
      return;
    }
    setConfirmDelete(false);
    try {
      await api.deleteCustomNode(current.id);
      onDeleted();
      void reloadNodes();
      const title = current.title;
      await open(null);
      setNotice(`Deleted “${title}” and all its versions. Strategies that use it now show an error on those nodes.`);
    } catch (err) {
      refused(err, source);
    }
  }, [confirmDelete, current, onDeleted, open, refused, reloadNodes, source]);

  const requestClose = useCallback(() => {
    if (dirty && !confirmDiscard) {
      setConfirmDiscard(true);
      return;
    }
    onClose();
  }, [confirmDiscard, dirty, onClose]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key === 's') {
        e.preventDefault();
        e.stopPropagation();
        if (!saving) void save();
      } else if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
        e.preventDefault();
        void runTest();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [runTest, save, saving]);

  const typeName = useMemo(() => declaredType(source), [source]);
  const existing = nodes.data ?? [];
  // The open node's version is shown only while the code still declares its type: other code is not it.
  const sameType = current !== null && typeName === current.typeName;

  return (
    <div className="custom-editor-backdrop nokey">
      <div className="custom-editor" role="dialog" aria-modal="true" aria-label="Custom node editor" data-testid="custom-node-editor">
        <header className="custom-editor-head">
          <h2>Custom node</h2>
          <select
            className="custom-editor-open"
            aria-label="Open a custom node"
            value={current?.id ?? ''}
            onChange={(e) => {
              const id = e.target.value || null;
              pick(id, undefined, id === null ? 'a new node' : `“${existing.find((n) => n.id === id)?.title ?? 'the node'}”`);
            }}
            data-testid="custom-node-open"
          >
            <option value="">New node</option>
            {existing.map((n) => (
              <option key={n.id} value={n.id}>
                {n.title} (v{n.latestVersion})
              </option>
            ))}
          </select>
          {current && current.latestVersion > 1 && (
            <select
              className="custom-editor-version"
              aria-label="Version"
              value={shownVersion ?? current.latestVersion}
              onChange={(e) => pick(current.id, Number(e.target.value), `version ${e.target.value}`)}
              data-testid="custom-node-version"
            >
              {Array.from({ length: current.latestVersion }, (_, i) => current.latestVersion - i).map((v) => (
                <option key={v} value={v}>
                  v{v}
                  {v === current.latestVersion ? ' (latest)' : ''}
                </option>
              ))}
            </select>
          )}
          <span className="custom-editor-type muted" data-testid="custom-node-type">
            {typeName ? `custom.${typeName}` : 'no type yet'}
            {sameType && ` · v${shownVersion ?? current.latestVersion}`}
            {sameType && shownVersion !== null && shownVersion < current.latestVersion && ` of ${current.latestVersion}: Save makes this code v${current.latestVersion + 1}`}
            {dirty && <span className="custom-editor-dirty"> · unsaved</span>}
          </span>
          <span className="spacer" />
          <span className={`custom-editor-check${typeErrors ? ' has-errors' : ''}`} data-testid="custom-type-errors" data-count={typeErrors}>
            {typeErrors ? `${typeErrors} type error${typeErrors > 1 ? 's' : ''}` : 'No type errors'}
          </span>
          <button type="button" className="button small" onClick={() => void runTest()} disabled={test.state === 'running' || opened.state !== 'ready'} data-testid="custom-test" title="Run on sample data (Ctrl+Enter)">
            {test.state === 'running' ? 'Testing…' : 'Test'}
          </button>
          <button type="button" className="button small primary" onClick={() => void save()} disabled={saving || opened.state !== 'ready'} data-testid="custom-save" title="Save a new version (Ctrl+S)">
            {saving ? 'Saving…' : current ? 'Save version' : 'Save'}
          </button>
          {current && (
            <button
              type="button"
              className={`button small ${confirmDelete ? 'danger' : 'ghost'}`}
              onClick={() => void remove()}
              onBlur={() => setConfirmDelete(false)}
              data-testid="custom-delete"
              title="Delete this custom node and all its versions"
            >
              {confirmDelete ? `Delete “${current.title}” and all ${current.latestVersion} version${current.latestVersion > 1 ? 's' : ''}?` : 'Delete'}
            </button>
          )}
          <button type="button" className={`button small ${confirmDiscard ? 'danger' : 'ghost'}`} onClick={requestClose} data-testid="custom-close">
            {confirmDiscard ? 'Discard changes?' : 'Close'}
          </button>
        </header>
        {pendingOpen && (
          <div className="custom-editor-confirm" role="alert" data-testid="custom-open-confirm">
            <span>Your code has unsaved changes. Open {pendingOpen.label} and lose them?</span>
            <button type="button" className="button small danger" onClick={() => void open(pendingOpen.id, undefined, pendingOpen.version)} data-testid="custom-open-discard">
              Discard and open
            </button>
            <button type="button" className="button small" onClick={() => setPendingOpen(null)} data-testid="custom-open-keep">
              Keep editing
            </button>
          </div>
        )}
        <div className="custom-editor-body">
          <div className="custom-editor-code">
            {opened.state === 'loading' && <div className="custom-editor-note muted">Loading the node’s code…</div>}
            {opened.state === 'error' && (
              <div className="custom-editor-note error-text">
                Could not open the node: {opened.message}
                <button type="button" className="button small" onClick={() => void open(current?.id ?? null, current ? undefined : nodeType)}>
                  Retry
                </button>
              </div>
            )}
            {opened.state === 'ready' && <CodeEditor initial={initial} revision={revision} onChange={setSource} serverMarkers={markers} onTypeErrors={setTypeErrors} />}
          </div>
          <aside className="custom-editor-side" aria-label="Test results">
            {notice && (
              <div className="custom-editor-notice" data-testid="custom-notice">
                {notice}
              </div>
            )}
            {problem && (
              <div className="custom-editor-problem" role="alert" data-testid="custom-problem">
                <strong>{problem.title}</strong>
                <div>{problem.detail}</div>
                {problem.existingId && (
                  <button type="button" className="button small" onClick={() => void save({ versionOf: problem.existingId! })}>
                    Save as a new version of it
                  </button>
                )}
                {problem.title === 'The type name changed' && (
                  <button type="button" className="button small" onClick={() => void save('new')} data-testid="custom-save-new">
                    Save as a new node
                  </button>
                )}
              </div>
            )}
            <section className="custom-editor-section">
              <h3>Test on sample data</h3>
              {test.state === 'idle' && <p className="muted">Press Test to run the node over 500 bars of seeded synthetic data with its default params and chart its outputs.</p>}
              {test.state === 'running' && <p className="muted">Running in the sandbox…</p>}
              {test.state === 'error' && <p className="error-text">The test did not run: {test.message}</p>}
              {test.state === 'ready' && (
                <>
                  <TestChart result={test.result} />
                  <div className="custom-test-legend muted" data-testid="custom-test-summary">
                    {test.result.inputs.map((f) => `${f.port} ← ${f.series}`).join(' · ') || 'no inputs'} · params{' '}
                    {Object.entries(test.result.params)
                      .map(([k, v]) => `${k}=${String(v)}`)
                      .join(', ') || 'none'}{' '}
                    · ran in {test.result.timing.runMs.toFixed(1)} ms
                  </div>
                </>
              )}
            </section>
            <section className="custom-editor-section">
              <h3>Lookahead check</h3>
              {warnings === null ? (
                <p className="muted">Runs with every Test and Save: the node is re-run with the future changed, cut and split, and its past outputs must not move.</p>
              ) : warnings.length === 0 ? (
                <p className="pos-text" data-testid="custom-lookahead-ok">
                  No lookahead: outputs at each bar depend only on bars up to it.
                </p>
              ) : (
                <ul className="custom-editor-warnings" data-testid="custom-lookahead-warnings">
                  {warnings.map((w, i) => (
                    <li key={i}>{w.message}</li>
                  ))}
                </ul>
              )}
            </section>
          </aside>
        </div>
      </div>
    </div>
  );
}
