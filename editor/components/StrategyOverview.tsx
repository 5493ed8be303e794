import { fmtMoney, fmtNumber } from '../format.ts';
import type { StrategyDocument } from '../hooks/useStrategyDocument.ts';

/** What the inspector shows with no single node selected: the strategy's settings and how to work the canvas. */
export function StrategyOverview({ doc, selectedCount }: { doc: StrategyDocument; selectedCount: number }) {
  const s = doc.graph.settings ?? {};
  return (
    <div className="inspector-body" data-testid="strategy-overview">
      {selectedCount > 1 && <p className="inspector-desc">Select a single node to edit its settings. Press Delete to remove the selection.</p>}
      <section className="inspector-section">
        <h3>Backtest settings</h3>
        <dl className="kv">
          <dt>Initial cash</dt>
          <dd className="mono">{fmtMoney(s.initialCash ?? 100_000, 0)}</dd>
          <dt>Commission</dt>
          <dd className="mono">{fmtNumber(s.commissionBps ?? 1, 1)} bps</dd>
          <dt>Slippage</dt>
          <dd className="mono">{fmtNumber(s.slippageBps ?? 2, 1)} bps</dd>
        </dl>
        <p className="field-help">Orders decided at a bar’s close fill at the next bar’s open, with slippage and commission.</p>
      </section>
      <section className="inspector-section">
        <h3>Graph</h3>
        <dl className="kv">
          <dt>Nodes</dt>
          <dd className="mono">{doc.nodes.length}</dd>
          <dt>Connections</dt>
          <dd className="mono">{doc.edges.length}</dd>
        </dl>
      </section>
      <section className="inspector-section">
        <h3>Shortcuts</h3>
        <dl className="kv shortcuts">
          <dt>
            <kbd>Ctrl</kbd> <kbd>S</kbd>
          </dt>
          <dd>Save</dd>
          <dt>
            <kbd>Del</kbd>
          </dt>
          <dd>Delete selection</dd>
          <dt>
            <kbd>Shift</kbd> drag
          </dt>
          <dd>Select several</dd>
          <dt>Drag a port</dt>
          <dd>Connect output → input</dd>
        </dl>
      </section>
    </div>
  );
}
