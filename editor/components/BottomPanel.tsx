import type { CompileError } from '../../engine/compile.ts';
import type { StrategyFlowNode } from '../graph-mapping.ts';
import type { CompileState } from '../hooks/useCompile.ts';
import { CompileStatus } from './CompileStatus.tsx';
import { ProblemsList } from './ProblemsList.tsx';
import { ResultsView } from './ResultsView.tsx';
import { RunPanel, type RunPanelProps } from './RunPanel.tsx';
import { RunsTable } from './RunsTable.tsx';
import { TradesTable } from './TradesTable.tsx';

export type BottomTab = 'results' | 'trades' | 'runs' | 'problems';

interface Props extends RunPanelProps {
  tab: BottomTab;
  onTab: (tab: BottomTab) => void;
  compile: CompileState;
  errors: readonly CompileError[];
  nodes: readonly StrategyFlowNode[];
  onSelectNode: (id: string) => void;
}

/** Run controls on the left; results, trades and problems in tabs on the right. */
export function BottomPanel(props: Props) {
  const { run } = props.runHook;
  const trades = run.result?.trades;
  const open = trades?.filter((t) => t.open).length ?? 0;
  // Same words as the Trades metric, so the two numbers visibly agree.
  const tradeCount = trades ? `${trades.length - open}${open ? ` + ${open} open` : ''}` : undefined;
  const tabs: { id: BottomTab; label: string; count?: number | string; tone?: string }[] = [
    { id: 'results', label: 'Results' },
    { id: 'trades', label: 'Trades', count: tradeCount },
    { id: 'runs', label: 'Runs', count: run.history.length || undefined },
    { id: 'problems', label: 'Problems', count: props.errors.length, tone: props.errors.length ? 'neg' : undefined },
  ];
  return (
    <section className="dock" aria-label="Backtest">
      <RunPanel
        runHook={props.runHook}
        datasets={props.datasets}
        graphSource={props.graphSource}
        settings={props.settings}
        onEditSettings={props.onEditSettings}
        onRun={props.onRun}
        saving={props.saving}
      />
      <div className="bottom-main">
        <div className="tabs" role="tablist">
          {tabs.map((t) => (
            <button key={t.id} type="button" role="tab" aria-selected={props.tab === t.id} className={`tab${props.tab === t.id ? ' is-active' : ''}`} onClick={() => props.onTab(t.id)} data-testid={`tab-${t.id}`}>
              {t.label}
              {t.count !== undefined && <span className={`tab-count ${t.tone ?? ''}`}>{t.count}</span>}
            </button>
          ))}
          <div className="tabs-spacer" />
          <CompileStatus state={props.compile} />
        </div>
        <div className="tab-body" role="tabpanel">
          {props.tab === 'results' && <ResultsView run={run.current} result={run.result} resultError={run.resultError} initialCash={props.settings.initialCash ?? 100_000} />}
          {props.tab === 'trades' &&
            (run.result ? <TradesTable trades={run.result.trades} /> : <div className="empty-state">Trades of a finished backtest appear here.</div>)}
          {props.tab === 'runs' && (
            <RunsTable
              runs={run.history}
              currentId={run.current?.id ?? null}
              onShow={(r) => {
                props.runHook.show(r);
                props.onTab('results');
              }}
              error={run.historyError}
              datasets={props.datasets.datasets.data ?? []}
            />
          )}
          {props.tab === 'problems' && <ProblemsList errors={props.errors} nodes={props.nodes} onSelectNode={props.onSelectNode} />}
        </div>
      </div>
    </section>
  );
}
