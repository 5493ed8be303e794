import { useState } from 'react';
import type { Dataset, Run } from '../../api.ts';
import { RunsTable } from '../RunsTable.tsx';
import { CompareView } from './CompareView.tsx';

interface Props {
  runs: readonly Run[];
  currentId: string | null;
  onShow: (run: Run) => void;
  error: string | null;
  datasets: readonly Dataset[];
}

/**
 * The run history, where two finished runs can be ticked and compared side by side. Ticking a third
 * replaces the older pick, so the two most recent choices are always the pair.
 */
export function RunHistory(props: Props) {
  const [picked, setPicked] = useState<readonly string[]>([]);
  const [comparing, setComparing] = useState<[Run, Run] | null>(null);
  const byId = new Map(props.runs.map((r) => [r.id, r]));
  const live = picked.filter((id) => byId.get(id)?.status === 'succeeded');

  if (comparing) return <CompareView a={comparing[0]} b={comparing[1]} datasets={props.datasets} onClose={() => setComparing(null)} />;

  const toggle = (run: Run) => setPicked((p) => (p.includes(run.id) ? p.filter((id) => id !== run.id) : [...p, run.id].slice(-2)));
  const compare = () => {
    // Older run first: A is the baseline, B the change.
    const pair = live.map((id) => byId.get(id)!).sort((x, y) => Date.parse(x.createdAt) - Date.parse(y.createdAt));
    if (pair.length === 2) setComparing([pair[0]!, pair[1]!]);
  };
  const finished = props.runs.filter((r) => r.status === 'succeeded').length;

  return (
    <div className="run-history">
      {props.runs.length > 0 && !props.error && (
        <div className="run-history-bar">
          <span className="muted" data-testid="compare-hint">
            {finished < 2 ? 'Run the strategy twice to compare two runs.' : live.length === 2 ? 'Two runs picked.' : `Tick two finished runs to compare them (${live.length} of 2).`}
          </span>
          {live.length > 0 && (
            <button type="button" className="button small ghost" onClick={() => setPicked([])}>
              Clear
            </button>
          )}
          <button type="button" className="button small primary" disabled={live.length !== 2} onClick={compare} data-testid="compare-button">
            Compare
          </button>
        </div>
      )}
      <div className="run-history-table">
        <RunsTable {...props} selected={live} onToggle={toggle} />
      </div>
    </div>
  );
}
