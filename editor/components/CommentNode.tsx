import { NodeResizer, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { useAnnotationActions } from '../annotation-actions.ts';
import { diffBadges, useDiffStatus } from '../diff-context.ts';
import { commentSize, type CommentFlowNode } from '../graph-mapping.ts';
import { Icon } from './Icon.tsx';

/**
 * A comment note: free text in a resizable box, dragged by its title strip. It is saved with the
 * strategy but never compiled, so it can say why the strategy is built the way it is. Read-only, with
 * its diff status, where no document owns it (the version diff).
 */
function CommentNodeView({ id, data, selected }: NodeProps<CommentFlowNode>) {
  const actions = useAnnotationActions();
  const diff = useDiffStatus(id);
  return (
    <div className={`tl-comment${selected ? ' is-selected' : ''}${diff ? ` diff-${diff}` : ''}`} data-testid={`comment-${id}`} data-diff={diff}>
      {actions && <NodeResizer isVisible={selected} minWidth={commentSize.minWidth} minHeight={commentSize.minHeight} color="var(--note-edge)" handleClassName="tl-comment-handle" />}
      <div className="tl-comment-head">
        <Icon name="note" size={12} />
        <span>Note</span>
        {diff && diffBadges[diff] && <span className="tl-node-diff">{diffBadges[diff]}</span>}
        {actions && (
          <button type="button" className="tl-annotation-remove nodrag" onClick={() => actions.removeAnnotation(id)} aria-label="Delete note" title="Delete note">
            <Icon name="cross" size={10} />
          </button>
        )}
      </div>
      <textarea
        className="tl-comment-text nodrag nowheel"
        value={data.text}
        placeholder="Write a note: why this node, what to try next…"
        aria-label="Note text"
        maxLength={5000}
        spellCheck={false}
        readOnly={!actions}
        onChange={(e) => actions?.setCommentText(id, e.target.value)}
        data-testid={`comment-text-${id}`}
      />
    </div>
  );
}

export const CommentNode = memo(CommentNodeView);
