import type { CompileError } from '../../engine/compile.ts';
import type { StrategyFlowNode } from '../graph-mapping.ts';
import type { CompileState } from '../hooks/useCompile.ts';
import { useDeployments } from '../hooks/useDeployments.ts';
import { useResearch } from '../hooks/useResearch.ts';
import type { StrategyDocument } from '../hooks/useStrategyDocument.ts';
import { useState } from 'react';
import { CompileStatus } from './CompileStatus.tsx';
import { ProblemsList } from './ProblemsList.tsx';
import { MetricsTable } from './results/MetricsTable.tsx';
import { PriceChart } from './results/PriceChart.tsx';
import { RunHistory } from './results/RunHistory.tsx';
import { resultPending, ResultsView } from './ResultsView.tsx';
import { RunPanel, type RunPanelProps } from './RunPanel.tsx';
import { TradesTable } from './TradesTable.tsx';
import { lazyComponent } from './lazy-component.tsx';

// Loaded when their tab is first opened: their forms validate with the engine's and the risk gate's zod schemas.
const ResearchTab = lazyComponent(async () => (await import('./research/ResearchTab.tsx')).ResearchTab, <TabLoading />);
const DeploymentsTab = lazyComponent(async () => (await import('./deployments/DeploymentsTab.tsx')).DeploymentsTab, <TabLoading />);

function TabLoading() {
  return <div className="muted" aria-busy="true" />;
}

export type BottomTab = 'results' | 'chart' | 'metrics' | 'trades' | 'runs' | 'research' | 'deployments' | 'problems';

interface Props extends RunPanelProps {
  tab: BottomTab;
  onTab: (tab: BottomTab) => void;
  compile: CompileState;
  errors: readonly CompileError[];
  nodes: readonly StrategyFlowNode[];
  onSelectNode: (id: string) => void;
  /** The strategy, for research studies: they run on its saved graph and can write params back to it. */
  doc: StrategyDocument;
  onSave: () => Promise<string | null>;
}

/** Run controls on the left; results, price chart, metrics, trades, run history and problems in tabs on the right. */
export function BottomPanel(props: Props) {
  const { run } = props.runHook;
  // Charts need height: the dock can take most of the window, and gives it back with the same button.
  const [expanded, setExpanded] = useState(false);
  // Here rather than in the tab, so a study keeps streaming its progress while another tab is shown.
  const research = useResearch(props.doc.id);
  const activeStudies = research.studies.state === 'ready' ? research.studies.data.filter((r) => r.status === 'queued' || r.status === 'running').length : 0;
  // Likewise deployments keep streaming while another tab is shown.
  const deployments = useDeployments(props.doc.id);
  const runningDeployments = deployments.list.state === 'ready' ? deployments.list.data.filter((d) => d.status === 'running' || d.status === 'paused').length : 0;
  // The research and deployments tabs bring their own data choice and start button: the backtest's column would only confuse.
  const researching = props.tab === 'research' || props.tab === 'deployments';
  const trades = run.result?.trades;
  const open = trades?.filter((t) => t.open).length ?? 0;
  // Closed + open, short enough to stay on one line in the tab bar (the words are in its title, and the
  // Trades metric says the same).
  const tradeCount = trades ? `${trades.length - open}${open ? `+${open}` : ''}` : undefined;
  const tradeTitle = trades ? `${trades.length - open} closed trade${trades.length - open === 1 ? '' : 's'}${open ? `, ${open} open` : ''}` : undefined;
  const tabs: { id: BottomTab; label: string; count?: number | string; tone?: string; title?: string }[] = [
    { id: 'results', label: 'Results' },
    { id: 'chart', label: 'Chart' },
    { id: 'metrics', label: 'Metrics' },
    { id: 'trades', label: 'Trades', count: tradeCount, title: tradeTitle },
    { id: 'runs', label: 'Runs', count: run.history.length || undefined },
    { id: 'research', label: 'Research', count: activeStudies || undefined },
    { id: 'deployments', label: 'Deployments', count: runningDeployments || undefined },
    { id: 'problems', label: 'Problems', count: props.errors.length, tone: props.errors.length ? 'neg' : undefined },
  ];
  return (
    <section className={`dock${expanded ? ' is-expanded' : ''}${researching ? ' is-research' : ''}`} aria-label="Backtest" data-testid="dock">
      {!researching && (
        <RunPanel
          runHook={props.runHook}
          datasets={props.datasets}
          graphSource={props.graphSource}
          settings={props.settings}
          onEditSettings={props.onEditSettings}
          onRun={props.onRun}
          saving={props.saving}
        />
      )}
      <div className="bottom-main">
        <div className="tabs" role="tablist">
          {tabs.map((t) => (
            <button key={t.id} type="button" role="tab" aria-selected={props.tab === t.id} className={`tab${props.tab === t.id ? ' is-active' : ''}`} onClick={() => props.onTab(t.id)} data-testid={`tab-${t.id}`}>
              {t.label}
              {t.count !== undefined && (
                <span className={`tab-count ${t.tone ?? ''}`} title={t.title}>
                  {t.count}
                </span>
              )}
            </button>
          ))}
          <div className="tabs-spacer" />
          <CompileStatus state={props.compile} />
          <button
            type="button"
            className="dock-expand"
            onClick={() => setExpanded((e) => !e)}
            aria-pressed={expanded}
            title={expanded ? 'Give the canvas its room back' : 'Enlarge the results panel'}
            aria-label={expanded ? 'Shrink the results panel' : 'Enlarge the results panel'}
            data-testid="dock-expand"
          >
            <svg width="14" height="14" viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth={1.6} strokeLinecap="round" strokeLinejoin="round" aria-hidden>
              <path d={expanded ? 'M4 6l4 4 4-4' : 'M4 10l4-4 4 4'} />
            </svg>
          </button>
        </div>
        <div className="tab-body" role="tabpanel">
          {props.tab === 'results' && <ResultsView run={run.current} result={run.result} resultError={run.resultError} initialCash={props.settings.initialCash ?? 100_000} />}
          {props.tab === 'chart' && (resultPending(run.current, run.result, run.resultError, 'price chart, trade markers and indicators') ?? <PriceChart key={run.current!.id} runId={run.current!.id} />)}
          {props.tab === 'metrics' && (resultPending(run.current, run.result, run.resultError, 'metrics') ?? <MetricsTable metrics={run.result!.metrics} />)}
          {props.tab === 'trades' && (resultPending(run.current, run.result, run.resultError, 'trades') ?? <TradesTable key={run.current!.id} trades={run.result!.trades} runId={run.current!.id} />)}
          {props.tab === 'runs' && (
            <RunHistory
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
          {props.tab === 'research' && (
            <ResearchTab key={props.doc.generation} research={research} doc={props.doc} save={props.onSave} saving={props.saving} datasets={props.datasets} graphSource={props.graphSource} />
          )}
          {props.tab === 'deployments' && (
            <DeploymentsTab
              key={props.doc.generation}
              deployments={deployments}
              doc={props.doc}
              save={props.onSave}
              datasets={props.datasets}
              graphSource={props.graphSource}
              initialCash={props.settings.initialCash ?? 100_000}
              gate={research.gate}
              reloadGate={research.reloadGate}
              onShowStudy={(id) => {
                research.select(id);
                props.onTab('research');
              }}
            />
          )}
          {props.tab === 'problems' && <ProblemsList errors={props.errors} nodes={props.nodes} onSelectNode={props.onSelectNode} />}
        </div>
      </div>
    </section>
  );
}
