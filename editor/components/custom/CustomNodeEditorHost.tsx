import { lazy, Suspense } from 'react';
import type { CustomNodeSummary } from '../../api.ts';

// Monaco and its TypeScript support are a large chunk: loaded the first time the editor opens, not with the app.
const CustomNodeEditor = lazy(() => import('./CustomNodeEditor.tsx'));

interface Props {
  /** The custom node type to open (`custom.<name>`); a new node from the template when absent. */
  nodeType?: string;
  onClose: () => void;
  onSaved: (node: CustomNodeSummary) => void;
  onDeleted: () => void;
}

/** The custom node editor, loaded on demand, with a placeholder while its code arrives. */
export function CustomNodeEditorHost(props: Props) {
  return (
    <Suspense
      fallback={
        <div className="custom-editor-backdrop nokey">
          <div className="custom-editor custom-editor-loading" data-testid="custom-node-editor-loading">
            <span className="muted">Loading the code editor…</span>
          </div>
        </div>
      }
    >
      <CustomNodeEditor {...props} />
    </Suspense>
  );
}
