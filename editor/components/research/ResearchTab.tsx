import { useEffect, useMemo, useState } from 'react';
import type { useDatasets } from '../../hooks/useDatasets.ts';
import type { ResearchHook } from '../../hooks/useResearch.ts';
import type { StrategyDocument } from '../../hooks/useStrategyDocument.ts';
import { dataChoiceOf, type DataPick } from '../DataPicker.tsx';
import { dataBars, paramEdits } from './apply-params.ts';
import { NewStudyForm } from './NewStudyForm.tsx';
import { RobustnessGate } from './RobustnessGate.tsx';
import { defaultStudyForm, searchSpace, studyRequest, type StudyField, type StudyForm } from './study-form.ts';
import { StudyList, type ResearchPane } from './StudyList.tsx';
import { StudyView } from './StudyView.tsx';

interface Props {
  research: ResearchHook;
  doc: StrategyDocument;
  /** Save the strategy (studies run on the saved graph); the id, or null when saving failed. */
  save: () => Promise<string | null>;
  saving: boolean;
  datasets: ReturnType<typeof useDatasets>;
  graphSource: string;
}

/** Where the server's field paths are typed in the form. */
const serverFields: Record<string, StudyField> = { 'body.data.datasetId': 'data', 'body.config': 'space', 'body.config.params': 'space' };

/**
 * The Research tab: studies of the open strategy in a sidebar, and beside it a new study's form, a
 * study's progress and result, or the robustness gate that guards promotion.
 */
export function ResearchTab({ research, doc, save, saving, datasets, graphSource }: Props) {
  // Which study is shown lives in the hook alone (it follows that one's stream); this only says what the main area shows.
  const [mode, setMode] = useState<'auto' | ResearchPane['kind']>(() => (research.selectedId ? 'study' : 'auto'));
  const { select, reloadGate, gate, selectedId } = research;
  const pane: ResearchPane | null = mode === 'auto' ? null : mode === 'study' ? (selectedId ? { kind: 'study', id: selectedId } : { kind: 'new' }) : { kind: mode };
  const setPane = (p: ResearchPane) => {
    if (p.kind === 'study') select(p.id);
    setMode(p.kind);
  };
  const [pick, setPick] = useState<DataPick>({ kind: 'graph' });
  const choice = dataChoiceOf(pick);
  const totalBars = dataBars(doc.graph, choice.ok ? choice.choice : undefined, datasets.datasets.data ?? []);
  const [form, setForm] = useState<StudyForm>(() => defaultStudyForm(totalBars));
  const [attempted, setAttempted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Partial<Record<StudyField, string>>>({});
  const [startError, setStartError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const space = useMemo(() => searchSpace(doc.graph), [doc.graph]);
  const check = studyRequest(form, { strategyId: doc.id ?? '', data: choice, space, totalBars });

  // Opened with nothing chosen: the latest study if there is one, else a new one's form.
  const studies = research.studies;
  useEffect(() => {
    if (mode !== 'auto' || studies.state === 'loading') return;
    const latest = studies.state === 'ready' ? studies.data[0] : undefined;
    if (latest) select(latest.id);
    setMode(latest ? 'study' : 'new');
  }, [mode, studies, select]);

  // Opening the gate asks again: studies may have finished since it was last evaluated.
  useEffect(() => {
    if (mode === 'gate') void reloadGate();
  }, [mode, reloadGate]);
  // The sidebar's gate dot is worth having without a click once any study exists.
  useEffect(() => {
    if (gate.state === 'idle' && studies.state === 'ready' && studies.data.length > 0) void reloadGate();
  }, [gate.state, studies, reloadGate]);

  const editForm = (next: StudyForm) => {
    setForm(next);
    setServerErrors({});
    setStartError(null);
  };

  const start = async () => {
    setAttempted(true);
    setServerErrors({});
    setStartError(null);
    if (!check.ok) return;
    setBusy(true);
    try {
      const id = doc.dirty || doc.id === null ? await save() : doc.id;
      if (!id) return setStartError('The strategy could not be saved, so the study cannot start.');
      const result = await research.start({ ...check.request, strategyId: id });
      if (result.ok) {
        setAttempted(false);
        setNotice(null);
        setMode('study');
        return;
      }
      const fields: Partial<Record<StudyField, string>> = {};
      for (const e of result.fieldErrors) {
        const f = serverFields[e.path];
        if (f) fields[f] = e.message;
      }
      setServerErrors(fields);
      setStartError(result.compileErrors.length ? `The strategy has problems to fix first: ${result.compileErrors.map((e) => e.message).join('; ')}` : result.message);
    } finally {
      setBusy(false);
    }
  };

  const applyBlocked = (params: Record<string, number>) => {
    const { missing } = paramEdits(doc.nodes, params);
    return missing.length ? `The strategy no longer has ${missing.join(', ')}` : null;
  };
  const apply = (params: Record<string, number>, what: string) => {
    const { edits, changed } = paramEdits(doc.nodes, params);
    // Its own undo step, never merged into a param typed just before.
    doc.checkpoint();
    for (const e of edits) doc.setParams(e.nodeId, e.params);
    setNotice(changed.length ? `Applied ${what}: ${changed.map((k) => `${k} = ${params[k]}`).join(', ')}. Save to keep it.` : `The strategy already uses the params of ${what}.`);
  };

  const errors = { ...(attempted && !check.ok ? check.errors : {}), ...serverErrors };
  return (
    <div className="research" data-testid="research">
      <StudyList studies={studies} pane={pane ?? { kind: 'new' }} onPane={setPane} gate={gate} onRetry={() => void research.reloadList()} />
      <div className="research-main">
        {notice && (
          <div className="research-notice" role="status" data-testid="apply-notice">
            <span>{notice}</span>
            <button type="button" className="button small ghost" onClick={() => {
                doc.undo();
                setNotice(null);
              }} disabled={!doc.canUndo}>
              Undo
            </button>
            <button type="button" className="icon-button" onClick={() => setNotice(null)} aria-label="Dismiss">
              ×
            </button>
          </div>
        )}
        {pane?.kind === 'gate' ? (
          <RobustnessGate gate={gate} onReload={() => void reloadGate()} onShowStudy={(id) => setPane({ kind: 'study', id })} />
        ) : pane?.kind === 'study' ? (
          <StudyView research={research} onApply={apply} applyBlocked={applyBlocked} />
        ) : pane?.kind === 'new' ? (
          <NewStudyForm
            form={form}
            onForm={editForm}
            pick={pick}
            onPick={(p) => {
              setPick(p);
              setServerErrors({});
            }}
            datasets={datasets}
            graphSource={graphSource}
            space={space}
            totalBars={totalBars}
            errors={errors}
            startError={startError}
            trials={check.ok ? check.trials : null}
            busy={busy || saving}
            onStart={() => void start()}
          />
        ) : (
          <div className="empty-state">Loading studies…</div>
        )}
      </div>
    </div>
  );
}
