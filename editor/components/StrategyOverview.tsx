import type { StrategyDocument } from '../hooks/useStrategyDocument.ts';
import { StrategySettingsForm } from './StrategySettingsForm.tsx';

interface Props {
  doc: StrategyDocument;
  selectedCount: number;
  settingsFocus: number;
  onShowShortcuts: () => void;
}

/** What the inspector shows with no single node selected: the strategy's settings, and what to do with a selection. */
export function StrategyOverview({ doc, selectedCount, settingsFocus, onShowShortcuts }: Props) {
  return (
    <div className="inspector-body" data-testid="strategy-overview">
      {selectedCount > 1 && (
        <section className="selection-box" data-testid="selection-actions">
          <div>
            <b>{selectedCount} nodes selected.</b> Select a single node to edit its settings.
          </div>
          <div className="selection-actions">
            <button type="button" className="button small" onClick={() => doc.copy()} title="Copy (Ctrl+C)">
              Copy
            </button>
            <button type="button" className="button small ghost danger" onClick={doc.deleteSelected} title="Delete (Del)">
              Delete
            </button>
          </div>
        </section>
      )}
      <StrategySettingsForm key={doc.generation} settings={doc.settings} onChange={doc.setSettings} focusRequest={settingsFocus} />
      <section className="inspector-section">
        <h3>Graph</h3>
        <dl className="kv">
          <dt>Nodes</dt>
          <dd className="mono">{doc.nodes.length}</dd>
          <dt>Connections</dt>
          <dd className="mono">{doc.edges.length}</dd>
        </dl>
      </section>
      <p className="field-help">
        Shift-drag to select several nodes. Press{' '}
        <button type="button" className="link kbd-link" onClick={onShowShortcuts}>
          <kbd>?</kbd>
        </button>{' '}
        for every keyboard shortcut.
      </p>
    </div>
  );
}
