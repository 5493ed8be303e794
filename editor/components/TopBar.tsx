import type { StrategySummary } from '../api.ts';
import type { HealthState } from '../hooks/useHealth.ts';
import type { Loadable } from '../hooks/useLoad.ts';
import { isMac } from '../shortcuts.ts';
import type { Theme } from '../theme.ts';
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
  /** Open the custom node editor on a new node. */
  onNewCustomNode?: () => void;
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
  /** Canvas tools: auto-layout, a new comment, grouping the selection. */
  canvas: {
    onLayout: () => void;
    layoutBusy: boolean;
    canLayout: boolean;
    onAddNote: () => void;
    onGroup: () => void;
    canGroup: boolean;
  };
  theme: Theme;
  onToggleTheme: () => void;
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
      <StrategyMenu strategies={props.strategies} currentId={strategyId} onOpen={props.onOpen} onNew={props.onNew} onNewFromTemplate={props.onNewFromTemplate} onManage={props.onManage} onNewCustomNode={props.onNewCustomNode} onDelete={props.onDelete} />
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
        <button type="button" className="button small ghost" onClick={props.onSettings} title="Cash, commission and slippage of this strategy's backtests" aria-label="Settings" data-testid="settings-button">
          <Icon name="gear" size={13} />
          <span className="button-label">Settings</span>
        </button>
        <button
          type="button"
          className={`button small ghost${props.historyOpen ? ' is-active' : ''}`}
          onClick={props.onHistory}
          aria-pressed={props.historyOpen}
          title="Every save of this strategy: compare two versions or restore one"
          aria-label="History" data-testid="history-button"
        >
          <Icon name="clock" size={13} />
          <span className="button-label">History</span>
        </button>
        <span className="toolbar-sep" />
        <button
          type="button"
          className="button small ghost"
          onClick={props.canvas.onLayout}
          disabled={!props.canvas.canLayout || props.canvas.layoutBusy}
          title={`Tidy the graph: lay it out left to right (${mod}Shift+L)`}
          aria-label="Tidy" data-testid="layout-button"
        >
          <Icon name="layout" size={13} />
          <span className="button-label">{props.canvas.layoutBusy ? 'Tidying…' : 'Tidy'}</span>
        </button>
        <button type="button" className="button small ghost" onClick={props.canvas.onAddNote} title="Add a comment note to the canvas" aria-label="Note" data-testid="add-note-button">
          <Icon name="note" size={13} />
          <span className="button-label">Note</span>
        </button>
        <button
          type="button"
          className="button small ghost"
          onClick={props.canvas.onGroup}
          disabled={!props.canvas.canGroup}
          title={`Frame the selected nodes as a labelled group (${mod}G)`}
          aria-label="Group" data-testid="group-button"
        >
          <Icon name="group" size={13} />
          <span className="button-label">Group</span>
        </button>
      </div>
      <div className="topbar-spacer" />
      <button
        type="button"
        className="icon-button"
        onClick={props.onToggleTheme}
        aria-label={props.theme === 'dark' ? 'Switch to the light theme' : 'Switch to the dark theme'}
        title={props.theme === 'dark' ? 'Light theme' : 'Dark theme'}
        data-testid="theme-toggle"
        data-theme={props.theme}
      >
        <Icon name={props.theme === 'dark' ? 'sun' : 'moon'} size={15} />
      </button>
      <button type="button" className="icon-button" onClick={props.onShortcuts} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" data-testid="shortcuts-button">
        <Icon name="keyboard" size={16} />
      </button>
      <HealthIndicator health={props.health} />
    </header>
  );
}
