import { useEffect, useState } from 'react';
import type { RobustnessResult } from '../../api.ts';
import type { DeploymentsHook } from '../../hooks/useDeployments.ts';
import type { useDatasets } from '../../hooks/useDatasets.ts';
import type { Loadable } from '../../hooks/useResearch.ts';
import type { StrategyDocument } from '../../hooks/useStrategyDocument.ts';
import { DeploymentList } from './DeploymentList.tsx';
import { DeploymentView } from './DeploymentView.tsx';
import { defaultPromoteForm, fieldOfPath, promoteRequest, type PromoteField, type PromoteForm } from './deployment-view.ts';
import { PromotePanel } from './PromotePanel.tsx';

interface Props {
  deployments: DeploymentsHook;
  doc: StrategyDocument;
  /** Save the strategy (a deployment runs its saved graph); the id, or null when saving failed. */
  save: () => Promise<string | null>;
  datasets: ReturnType<typeof useDatasets>;
  graphSource: string;
  initialCash: number;
  gate: Loadable<RobustnessResult>;
  reloadGate: () => Promise<void>;
  /** Open a walk-forward or Monte Carlo study the gate judged from, in the Research tab. */
  onShowStudy: (id: string) => void;
}

/**
 * The Deployments tab: the strategy's deployments in a sidebar and, beside them, the promote form or
 * the selected deployment streamed live.
 */
export function DeploymentsTab({ deployments, doc, save, datasets, graphSource, initialCash, gate, reloadGate, onShowStudy }: Props) {
  const { list, selectedId, select, detail } = deployments;
  const [pane, setPane] = useState<'auto' | 'promote' | 'deployment'>(() => (selectedId ? 'deployment' : 'auto'));
  const [form, setForm] = useState<PromoteForm>(() => defaultPromoteForm(initialCash));
  const [attempted, setAttempted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Partial<Record<PromoteField, string>>>({});
  const [startError, setStartError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // Opened with nothing chosen: the newest deployment if there is one, else the promote form.
  useEffect(() => {
    if (pane !== 'auto' || list.state === 'loading') return;
    const latest = list.state === 'ready' ? list.data[0] : undefined;
    if (latest) select(latest.id);
    setPane(latest ? 'deployment' : 'promote');
  }, [pane, list, select]);

  // The gate is asked again each time the form opens: studies may have finished meanwhile.
  useEffect(() => {
    if (pane === 'promote') void reloadGate();
  }, [pane, reloadGate]);

  const check = promoteRequest(form, doc.id ?? '');
  const errors = { ...(attempted && !check.ok ? check.errors : {}), ...serverErrors };

  const deploy = async (confirmed: boolean) => {
    setAttempted(true);
    setServerErrors({});
    setStartError(null);
    if (!check.ok) return;
    setBusy(true);
    try {
      const id = doc.dirty || doc.id === null ? await save() : doc.id;
      if (!id) return setStartError('The strategy could not be saved, so it cannot be deployed.');
      const ready = promoteRequest(form, id, confirmed);
      if (!ready.ok) return;
      const result = await deployments.deploy(ready.request);
      if (result.ok) {
        setAttempted(false);
        setPane('deployment');
        return;
      }
      const fields: Partial<Record<PromoteField, string>> = {};
      for (const e of result.fieldErrors) {
        const f = fieldOfPath(e.path);
        if (f) fields[f] = e.message;
      }
      setServerErrors(fields);
      setStartError(result.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="research deployments" data-testid="deployments">
      <DeploymentList
        list={list}
        selectedId={pane === 'deployment' ? selectedId : null}
        promoting={pane === 'promote'}
        onSelect={(id) => {
          select(id);
          setPane('deployment');
        }}
        onPromote={() => setPane('promote')}
        onRetry={() => void deployments.reloadList()}
      />
      <div className="research-main">
        {pane === 'promote' && (
          <PromotePanel
            form={form}
            onForm={(next) => {
              setForm(next);
              setServerErrors({});
              setStartError(null);
            }}
            errors={errors}
            startError={startError}
            busy={busy}
            gate={gate}
            onReloadGate={() => void reloadGate()}
            onShowStudy={onShowStudy}
            datasets={datasets}
            graphSource={graphSource}
            onDeploy={(confirmed) => void deploy(confirmed)}
          />
        )}
        {pane === 'deployment' && detail.state === 'loading' && <div className="empty-state">Loading the deployment…</div>}
        {pane === 'deployment' && detail.state === 'error' && <div className="empty-state error-text">Could not load the deployment: {detail.error}</div>}
        {pane === 'deployment' && detail.state === 'ready' && (
          <DeploymentView
            deployment={detail.data}
            curve={deployments.curve}
            live={deployments.live}
            busy={deployments.busy}
            controlError={deployments.controlError}
            onControl={(what) => void deployments.control(detail.data.id, what)}
          />
        )}
      </div>
    </div>
  );
}
