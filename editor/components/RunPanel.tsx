import { useState } from 'react';
import type { Settings } from '../graph-mapping.ts';
import type { useDatasets } from '../hooks/useDatasets.ts';
import type { useRun } from '../hooks/useRun.ts';
import { settingsSummary } from '../settings-view.ts';
import { dataChoiceOf, DataPicker, type DataPick } from './DataPicker.tsx';
import { Icon } from './Icon.tsx';
import { RunProgress } from './RunProgress.tsx';

export interface RunPanelProps {
  runHook: ReturnType<typeof useRun>;
  datasets: ReturnType<typeof useDatasets>;
  graphSource: string;
  settings: Settings;
  onEditSettings: () => void;
  onRun: (pick: DataPick) => void;
  saving: boolean;
}

/** The left column of the results panel: pick data, check the costs, run, and watch progress. */
export function RunPanel({ runHook, datasets, graphSource, settings, onEditSettings, onRun, saving }: RunPanelProps) {
  const [pick, setPick] = useState<DataPick>({ kind: 'graph' });
  const { run } = runHook;
  const active = run.current !== null && (run.current.status === 'queued' || run.current.status === 'running');
  // A run on the CSV choice while a file is still uploading would run on the file chosen before it.
  const waiting = datasets.uploading && pick.kind === 'dataset';
  const busy = run.starting || saving || active || waiting;
  const valid = dataChoiceOf(pick).ok;
  const list = datasets.datasets.data ?? [];
  return (
    <div className="run-panel">
      <DataPicker pick={pick} onPick={setPick} datasets={list} graphSource={graphSource} upload={datasets.upload} uploading={datasets.uploading} />
      {/* The costs every run uses, in sight of the Run button, one click from their form. */}
      <button type="button" className="run-settings" onClick={onEditSettings} title="Edit the backtest settings" data-testid="run-settings">
        <span>{settingsSummary(settings)}</span>
        <Icon name="gear" size={12} />
      </button>
      <button type="button" className="button primary run-button" disabled={busy || !valid} onClick={() => onRun(pick)} data-testid="run-button">
        <Icon name="play" size={12} />
        {saving ? 'Saving…' : run.starting ? 'Starting…' : active ? 'Running…' : waiting ? 'Uploading…' : 'Run backtest'}
      </button>
      {run.startError && (
        <div className="run-error" role="alert" data-testid="run-start-error">
          {run.startError}
        </div>
      )}
      {run.current && <RunProgress run={run.current} cancelling={run.cancelling} onCancel={() => void runHook.cancel()} />}
    </div>
  );
}
