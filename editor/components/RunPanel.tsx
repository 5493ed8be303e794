import { useState } from 'react';
import type { Dataset } from '../api.ts';
import type { useRun } from '../hooks/useRun.ts';
import { dataChoiceOf, DataPicker, type DataPick } from './DataPicker.tsx';
import { Icon } from './Icon.tsx';
import { RunHistory } from './RunHistory.tsx';
import { RunProgress } from './RunProgress.tsx';

type RunHook = ReturnType<typeof useRun>;

interface Props {
  runHook: RunHook;
  datasets: readonly Dataset[];
  onRun: (pick: DataPick) => void;
  saving: boolean;
}

/** The left column of the results panel: pick data, run, watch progress, and earlier runs. */
export function RunPanel({ runHook, datasets, onRun, saving }: Props) {
  const [pick, setPick] = useState<DataPick>({ kind: 'graph' });
  const { run } = runHook;
  const active = run.current !== null && (run.current.status === 'queued' || run.current.status === 'running');
  const busy = run.starting || saving || active;
  const valid = dataChoiceOf(pick).ok;
  return (
    <div className="run-panel">
      <DataPicker pick={pick} onPick={setPick} datasets={datasets} />
      <button type="button" className="button primary run-button" disabled={busy || !valid} onClick={() => onRun(pick)} data-testid="run-button">
        <Icon name="play" size={12} />
        {saving ? 'Saving…' : run.starting ? 'Starting…' : active ? 'Running…' : 'Run backtest'}
      </button>
      {run.startError && (
        <div className="run-error" role="alert" data-testid="run-start-error">
          {run.startError}
        </div>
      )}
      {run.current && <RunProgress run={run.current} onCancel={() => void runHook.cancel()} />}
      <RunHistory runs={run.history} currentId={run.current?.id ?? null} onShow={runHook.show} error={run.historyError} />
    </div>
  );
}
