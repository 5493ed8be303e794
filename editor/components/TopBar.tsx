import type { StrategySummary } from '../api.ts';
import type { HealthState } from '../hooks/useHealth.ts';
import type { Loadable } from '../hooks/useLoad.ts';
import { HealthIndicator } from './HealthIndicator.tsx';
import { StrategyMenu } from './StrategyMenu.tsx';

interface Props {
  name: string;
  onName: (name: string) => void;
  strategyId: string | null;
  dirty: boolean;
  saving: boolean;
  saveError: string | null;
  onSave: () => void;
  strategies: Loadable<StrategySummary[]>;
  onOpen: (id: string) => void;
  onNew: () => void;
  onDelete: (id: string) => void;
  health: HealthState;
}

/** Brand, strategy name and picker, save state, and service health. */
export function TopBar(props: Props) {
  const { name, dirty, saving, strategyId } = props;
  const state = saving ? 'Saving…' : props.saveError ? 'Save failed' : strategyId === null ? (dirty ? 'Not saved yet' : 'Draft') : dirty ? 'Unsaved changes' : 'Saved';
  const stateClass = saving ? 'is-busy' : props.saveError ? 'is-error' : dirty || strategyId === null ? 'is-dirty' : 'is-saved';
  return (
    <header className="topbar">
      <div className="brand" aria-label="Tradeloom">
        <span className="brand-mark" aria-hidden>
          ◆
        </span>
        Tradeloom
      </div>
      <StrategyMenu strategies={props.strategies} currentId={strategyId} onOpen={props.onOpen} onNew={props.onNew} onDelete={props.onDelete} />
      <input
        className="strategy-name"
        type="text"
        aria-label="Strategy name"
        value={name}
        maxLength={200}
        onChange={(e) => props.onName(e.target.value)}
        data-testid="strategy-name"
        spellCheck={false}
      />
      <button type="button" className="button primary small" onClick={props.onSave} disabled={saving || !dirty} data-testid="save-button" title="Save (Ctrl+S)">
        Save
      </button>
      <span className={`save-state ${stateClass}`} data-testid="save-state" title={props.saveError ?? undefined}>
        <span className="dot" aria-hidden />
        {state}
      </span>
      <div className="topbar-spacer" />
      <HealthIndicator health={props.health} />
    </header>
  );
}
