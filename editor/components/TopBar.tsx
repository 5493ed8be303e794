import type { StrategySummary } from '../api.ts';
import type { HealthState } from '../hooks/useHealth.ts';
import type { Loadable } from '../hooks/useLoad.ts';
import { isMac } from '../shortcuts.ts';
import { HealthIndicator } from './HealthIndicator.tsx';
import { Icon } from './Icon.tsx';
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
  onNewFromTemplate: () => void;
  onManage: () => void;
  onDelete: (id: string) => void;
  historyOpen: boolean;
  onHistory: () => void;
  health: HealthState;
  canUndo: boolean;
  canRedo: boolean;
  onUndo: () => void;
  onRedo: () => void;
  onSettings: () => void;
  onShortcuts: () => void;
}

const mod = isMac ? '⌘' : 'Ctrl+';

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
      <StrategyMenu strategies={props.strategies} currentId={strategyId} onOpen={props.onOpen} onNew={props.onNew} onNewFromTemplate={props.onNewFromTemplate} onManage={props.onManage} onDelete={props.onDelete} />
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
      <button type="button" className="button primary small" onClick={props.onSave} disabled={saving || !dirty} data-testid="save-button" title={`Save (${mod}S)`}>
        Save
      </button>
      <span className={`save-state ${stateClass}`} data-testid="save-state" title={props.saveError ?? undefined}>
        <span className="dot" aria-hidden />
        {state}
      </span>
      <div className="toolbar" role="toolbar" aria-label="Edit">
        <button type="button" className="icon-button" onClick={props.onUndo} disabled={!props.canUndo} aria-label="Undo" title={`Undo (${mod}Z)`} data-testid="undo-button">
          <Icon name="undo" />
        </button>
        <button type="button" className="icon-button" onClick={props.onRedo} disabled={!props.canRedo} aria-label="Redo" title={`Redo (${mod}Shift+Z)`} data-testid="redo-button">
          <Icon name="redo" />
        </button>
        <span className="toolbar-sep" />
        <button type="button" className="button small ghost" onClick={props.onSettings} title="Cash, commission and slippage of this strategy's backtests" data-testid="settings-button">
          <Icon name="gear" size={13} />
          Settings
        </button>
        <button
          type="button"
          className={`button small ghost${props.historyOpen ? ' is-active' : ''}`}
          onClick={props.onHistory}
          aria-pressed={props.historyOpen}
          title="Every save of this strategy: compare two versions or restore one"
          data-testid="history-button"
        >
          <Icon name="clock" size={13} />
          History
        </button>
      </div>
      <div className="topbar-spacer" />
      <button type="button" className="icon-button" onClick={props.onShortcuts} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" data-testid="shortcuts-button">
        <Icon name="keyboard" size={16} />
      </button>
      <HealthIndicator health={props.health} />
    </header>
  );
}
