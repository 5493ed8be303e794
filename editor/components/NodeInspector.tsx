import type { CompileError } from '../../engine/compile.ts';
import type { CatalogEntry } from '../../nodes/registry.ts';
import { categoryColors, categoryTitles, useCatalogInfo, type CatalogInfo } from '../catalog-context.ts';
import type { StrategyFlowNode } from '../graph-mapping.ts';
import type { useDatasets } from '../hooks/useDatasets.ts';
import type { StrategyDocument } from '../hooks/useStrategyDocument.ts';
import { ParamsForm } from './ParamsForm.tsx';
import { PreviewPanel } from './PreviewPanel.tsx';

/** Categories whose nodes compute a series worth seeing: the ones the live preview is for. */
const previewed = new Set(['indicator', 'logic', 'math', 'model']);

interface Props {
  node: StrategyFlowNode;
  entry: CatalogEntry;
  errors: CompileError[];
  doc: StrategyDocument;
  datasets: ReturnType<typeof useDatasets>;
}

/** Everything about the selected node: its settings form, problems, ports and documentation. */
export function NodeInspector({ node, entry, errors, doc, datasets }: Props) {
  const { catalog } = useCatalogInfo();
  return (
    <div className="inspector-body" data-testid="inspector" data-node-id={node.id}>
      <div className="inspector-title" style={{ ['--cat' as string]: categoryColors[entry.category] ?? '#90a4ae' }}>
        <div>
          <h2>{entry.title}</h2>
          <div className="muted mono small">
            {categoryTitles[entry.category] ?? entry.category} · {node.id}
          </div>
        </div>
        <button type="button" className="button small ghost danger" onClick={() => doc.removeNode(node.id)} title="Delete node (Del)">
          Delete
        </button>
      </div>
      <p className="inspector-desc">{entry.description}</p>

      {errors.length > 0 && (
        <ul className="inspector-problems" role="alert">
          {errors.map((e, i) => (
            <li key={i}>{e.message}</li>
          ))}
        </ul>
      )}

      <section className="inspector-section">
        <h3>Settings</h3>
        <div className="form">
          <div className="field">
            <label htmlFor={`label-${node.id}`}>
              Label<span className="field-tag">optional</span>
            </label>
            <input id={`label-${node.id}`} type="text" value={node.data.label ?? ''} placeholder={entry.title} onChange={(e) => doc.setLabel(node.id, e.target.value)} maxLength={200} />
          </div>
        </div>
        <ParamsForm
          key={node.id}
          entry={entry}
          params={node.data.params}
          onChange={(p) => doc.setParams(node.id, p)}
          errors={errors}
          datasets={datasets}
          optimize={node.data.optimize}
          // A data source's params cannot vary in a research run (its bars are loaded once for every trial).
          onOptimize={entry.category === 'data' && entry.inputs.length === 0 ? undefined : (param, range) => doc.setOptimize(node.id, param, range)}
        />
      </section>

      {previewed.has(entry.category) && <PreviewPanel graph={doc.graph} compileKey={doc.graphCompileKey} nodeId={node.id} />}

      <section className="inspector-section">
        <h3>Ports</h3>
        <table className="ports-table">
          <tbody>
            {entry.inputs.map((p) => (
              <PortRow key={`in-${p.name}`} direction="in" port={p} kinds={catalog.portKinds} />
            ))}
            {entry.outputs.map((p) => (
              <PortRow key={`out-${p.name}`} direction="out" port={p} kinds={catalog.portKinds} />
            ))}
          </tbody>
        </table>
      </section>

      {(entry.docs.caveats.length > 0 || entry.docs.example) && (
        <section className="inspector-section">
          <h3>Notes</h3>
          {entry.docs.example && (
            <p className="inspector-example">
              <span className="muted">Example: </span>
              {entry.docs.example}
            </p>
          )}
          <ul className="caveats">
            {entry.docs.caveats.map((c, i) => (
              <li key={i}>{c}</li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

interface PortRowProps {
  direction: 'in' | 'out';
  /** An input or an output; only inputs can be optional. */
  port: Omit<CatalogEntry['inputs'][number], 'optional'> & { optional?: boolean };
  kinds: CatalogInfo['catalog']['portKinds'];
}

/** One row of the ports table: direction, name, kind chip, and what it carries. */
function PortRow({ direction, port, kinds }: PortRowProps) {
  const kind = kinds[port.kind];
  return (
    <tr>
      <td className="muted">{direction}</td>
      <td className="mono">{port.name}</td>
      <td>
        <span className="kind-chip" style={{ ['--kind' as string]: kind?.color }}>
          {kind?.title ?? port.kind}
        </span>
      </td>
      <td>
        {port.description}
        {port.optional ? ' (optional)' : ''}
      </td>
    </tr>
  );
}
