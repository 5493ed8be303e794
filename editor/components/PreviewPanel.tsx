import type { CompileError } from '../../engine/compile.ts';
import type { GraphInput } from '../../engine/graph.ts';
import type { Preview } from '../api.ts';
import { usePreview } from '../hooks/usePreview.ts';
import { useThemeValue } from '../theme.ts';
import { PreviewChart, previewColors } from './PreviewChart.tsx';

interface Props {
  graph: GraphInput;
  compileKey: string;
  nodeId: string;
}

/**
 * The inspector's live preview of the selected node: its outputs over sample data, refreshed as its
 * params or wiring change. Says what it ran on, and when only the node's inputs could run.
 */
export function PreviewPanel({ graph, compileKey, nodeId }: Props) {
  const state = usePreview(graph, compileKey, nodeId);
  const theme = useThemeValue();
  const shown: Preview | null = state.state === 'ready' ? state.preview : state.state === 'loading' ? state.previous : null;

  return (
    <section className="inspector-section preview-panel" data-testid="preview" data-state={state.state} aria-busy={state.state === 'loading'}>
      <h3>
        Preview
        {state.state === 'loading' && <span className="preview-spinner" aria-label="Loading the preview" />}
      </h3>
      {state.state === 'error' ? (
        <PreviewProblem message={state.message} errors={state.errors} nodeId={nodeId} />
      ) : shown ? (
        <>
          <PreviewChart preview={shown} theme={theme} />
          <div className="preview-legend">
            {shown.outputs.map((o, i) => (
              <span key={o.port} className="preview-chip" style={{ ['--chip' as string]: previewColors(theme)[i % previewColors(theme).length] }}>
                {o.port}
              </span>
            ))}
            <span className="preview-chip is-close">close</span>
          </div>
          <p className="preview-note muted small" data-testid="preview-note">
            {shown.time.length} bars of {shown.data.label}
            {shown.warmup > 0 && ` · warm-up ${shown.warmup} bars`}
            {!shown.complete && ' · only this node and its inputs ran: the strategy does not compile yet'}
          </p>
        </>
      ) : (
        <div className="preview-placeholder muted">Running the node over sample data…</div>
      )}
    </section>
  );
}

/** Why there is no preview, in the trader's terms: the node's own problems first. */
function PreviewProblem({ message, errors, nodeId }: { message: string; errors: CompileError[]; nodeId: string }) {
  const own = errors.filter((e) => e.nodeId === nodeId);
  const list = own.length > 0 ? own : errors;
  return (
    <div className="preview-placeholder" role="status" data-testid="preview-problem">
      <div className="muted">No preview yet.</div>
      {list.length > 0 ? (
        <ul className="preview-problems">
          {list.slice(0, 3).map((e, i) => (
            <li key={i}>{e.message}</li>
          ))}
        </ul>
      ) : (
        <div className="error-text">{message}</div>
      )}
    </div>
  );
}
