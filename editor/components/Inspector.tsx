import type { CompileError } from '../../engine/compile.ts';
import { useCatalogInfo } from '../catalog-context.ts';
import type { useDatasets } from '../hooks/useDatasets.ts';
import type { StrategyDocument } from '../hooks/useStrategyDocument.ts';
import { missingNodeText } from '../missing-node.ts';
import { lazyComponent } from './lazy-component.tsx';
import { StrategyOverview } from './StrategyOverview.tsx';

/**
 * A node's form loads with the first node selected: its fields (optimisation ranges, CSV baskets) parse
 * with the engine's zod schemas, which the editor's start then need not build.
 */
const NodeInspector = lazyComponent(async () => (await import('./NodeInspector.tsx')).NodeInspector, <div className="inspector-body" aria-busy="true" />);

interface Props {
  doc: StrategyDocument;
  errorsByNode: ReadonlyMap<string, CompileError[]>;
  datasets: ReturnType<typeof useDatasets>;
  settingsFocus: number;
  onShowShortcuts: () => void;
}

/** The right-hand panel: the selected node's settings, or the strategy overview when nothing is selected. */
export function Inspector({ doc, errorsByNode, datasets, settingsFocus, onShowShortcuts }: Props) {
  const { entry } = useCatalogInfo();
  const selected = doc.nodes.filter((n) => n.selected);
  const node = selected.length === 1 ? selected[0] : undefined;
  const nodeEntry = node ? entry(node.data.type) : undefined;
  return (
    <aside className="inspector" aria-label="Inspector">
      <div className="panel-header">
        <span>{node ? 'Node' : 'Strategy'}</span>
        {selected.length > 1 && <span className="muted">{selected.length} selected</span>}
      </div>
      {node && nodeEntry ? (
        <NodeInspector node={node} entry={nodeEntry} errors={errorsByNode.get(node.id) ?? []} doc={doc} datasets={datasets} />
      ) : node ? (
        <div className="inspector-body">
          <p className="field-error">{missingNodeText(node.data.type)} Delete the node, or replace it.</p>
        </div>
      ) : (
        <StrategyOverview doc={doc} selectedCount={selected.length} settingsFocus={settingsFocus} onShowShortcuts={onShowShortcuts} />
      )}
    </aside>
  );
}
