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
}

type TestState = { state: 'idle' } | { state: 'running' } | { state: 'ready'; result: CustomNodeTestResult } | { state: 'error'; message: string };
type Opened = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready' };

/**
 * The custom node editor: Monaco with the node API's types on the left; on the right the node run on
 * sample data (Test), the lookahead check and the server's problems. Save stores a new version, which
 * the palette then offers; graphs that use an older version keep it until updated.
 */
export default function CustomNodeEditor({ nodeType, onClose, onSaved }: Props) {
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
  }, []);

  /** Open a node by id, or by its type (`custom.<name>`); null for a new one. */
  const open = useCallback(
    async (id: string | null, byType?: string) => {
      if (id === null && byType === undefined) {
        setCurrent(null);
        setOpened({ state: 'ready' });
        show(starterTemplate, null);
        return;
      }
      setOpened({ state: 'loading' });
      try {
        const list = await api.listCustomNodes();
        const node = list.find((n) => (byType === undefined ? n.id === id : n.type === byType));
        if (!node) throw new Error('this custom node no longer exists');
        const version = await api.getCustomNodeVersion(node.id, node.latestVersion);
        setCurrent(node);
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

  const runTest = useCallback(async () => {
    const text = source;
    setTest({ state: 'running' });
    setProblem(null);
    setMarkers([]);
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
    async (asVersionOf?: string) => {
      const text = source;
      setSaving(true);
      setProblem(null);
      setMarkers([]);
      setNotice(null);
      try {
        const target = asVersionOf ?? current?.id;
        const saved = target ? await api.saveCustomNodeVersion(target, text) : await api.createCustomNode(text);
        setCurrent(saved.node);
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

  return (
    <div className="custom-editor-backdrop nokey">
      <div className="custom-editor" role="dialog" aria-modal="true" aria-label="Custom node editor" data-testid="custom-node-editor">
        <header className="custom-editor-head">
          <h2>Custom node</h2>
          <select
            className="custom-editor-open"
            aria-label="Open a custom node"
            value={current?.id ?? ''}
            onChange={(e) => void open(e.target.value || null)}
            data-testid="custom-node-open"
          >
            <option value="">New node</option>
            {existing.map((n) => (
              <option key={n.id} value={n.id}>
                {n.title} (v{n.latestVersion})
              </option>
            ))}
          </select>
          <span className="custom-editor-type muted" data-testid="custom-node-type">
            {typeName ? `custom.${typeName}` : 'no type yet'}
            {current && ` · v${current.latestVersion}`}
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
          <button type="button" className={`button small ${confirmDiscard ? 'danger' : 'ghost'}`} onClick={requestClose} data-testid="custom-close">
            {confirmDiscard ? 'Discard changes?' : 'Close'}
          </button>
        </header>
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
                  <button type="button" className="button small" onClick={() => void save(problem.existingId)}>
                    Save as a new version of it
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
